"""Replay: a day fetched from a loopback site runs again from its stored WARC, with the site still
up, and sends it nothing; the warehouse ends with the same rows, the manifest and the report say
the day was replayed, and a day never fetched is a one-line error.

The site has what a real day has: plain pages, one behind a redirect (its listed URL differs
from the URL captured), a 404 (a reject with a capture) and a page robots.txt disallows (a reject
with no capture, carried over as it was).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from article_etl import cli
from article_etl.report import day_report, format_report
from article_etl.stages import replay
from article_etl.storage import Stage, latest_published
from article_etl.warehouse import get_engine
from article_etl.warehouse.schema import articles, rejects
from tests.conftest import serving
from tests.stages.helpers import DS, article_rows, feed_source, rss, run_day
from tests.stages.test_bad_values import _page

HTML = [("Content-Type", "text/html; charset=utf-8")]


def _site(routes: dict[str, Any], base: str) -> None:
    links = [f"{base}/{name}" for name in ("a.html", "b.html", "moved.html", "gone.html", "private/p.html")]
    routes.update(
        {
            "/robots.txt": (200, [("Content-Type", "text/plain")], b"User-agent: *\nDisallow: /private/\n"),
            "/feed.xml": (200, [("Content-Type", "application/rss+xml")], rss(links)),
            "/a.html": (200, HTML, _page("a", 11)),
            "/b.html": (200, HTML, _page("b", 12)),
            "/moved.html": (301, [("Location", f"{base}/new/moved.html")], b""),
            "/new/moved.html": (200, HTML, _page("moved", 13)),
            "/private/p.html": (200, HTML, _page("p", 14)),
        }
    )


def _rejects(warehouse: str) -> list[tuple[str, str, str]]:
    with get_engine(warehouse).connect() as conn:
        return sorted((r.url, r.stage, r.reason) for r in conn.execute(select(rejects)))


def test_a_replay_loads_the_same_articles_with_no_request_to_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from article_etl.config import Settings

    zone = tmp_path / "zone"
    monkeypatch.setenv("ARTICLE_ETL_HOME", str(zone))
    warehouse = f"sqlite:///{tmp_path / 'w.db'}"
    log: list[str] = []
    routes: dict[str, Any] = {}
    with serving(routes, log) as base:
        _site(routes, base)
        settings = Settings.model_validate(feed_source(base))
        run_day(settings, "fetched", warehouse, zone, "bay")
        assert "/a.html" in log
        assert "/new/moved.html" in log
        engine = get_engine(warehouse)
        fetched_rows, fetched_rejects = article_rows(engine), _rejects(warehouse)
        with engine.connect() as conn:
            urls = sorted(conn.execute(select(articles.c.url)).scalars())
        assert urls == [f"{base}/a.html", f"{base}/b.html", f"{base}/moved.html"]  # the listed URL
        assert [(u.removeprefix(base), r) for u, _, r in fetched_rejects] == [
            ("/gone.html", "http_status"),
            ("/private/p.html", "robots_disallowed"),
        ]

        log.clear()
        summary = replay.run(settings, "bay", DS, warehouse)
        assert log == []  # the site was up and was asked nothing: no feed, no robots.txt, no page
        assert summary["loaded"] == 3
        assert article_rows(engine) == fetched_rows  # same ids, same rows, nothing duplicated or deleted
        assert _rejects(warehouse) == fetched_rejects  # the reject with no capture is carried over

        manifest = latest_published(Stage.FETCH, DS, "bay").manifest
        assert manifest.run_id == summary["run_id"]
        assert manifest.run_id.startswith("replay__")
        said = manifest.extra["replayed_from"]
        assert said["run_id"] == "fetched"
        assert said["warc"].endswith("pages.warc.gz")
        report = format_report(DS, day_report(engine, DS))
        assert "Replayed from the stored WARC (no request sent): bay" in report

        # The same through the command line, with its own sources file; a replay of a replay.
        sources = tmp_path / "sources.yaml"
        sources.write_text(yaml.safe_dump(feed_source(base)), encoding="utf-8")
        capsys.readouterr()
        argv = ["replay", "--ds", DS, "--source", "bay", "--sources", str(sources), "--warehouse", warehouse]
        assert cli.main(argv) == 0
        assert '"loaded": 3' in capsys.readouterr().out
        assert log == []
        assert article_rows(engine) == fetched_rows
        assert _rejects(warehouse) == fetched_rejects

        # A normal run afterwards is a fetch again: the report no longer says replayed.
        run_day(settings, "fetched-again", warehouse, zone, "bay")
        assert "/a.html" in log
        assert "Replayed" not in format_report(DS, day_report(engine, DS))
        assert article_rows(engine) == fetched_rows


def test_a_day_never_fetched_cannot_be_replayed_and_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ARTICLE_ETL_HOME", str(tmp_path / "zone"))
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump(feed_source("http://127.0.0.1:9")), encoding="utf-8")
    warehouse = f"sqlite:///{tmp_path / 'w.db'}"
    argv = [
        "replay",
        "--ds",
        "2026-11-17",
        "--source",
        "bay",
        "--sources",
        str(sources),
        "--warehouse",
        warehouse,
    ]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "source bay, ds 2026-11-17: no stored WARC to replay" in err[0]
    assert "run the day normally first (article-etl run --ds 2026-11-17 --source bay)" in err[0]
    assert not (tmp_path / "zone" / "discover").exists()  # nothing was written for the failed replay


def test_a_fix_applies_to_the_pages_already_captured(tmp_path: Path) -> None:
    from article_etl.config import Settings

    zone = tmp_path / "zone"
    warehouse = f"sqlite:///{tmp_path / 'w.db'}"
    log: list[str] = []
    routes: dict[str, Any] = {}
    with serving(routes, log) as base:
        _site(routes, base)
        strict = Settings.model_validate(feed_source(base))
        strict.checks.min_body_chars = 100_000  # a threshold set wrong: every page is too short
        run_day(strict, "strict", warehouse, zone, "bay")
        with get_engine(warehouse).connect() as conn:
            assert conn.execute(select(articles.c.url)).all() == []
        log.clear()
        fixed = Settings.model_validate(feed_source(base))
        assert replay.run(fixed, "bay", DS, warehouse, zone)["loaded"] == 3
        assert log == []
    assert [(u.removeprefix(base), r) for u, _, r in _rejects(warehouse)] == [
        ("/gone.html", "http_status"),
        ("/private/p.html", "robots_disallowed"),
    ]
