"""Fetching over a real HTTP server on loopback."""

from __future__ import annotations

import logging
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from article_etl.config import FetchSettings, Source
from article_etl.fetch import (
    Capture,
    DiscoveryError,
    FetchError,
    TooLargeError,
    discover,
    fetch,
    make_session,
)
from article_etl.fetch.warc import read_warc, write_warc

# The servers run on loopback, which the private-address guard refuses unless it is allowed.
SETTINGS = FetchSettings(
    timeout_seconds=5, retries=0, max_bytes=10_000, allow_private_networks=["127.0.0.1/32"]
)
GBK_PAGE = "<html><head><title>西江新闻</title></head><body><p>朱镕基</p></body></html>".encode("gbk")

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>t</title>
<item><title>in</title><link>{base}/a.html</link><pubDate>Wed, 18 Nov 2026 10:00:00 +0800</pubDate></item>
<item><title>in again</title><link>{base}/a.html</link><pubDate>Wed, 18 Nov 2026 10:00:00 +0800</pubDate></item>
<item><title>late</title><link>{base}/b.html</link><pubDate>Thu, 19 Nov 2026 09:00:00 +0800</pubDate></item>
<item><title>undated</title><link>{base}/c.html</link></item>
<item><title>no link</title><pubDate>Wed, 18 Nov 2026 11:00:00 +0800</pubDate></item>
</channel></rss>"""

SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{base}/n1.html</loc><news:news><news:publication_date>2026-11-18T08:00:00+08:00</news:publication_date><news:title>n1</news:title></news:news></url>
<url><loc>{base}/n2.html</loc><lastmod>2026-11-17</lastmod></url>
</urlset>"""

START = datetime(2026, 11, 18, tzinfo=UTC)
END = datetime(2026, 11, 19, tzinfo=UTC)


def _source(kind: str, url: str) -> Source:
    return Source.model_validate({"id": "s", "name": "S", "discovery": {"kind": kind, "url": url}})


def test_fetch_keeps_bytes_and_headers(http_server: Any) -> None:
    base = http_server({"/p": (200, [("Content-Type", "text/html")], GBK_PAGE)})
    cap = fetch(make_session(SETTINGS), base + "/p", SETTINGS)
    assert cap.status == 200
    assert cap.body == GBK_PAGE
    assert cap.header("content-type") == "text/html"


def test_fetch_size_limit(http_server: Any) -> None:
    base = http_server({"/big": (200, [("Content-Type", "text/html")], b"x" * 20_000)})
    with pytest.raises(TooLargeError, match="max_bytes"):
        fetch(make_session(SETTINGS), base + "/big", SETTINGS)


def test_dead_site_is_a_clear_error() -> None:
    with pytest.raises(FetchError, match=r"127\.0\.0\.1:9/.*is the site up"):
        fetch(make_session(SETTINGS), "http://127.0.0.1:9/", SETTINGS)


def test_rss_discovery_takes_the_interval_once(http_server: Any) -> None:
    routes: dict[str, Any] = {}
    base = http_server(routes)
    routes["/rss"] = (200, [("Content-Type", "application/rss+xml")], RSS.replace(b"{base}", base.encode()))
    listing = discover(_source("rss", base + "/rss"), START, END, make_session(SETTINGS), SETTINGS)
    found = listing.found
    assert [f.url for f in found] == [base + "/a.html", base + "/c.html"]
    assert found[0].listed_published_at == datetime(2026, 11, 18, 2, tzinfo=UTC)
    assert found[1].listed_published_at is None
    assert [(p.code, p.detail) for p in listing.problems] == [
        ("missing_url", "listing entry 'no link' has no link")
    ]


def test_entries_over_max_articles_become_problems_not_silence(http_server: Any) -> None:
    routes: dict[str, Any] = {}
    base = http_server(routes)
    routes["/rss"] = (200, [("Content-Type", "application/rss+xml")], RSS.replace(b"{base}", base.encode()))
    source = Source.model_validate(
        {"id": "s", "name": "S", "max_articles": 1, "discovery": {"kind": "rss", "url": base + "/rss"}}
    )
    listing = discover(source, START, END, make_session(SETTINGS), SETTINGS)
    assert [f.url for f in listing.found] == [base + "/a.html"]
    assert [(p.ref, p.code) for p in listing.problems] == [
        (base + "/c.html", "over_limit"),
        (base + "/rss#entry-4", "missing_url"),
    ]


def test_sitemap_discovery_reads_news_dates(http_server: Any) -> None:
    routes: dict[str, Any] = {}
    base = http_server(routes)
    routes["/sitemap.xml"] = (
        200,
        [("Content-Type", "application/xml")],
        SITEMAP.replace(b"{base}", base.encode()),
    )
    listing = discover(
        _source("sitemap", base + "/sitemap.xml"), START, END, make_session(SETTINGS), SETTINGS
    )
    assert [(f.url, f.listed_title) for f in listing.found] == [(base + "/n1.html", "n1")]
    assert listing.problems == []


def test_broken_feed_names_the_source(http_server: Any) -> None:
    base = http_server({"/rss": (500, [], b"oops")})
    with pytest.raises(DiscoveryError, match=r"source s: rss .* answered HTTP 500"):
        discover(_source("rss", base + "/rss"), START, END, make_session(SETTINGS), SETTINGS)


def test_warc_round_trip(tmp_path: Path) -> None:
    caps = [
        Capture("http://x/1", 200, [("Content-Type", "text/html")], GBK_PAGE),
        Capture("http://x/2", 404, [("Content-Type", "text/plain")], b"gone"),
    ]
    ids = write_warc(tmp_path / "p.warc.gz", caps)
    back = read_warc(tmp_path / "p.warc.gz")
    assert [(back[i].url, back[i].status, back[i].headers, back[i].body) for i in ids] == [
        (c.url, c.status, c.headers, c.body) for c in caps
    ]


def test_secrets_are_sent_but_never_kept_or_printed(
    http_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[str] = []
    routes: dict[str, Any] = {}
    base = http_server(routes)
    routes["/p?apikey=s3cret&page=2"] = (200, [("Content-Type", "text/html")], b"<html>ok</html>")
    url = base.replace("http://", "http://user:pw@") + "/p?apikey=s3cret&page=2"
    session = make_session(SETTINGS)
    session.hooks["response"].append(lambda resp, *a, **k: seen.append(resp.request.url))
    cap = fetch(session, url, SETTINGS)
    assert cap.status == 200  # the server saw the query as configured: it routed on it
    assert seen == [url]  # and the request carried the userinfo too
    assert cap.url == base + "/p?page=2"
    # A dead site: the error, its cause's text and urllib3's retry warnings stay clean.
    caplog.set_level(logging.DEBUG, logger="urllib3")
    dead = "http://user:pw@127.0.0.1:9/feed?apikey=s3cret&page=2"
    settings = SETTINGS.model_copy(update={"retries": 1})
    with pytest.raises(FetchError) as caught:
        fetch(make_session(settings), dead, settings)
    assert str(caught.value).startswith("http://127.0.0.1:9/feed?page=2: could not fetch (ConnectionError: ")
    assert caught.value.__cause__ is not None  # still chained, for callers that look at it
    printed = "".join(traceback.format_exception(caught.value))
    assert "/feed?page=2" in printed
    assert "Retrying" in caplog.text
    for secret in ("s3cret", "pw@", "apikey"):
        assert secret not in printed
        assert secret not in caplog.text
