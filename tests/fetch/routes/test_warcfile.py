"""The WARC route on an archive the test writes with warcio: mixed records (request, revisit,
metadata, non-HTML, error statuses, other hosts, other days), gzip per record and plain."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from article_etl.config import ConfigError
from article_etl.fetch.discovery import FeedMalformedError
from tests.fetch.routes.conftest import Run

DAY = "2026-11-18T08:00:00Z"


def _write(path: Path, gzip: bool) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)

        def response(url: str, date: str = DAY, status: str = "200 OK", kind: str = "text/html") -> None:
            http = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(b"<html><body>page</body></html>"),
                http_headers=http,
                warc_headers_dict={"WARC-Date": date},
            )
            writer.write_record(record)

        writer.write_record(writer.create_warcinfo_record("cc-news.warc", {"software": "test"}))
        request = StatusAndHeaders(
            "GET /a.html HTTP/1.1", [("Host", "news.example.cn")], is_http_request=True
        )
        writer.write_record(
            writer.create_warc_record(
                "https://news.example.cn/a.html",
                "request",
                http_headers=request,
                warc_headers_dict={"WARC-Date": DAY},
            )
        )
        response("https://news.example.cn/a.html")
        response("https://www.news.example.cn/b.html?utm_source=cc")  # a subdomain: taken
        response("https://news.example.cn/c.html", kind="text/html; charset=gbk")
        response("https://news.example.cn/logo.png", kind="image/png")  # not HTML
        response("https://news.example.cn/feed.xml", kind="application/rss+xml")  # not HTML
        response("https://news.example.cn/gone.html", status="404 Not Found")
        response("https://other.example.com/x.html")  # another host
        response("https://badnews.example.cn/x.html")  # a suffix that is not a subdomain
        response("https://news.example.cn/old.html", date="2026-11-10T08:00:00Z")  # another day
        response("https://news.example.cn/late.html", date="2026-11-19T05:00:00Z")  # captured the next day
        revisit = writer.create_revisit_record(
            "https://news.example.cn/d.html",
            digest="sha1:AAAA",
            refers_to_uri="https://news.example.cn/a.html",
            refers_to_date=DAY,
        )
        writer.write_record(revisit)
        writer.write_record(
            writer.create_warc_record(
                "https://news.example.cn/e.html",
                "metadata",
                payload=io.BytesIO(b"fetchTimeMs: 5"),
                warc_content_type="application/warc-fields",
            )
        )


@pytest.mark.parametrize("gzip", [True, False], ids=["gzip-per-record", "plain"])
def test_a_warc_gives_the_sources_html_responses_of_the_day(
    tmp_path: Path, run_route: Run, gzip: bool
) -> None:
    path = tmp_path / ("cc-news.warc.gz" if gzip else "cc-news.warc")
    _write(path, gzip)
    result = run_route({"kind": "warc", "path": str(path), "hosts": ["news.example.cn"]}, lang="zh")
    assert [d.url for d in result.found] == [
        "https://news.example.cn/a.html",
        "https://www.news.example.cn/b.html?utm_source=cc",
        "https://news.example.cn/c.html",
    ]
    assert result.problems == []


def test_a_missing_or_broken_warc_says_so(tmp_path: Path, run_route: Run) -> None:
    with pytest.raises(ConfigError, match="is not a file"):
        run_route({"kind": "warc", "path": str(tmp_path / "none.warc.gz"), "hosts": ["a.cn"]})
    broken = tmp_path / "broken.warc"
    broken.write_bytes(b"this is not a WARC file\r\n\r\n")
    with pytest.raises(FeedMalformedError, match="cannot be read"):
        run_route({"kind": "warc", "path": str(broken), "hosts": ["a.cn"]})
    with pytest.raises(ValueError, match="hosts"):
        run_route({"kind": "warc", "path": str(broken), "hosts": []})


def test_a_capture_lag_takes_pages_captured_after_the_day(tmp_path: Path, run_route: Run) -> None:
    path = tmp_path / "cc-news.warc.gz"
    _write(path, True)
    config = {"kind": "warc", "path": str(path), "hosts": ["news.example.cn"], "capture_lag_hours": 6}
    assert [d.url for d in run_route(config, lang="zh").found][-1] == "https://news.example.cn/late.html"
