"""A day from a WARC archive: the pages come out of the archive, never over HTTP.

The archive holds what CC-NEWS files hold around a site's pages: warcinfo, request records,
revisits, metadata, a non-HTML capture, a 404, another day's capture and other hosts' pages. The
same pages are also served on loopback, so a request for one would succeed; the server's log
proves none was sent. The day then replays from its own WARC to the same rows.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from sqlalchemy import select
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from article_etl.config import Settings
from article_etl.fetch.warc import iter_responses
from article_etl.records import Page, Reject
from article_etl.run import Day
from article_etl.stages import replay
from article_etl.storage import Kind, RunPartition, Stage
from article_etl.warehouse import get_engine
from article_etl.warehouse.schema import articles, rejects
from tests.conftest import serving
from tests.stages.helpers import DS, article_rows, run_day
from tests.stages.test_bad_values import _page

CAPTURED = f"{DS}T08:00:00Z"
HTML = [("Content-Type", "text/html; charset=utf-8")]


def _archive(path: Path, base: str) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)  # gzip per record, as CC-NEWS

        def response(
            url: str, body: bytes, *, status: str = "200 OK", kind: str = "text/html", date: str = CAPTURED
        ) -> None:
            http = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": date},
            )
            writer.write_record(record)

        writer.write_record(writer.create_warcinfo_record("CC-NEWS-test.warc.gz", {"software": "test"}))
        for slug, seed in (("a", 1), ("b", 2)):
            request = StatusAndHeaders(f"GET /{slug}.html HTTP/1.1", [("Host", "x")], is_http_request=True)
            writer.write_record(
                writer.create_warc_record(f"{base}/{slug}.html", "request", http_headers=request)
            )
            response(f"{base}/{slug}.html", _page(slug, seed), kind="text/html; charset=utf-8")
        response(f"{base}/logo.png", b"\x89PNG\r\n", kind="image/png")
        response(f"{base}/gone.html", b"not here", status="404 Not Found")
        response(f"{base}/old.html", _page("old", 3), date="2026-11-10T08:00:00Z")
        response("http://other.example.com/x.html", _page("x", 4))
        writer.write_record(
            writer.create_revisit_record(
                f"{base}/c.html", digest="sha1:AAAA", refers_to_uri=f"{base}/a.html", refers_to_date=CAPTURED
            )
        )
        writer.write_record(
            writer.create_warc_record(
                f"{base}/a.html",
                "metadata",
                payload=io.BytesIO(b"fetchTimeMs: 5"),
                warc_content_type="text/plain",
            )
        )


def _settings(archive: Path) -> Settings:
    return Settings.model_validate(
        {
            "sources": [
                {
                    "id": "bay",
                    "name": "Bay",
                    "lang": "en",
                    "discovery": {"kind": "warc", "path": str(archive), "hosts": ["127.0.0.1"]},
                }
            ],
            "fetch": {"retries": 0, "allow_private_networks": ["127.0.0.1/32"], "per_host_delay_seconds": 0},
        }
    )


def test_pages_found_in_a_warc_load_without_a_request_and_replay_to_the_same_rows(tmp_path: Path) -> None:
    log: list[str] = []
    routes: dict[str, tuple[int, list[tuple[str, str]], bytes]] = {
        "/robots.txt": (200, [("Content-Type", "text/plain")], b"User-agent: *\nAllow: /\n"),
        "/a.html": (200, HTML, _page("a", 1)),
        "/b.html": (200, HTML, _page("b", 2)),
    }
    warehouse = f"sqlite:///{tmp_path / 'w.db'}"
    zone = tmp_path / "zone"
    with serving(routes, log) as base:
        archive = tmp_path / "CC-NEWS-test.warc.gz"
        _archive(archive, base)
        settings = _settings(archive)
        summary: dict[str, Any] = run_day(settings, "warc", warehouse, zone, "bay")
        assert log == []  # not a page, not robots.txt: nothing was asked of the site

        engine = get_engine(warehouse)
        with engine.connect() as conn:
            loaded = sorted(r.url for r in conn.execute(select(articles.c.url)))
            rejected = sorted(
                (r.url, r.reason) for r in conn.execute(select(rejects.c.url, rejects.c.reason))
            )
        assert loaded == [f"{base}/a.html", f"{base}/b.html"]
        assert rejected == []
        assert summary["loaded"] == 2

        # The pages went into the day's own WARC, with the archive's capture time.
        fetched = RunPartition.of(Stage.FETCH, Day.of(DS, run_id="warc"), "bay", zone).published()
        own = list(iter_responses(fetched.path(Kind.WARC)))
        assert [(c.url, c.listed_url) for c in own] == [(u, u) for u in loaded]
        pages = list(fetched.records(Kind.PAGES, Page))
        assert {p.fetched_at.isoformat() for p in pages} == {"2026-11-18T08:00:00+00:00"}

        before = article_rows(engine)
        replay.run(settings, "bay", DS, warehouse, zone)
        assert article_rows(engine) == before
        assert log == []


def test_an_archive_gone_before_fetch_makes_each_page_a_reject_not_a_failed_day(tmp_path: Path) -> None:
    from article_etl.stages import discover, fetch

    archive = tmp_path / "CC-NEWS-test.warc.gz"
    _archive(archive, "http://127.0.0.1:9")
    settings = _settings(archive)
    zone = tmp_path / "zone"
    day = Day.of(DS, run_id="gone")
    discover.run(settings, "bay", day, zone)
    archive.unlink()
    summary = fetch.run(settings, "bay", day, zone)
    assert summary["count"] == 0
    fetched = RunPartition.of(Stage.FETCH, day, "bay", zone).published()
    found = [(r.url, r.reason) for r in fetched.records(Kind.REJECTS, Reject)]
    assert found == [
        ("http://127.0.0.1:9/a.html", "fetch_error"),
        ("http://127.0.0.1:9/b.html", "fetch_error"),
    ]
    detail = next(fetched.records(Kind.REJECTS, Reject)).detail
    assert "could not be read from the archive it was found in" in detail
    assert "CC-NEWS-test.warc.gz" in detail
