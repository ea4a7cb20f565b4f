"""The fetch stage on its own: decode once, evidence on every reject, the outage rule."""

from __future__ import annotations

import http.server
import logging
import threading
from pathlib import Path
from typing import Any

import pytest

from article_etl import codes
from article_etl.config import Settings
from article_etl.records import Page, Reject
from article_etl.run import Day
from article_etl.stages import discover, fetch
from article_etl.stages.fetch import SourceUnavailableError
from article_etl.storage import Kind, PartitionError, RunPartition, Stage
from tests.stages.helpers import rss

DAY = Day.of("2026-11-18", run_id="unit")
GBK = "<html><head><title>西江新闻</title></head><body><p>朱镕基在西江</p></body></html>".encode("gbk")


def _settings(base: str, **fetch: Any) -> Settings:
    return Settings.model_validate(
        {
            "sources": [{"id": "s", "name": "S", "discovery": {"kind": "rss", "url": f"{base}/feed.xml"}}],
            "fetch": {
                "retries": 0,
                "timeout_seconds": 5,
                "allow_private_networks": ["127.0.0.1/32"],
                "per_host_delay_seconds": 0,
                **fetch,
            },
        }
    )


def _site(http_server: Any, pages: dict[str, tuple[int, list[tuple[str, str]], bytes]]) -> str:
    routes: dict[str, tuple[int, list[tuple[str, str]], bytes]] = dict(pages)
    base = http_server(routes)
    routes["/feed.xml"] = (200, [("Content-Type", "application/rss+xml")], rss([base + p for p in pages]))
    return base


def _run(settings: Settings, root: Path) -> tuple[list[Page], dict[str, Reject]]:
    discover.run(settings, "s", DAY, root)
    fetch.run(settings, "s", DAY, root)
    published = RunPartition.of(Stage.FETCH, DAY, "s", root).published()
    pages = list(published.records(Kind.PAGES, Page))
    rejects = {r.url.rsplit("/", 1)[1]: r for r in published.records(Kind.REJECTS, Reject)}
    return pages, rejects


def test_pages_are_decoded_once_and_carry_how(http_server: Any, tmp_path: Path) -> None:
    base = _site(http_server, {"/gbk.html": (200, [("Content-Type", "text/html")], GBK)})
    pages, _ = _run(_settings(base), tmp_path)
    [page] = pages
    assert "朱镕基" in page.html
    assert page.encoding == "gb18030"
    assert page.encoding_method in ("detected", "meta")
    assert page.listed_title == f"{base}/gbk.html"


def test_each_reject_says_what_it_proves_about_a_loaded_article(http_server: Any, tmp_path: Path) -> None:
    html = [("Content-Type", "text/html; charset=utf-8")]
    base = _site(
        http_server,
        {
            "/ok.html": (200, html, b"<html><body><p>fine</p></body></html>"),
            "/gone.html": (410, html, b"gone"),
            "/missing.html": (404, html, b"missing"),
            "/forbidden.html": (403, html, b"no"),
            "/busy.html": (503, html, b"busy"),
            "/pdf.html": (200, [("Content-Type", "application/pdf")], b"%PDF-1.4"),
        },
    )
    _, rejects = _run(_settings(base), tmp_path)
    evidence = {name: r.evidence for name, r in rejects.items()}
    assert evidence == {
        "gone.html": codes.EVIDENCE_GONE,
        "missing.html": codes.EVIDENCE_GONE,
        "forbidden.html": codes.EVIDENCE_NONE,
        "busy.html": codes.EVIDENCE_TRANSIENT,
        "pdf.html": codes.EVIDENCE_NONE,
    }
    assert rejects["gone.html"].raw_ref
    assert rejects["gone.html"].raw_ref.startswith("fetch/ds=2026-11-18/source=s#")


def test_mostly_transient_failures_fail_the_task_and_publish_nothing(
    http_server: Any, tmp_path: Path
) -> None:
    html = [("Content-Type", "text/html")]
    base = _site(
        http_server,
        {"/a.html": (503, html, b"x"), "/b.html": (502, html, b"x"), "/c.html": (200, html, b"<p>ok</p>")},
    )
    settings = _settings(base)
    discover.run(settings, "s", DAY, tmp_path)
    with pytest.raises(SourceUnavailableError, match="2 of 3 pages failed"):
        fetch.run(settings, "s", DAY, tmp_path)
    part = RunPartition.of(Stage.FETCH, DAY, "s", tmp_path)
    with pytest.raises(PartitionError):
        part.published()
    assert not any(part.folder.glob("try=*")), "the failed attempt left its folder behind"
    # The same failures under a higher threshold are passed on as rejects.
    _, rejects = _run(_settings(base, max_transient_failure_rate=0.9), tmp_path)
    assert set(rejects) == {"a.html", "b.html"}


def test_a_dead_site_is_transient_fetch_errors(tmp_path: Path, http_server: Any) -> None:
    routes: dict[str, tuple[int, list[tuple[str, str]], bytes]] = {}
    base = http_server(routes)
    dead = "http://127.0.0.1:9"  # discard port: connection refused
    routes["/feed.xml"] = (
        200,
        [("Content-Type", "application/rss+xml")],
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><link>{dead}/a.html</link>'
        "<pubDate>Wed, 18 Nov 2026 09:00:00 +0000</pubDate></item></channel></rss>".encode(),
    )
    settings = _settings(base, max_transient_failure_rate=1.0)
    _, rejects = _run(settings, tmp_path)
    assert rejects["a.html"].reason == codes.FETCH_ERROR
    assert rejects["a.html"].evidence == codes.EVIDENCE_TRANSIENT


def test_a_listed_url_on_a_private_address_is_refused_and_never_requested(
    http_server: Any, tmp_path: Path
) -> None:
    """The feed is on the allowed 127.0.0.1; the article it lists is on 127.0.0.2, which is not."""
    hits: list[str] = []

    class Counting(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    private = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Counting)
    threading.Thread(target=private.serve_forever, daemon=True).start()
    try:
        target = f"http://127.0.0.2:{private.server_address[1]}/inside.html"
        routes: dict[str, tuple[int, list[tuple[str, str]], bytes]] = {}
        base = http_server(routes)
        routes["/feed.xml"] = (
            200,
            [("Content-Type", "application/rss+xml")],
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><link>{target}</link>'
            "<pubDate>Wed, 18 Nov 2026 09:00:00 +0000</pubDate></item></channel></rss>".encode(),
        )
        _, rejects = _run(_settings(base), tmp_path)
    finally:
        private.shutdown()
        private.server_close()
    assert rejects["inside.html"].reason == codes.PRIVATE_ADDRESS
    assert "127.0.0.2" in rejects["inside.html"].detail
    assert hits == []


def test_robots_disallow_is_a_reject_and_the_page_is_never_requested(tmp_path: Path) -> None:
    hits: list[str] = []

    class Site(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            port = self.server.server_address[1]
            if self.path == "/robots.txt":
                body = b"User-agent: *\nDisallow: /private/\n"
            elif self.path == "/feed.xml":
                items = "".join(
                    f"<item><link>http://127.0.0.1:{port}{p}</link><pubDate>Wed, 18 Nov 2026 09:00:00 +0000</pubDate></item>"
                    for p in ("/private/a.html", "/public/b.html")
                )
                body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
            else:
                body = b"<html><body><p>public</p></body></html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        pages, rejects = _run(_settings(f"http://127.0.0.1:{server.server_address[1]}"), tmp_path)
    finally:
        server.shutdown()
        server.server_close()
    assert rejects["a.html"].reason == codes.ROBOTS_DISALLOWED
    assert [p.url.rsplit("/", 1)[1] for p in pages] == ["b.html"]
    assert "/private/a.html" not in hits
    # Once per task (discover reads it before the feed, fetch before the pages), not once per URL.
    assert hits[:2] == ["/robots.txt", "/feed.xml"]
    assert hits.count("/robots.txt") == 2


def test_progress_is_logged_with_counts(
    http_server: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    html = [("Content-Type", "text/html; charset=utf-8")]
    base = _site(http_server, {"/a.html": (200, html, b"<p>a</p>"), "/b.html": (404, html, b"no")})
    with caplog.at_level(logging.INFO, logger="article_etl.progress"):
        _run(_settings(base), tmp_path)
    lines = [r.getMessage() for r in caplog.records if r.name == "article_etl.progress"]
    assert "fetch s ds=2026-11-18: 2 done, 1 passed on, 1 rejected" in " | ".join(lines), lines


def test_one_bad_listing_entry_is_its_own_reject(http_server: Any, tmp_path: Path) -> None:
    """A link no client can fetch and a CMS's zero date each cost only their own entry, never the
    task; a relative link is resolved against the feed's URL (RSS allows it in practice)."""
    routes: dict[str, tuple[int, list[tuple[str, str]], bytes]] = {}
    base = http_server(routes)
    routes["/feed.xml"] = (
        200,
        [("Content-Type", "application/rss+xml")],
        (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            "<item><link>ftp://files.example/story.html</link><pubDate>Wed, 18 Nov 2026 09:00:00 +0000</pubDate></item>"
            "<item><link>/relative.html</link><pubDate>Wed, 18 Nov 2026 09:00:00 +0000</pubDate></item>"
            f"<item><link>{base}/zero-date.html</link><pubDate>0000-00-00 00:00:00</pubDate></item>"
            "</channel></rss>"
        ).encode(),
    )
    routes["/zero-date.html"] = (200, [("Content-Type", "text/html")], b"<html><body><p>x</p></body></html>")
    routes["/relative.html"] = routes["/zero-date.html"]
    pages, rejects = _run(_settings(base), tmp_path)
    assert sorted(p.url for p in pages) == [f"{base}/relative.html", f"{base}/zero-date.html"]
    assert next(p for p in pages if p.url.endswith("zero-date.html")).listed_published_at is None
    assert rejects["story.html"].reason == codes.FETCH_ERROR
    assert rejects["story.html"].evidence == codes.EVIDENCE_NONE


def test_mass_404s_with_empty_bodies_are_evidence_not_an_outage(http_server: Any, tmp_path: Path) -> None:
    empty = [("Content-Type", "text/html")]
    base = _site(http_server, {f"/gone{i}.html": (404, empty, b"") for i in range(3)})
    _, rejects = _run(_settings(base), tmp_path)  # no SourceUnavailableError
    assert {r.evidence for r in rejects.values()} == {codes.EVIDENCE_GONE}
