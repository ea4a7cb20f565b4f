"""`article-etl check-config` as a user runs it (a real subprocess): config errors that name the
file, the source and the field, and ``--probe`` against a loopback site."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import serving
from tests.stages.backfill_site import DAYS, PER_DAY, TODAY, article_path, feed, news_site, sitemap

pytestmark = pytest.mark.timeout(120)


def check_config(sources: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("article-etl")
    env = {**os.environ, "ARTICLE_ETL_SOURCES": str(sources), "ARTICLE_ETL_HOME": str(home)}
    return subprocess.run(
        [str(exe), "check-config", *args], capture_output=True, text=True, check=False, env=env
    )


FETCH = """fetch:
  allow_private_networks: [127.0.0.1/32]
  per_host_delay_seconds: 0
  retries: 0
"""


def _sources(tmp_path: Path, base: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"""sources:
  - id: harbour
    name: Harbour News
    lang: en
    timezone: UTC
    discovery:
      - {{kind: rss, url: "{base}/feed.xml"}}
      - {{kind: sitemap, url: "{base}/sitemap.xml"}}
{FETCH}""",
        encoding="utf-8",
    )
    return path


def test_probe_prints_what_each_route_would_take_for_an_old_day_and_fetches_no_article(
    tmp_path: Path,
) -> None:
    site = news_site()
    home = tmp_path / "home"
    old = TODAY - timedelta(days=10)
    with serving(site) as base:
        site["/feed.xml"] = (200, [("Content-Type", "application/rss+xml")], feed(base))
        site["/sitemap.xml"] = (200, [("Content-Type", "application/xml")], sitemap(base))
        out = check_config(_sources(tmp_path, base), home, "--probe", "harbour", "--ds", old.isoformat())
        assert out.returncode == 0, out.stderr
        lines = out.stdout.splitlines()
        assert lines[0].startswith(f"probe of source harbour for ds={old.isoformat()}")
        assert lines[1].startswith(
            f"  rss[0] {base}/feed.xml: listed {3 * PER_DAY}, 0 for the day; rss oldest item"
        )
        assert "is after the day" in lines[1]
        assert lines[2].startswith(
            f"  sitemap[1] {base}/sitemap.xml: listed {len(DAYS) * PER_DAY}, {PER_DAY} for the day"
        )
        assert lines[3].startswith("day complete: ")
        assert lines[4] == f"would take {PER_DAY} URLs; the first {PER_DAY}:"
        for k in range(PER_DAY):
            assert f"{old.isoformat()} {9 + k:02d}:00 UTC" in out.stdout
            assert f"sitemap[1] {base}{article_path(old, k)}" in out.stdout
        assert not [p for p in site.asked if p.startswith("/news/")], "a probe fetches no article"

        yesterday = TODAY - timedelta(days=1)
        out = check_config(
            _sources(tmp_path, base), home, "--probe", "harbour", "--ds", yesterday.isoformat()
        )
        assert out.returncode == 0, out.stderr
        assert f"sitemap[1] {base}/sitemap.xml: not read, an earlier route covers the day" in out.stdout
        assert f"rss[0] {base}{article_path(yesterday, 0)}" in out.stdout
    assert not home.exists() or not any(home.rglob("*")), "a probe writes nothing"


def test_probe_of_an_unknown_source_or_an_unreadable_feed_is_one_line(tmp_path: Path) -> None:
    site = news_site()
    with serving(site) as base:  # no /feed.xml: 404, a config error
        sources = _sources(tmp_path, base)
        out = check_config(sources, tmp_path / "home", "--probe", "nope")
        assert out.returncode == 2
        assert out.stderr.strip() == "article-etl: no source 'nope' in the sources file (known: harbour)"
        out = check_config(sources, tmp_path / "home", "--probe", "harbour", "--ds", "2026-11-10")
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1
    assert "answered HTTP 404" in out.stderr
    assert "discovery[0].url" in out.stderr
    out = check_config(sources, tmp_path / "home", "--probe", "harbour", "--ds", "10 Nov")
    assert out.returncode == 2
    assert "is not a day" in out.stderr


@pytest.mark.parametrize(
    ("discovery", "where"),
    [
        (
            "[{kind: rss, url: 'http://a.example/rss'}, {kind: sitemap, url: 'ftp://a.example/s.xml'}]",
            "sources[a].discovery[1].url: Value error, url 'ftp://a.example/s.xml' is not an http(s) URL",
        ),
        ("{kind: rss, url: 'feeds/rss.xml'}", "sources[a].discovery.url: Value error, url 'feeds/rss.xml'"),
        (
            "[{kind: rss, url: 'http://a.example/rss'}, {kind: listing, url: 'http://a.example/l', links: 'ul >> a'}]",
            "sources[a].discovery[1].links: Value error, links 'ul >> a' is not a CSS selector",
        ),
        (
            "[{kind: rss, url: 'http://a.example/rss'}, {kind: atom, url: 'http://a.example/atom'}]",
            "sources[a].discovery[1].kind: Input tag 'atom'",
        ),
        ("[]", "sources[a].discovery: List should have at least 1 item"),
        (
            "[{kind: rss, url: 'http://a.example/rss'}, {kind: urls, urls: ['http://a.example/1', 'mailto:x@a']}]",
            "sources[a].discovery[1].urls: Value error, urls[1] 'mailto:x@a' is not an http(s) URL",
        ),
    ],
)
def test_check_config_names_the_file_the_source_and_the_field(
    tmp_path: Path, discovery: str, where: str
) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(f"sources:\n  - id: a\n    name: A\n    discovery: {discovery}\n", encoding="utf-8")
    out = check_config(path, tmp_path / "home")
    assert out.returncode == 2
    assert out.stdout == ""
    [line] = out.stderr.strip().splitlines()
    assert line.startswith(f"article-etl: sources file {path} is invalid: ")
    assert where in line


def test_a_selector_override_that_does_not_parse_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - id: a\n    name: A\n    discovery: {kind: rss, url: 'http://a.example/rss'}\n"
        "    selectors: {body: 'div..content'}\n",
        encoding="utf-8",
    )
    out = check_config(path, tmp_path / "home")
    assert out.returncode == 2
    assert "sources[a].selectors.body: Value error, body 'div..content' is not a CSS selector" in out.stderr


def test_check_config_lists_every_route_of_a_source(tmp_path: Path) -> None:
    out = check_config(_sources(tmp_path, "http://news.example"), tmp_path / "home")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (
        "harbour: Harbour News (en, UTC) rss http://news.example/feed.xml | sitemap http://news.example/sitemap.xml"
    )
