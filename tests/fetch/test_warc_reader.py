"""The one WARC reader: response records only, streamed, by offset, with what the fetch stage
writes into each record (the listed URL, the capture time) read back."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from article_etl.fetch.warc import (
    Capture,
    WarcReadError,
    iter_responses,
    read_capture,
    response_heads,
    warc_sink,
)


def _mixed(path: Path, gzip: bool) -> None:
    """warcinfo, request, response, metadata, revisit, response: two responses to find."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record("x.warc", {"software": "test"}))
        request = StatusAndHeaders("GET /a HTTP/1.1", [("Host", "h.cn")], is_http_request=True)
        writer.write_record(writer.create_warc_record("http://h.cn/a", "request", http_headers=request))
        for name, body in (("a", b"<p>first</p>"), ("b", b"<p>second</p>" * 500)):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    f"http://h.cn/{name}",
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=http,
                    warc_headers_dict={"WARC-Date": "2026-11-18T08:00:00Z"},
                )
            )
            writer.write_record(
                writer.create_warc_record(
                    f"http://h.cn/{name}",
                    "metadata",
                    payload=io.BytesIO(b"x: 1"),
                    warc_content_type="text/plain",
                )
            )
            writer.write_record(
                writer.create_revisit_record(
                    f"http://h.cn/{name}",
                    digest="sha1:AAAA",
                    refers_to_uri="http://h.cn/a",
                    refers_to_date="x",
                )
            )


@pytest.mark.parametrize("gzip", [True, False], ids=["gzip-per-record", "plain"])
def test_only_responses_are_read_and_each_can_be_read_again_at_its_offset(tmp_path: Path, gzip: bool) -> None:
    path = tmp_path / "mixed.warc"
    _mixed(path, gzip)
    caps = list(iter_responses(path))
    assert [(c.url, c.status, c.body[:12]) for c in caps] == [
        ("http://h.cn/a", 200, b"<p>first</p>"),
        ("http://h.cn/b", 200, b"<p>second</p"),
    ]
    assert caps[0].date == datetime(2026, 11, 18, 8, tzinfo=UTC)
    heads = list(response_heads(path))
    assert [h.offset for h in heads] == [c.offset for c in caps]
    assert caps[0].offset < caps[1].offset
    for cap in caps:
        again = read_capture(path, cap.offset)
        assert (again.url, again.body, again.record_id) == (cap.url, cap.body, cap.record_id)
    assert [h.url for h in response_heads(path, lambda h: h.url.endswith("/b"))] == ["http://h.cn/b"]


def test_a_wrong_offset_or_a_file_that_is_not_warc_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "mixed.warc.gz"
    _mixed(path, True)
    first = next(iter_responses(path))
    with pytest.raises(WarcReadError, match=r"mixed\.warc\.gz"):
        read_capture(path, first.offset + 3)
    text = tmp_path / "notes.txt"
    text.write_text("just some notes\n")
    with pytest.raises(WarcReadError, match=r"notes\.txt cannot be read \(not WARC, not gzip\)"):
        list(iter_responses(text))


def test_what_the_fetch_stage_writes_comes_back_with_the_listed_url_and_the_capture_time(
    tmp_path: Path,
) -> None:
    path = tmp_path / "pages.warc.gz"
    when = datetime(2026, 11, 18, 9, 30, 15, tzinfo=UTC)
    cap = Capture("http://h.cn/final", 200, [("Content-Type", "text/html")], b"<p>x</p>")
    with warc_sink(path) as sink:
        record_id = sink.write(cap, listed_url="http://h.cn/listed", date=when)
        sink.write(Capture("http://h.cn/other", 404, [], b"gone"))
    back = list(iter_responses(path))
    assert (back[0].listed_url, back[0].date, back[0].record_id, back[0].url) == (
        "http://h.cn/listed",
        when,
        record_id,
        "http://h.cn/final",
    )
    assert back[0].sha256 == cap.sha256
    assert (back[1].listed_url, back[1].status) == (None, 404)


def test_a_record_with_a_status_that_is_not_a_number_fails_filters_not_the_file(tmp_path: Path) -> None:
    path = tmp_path / "odd.warc.gz"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for status in ("abc Weird", "200 OK"):
            http = StatusAndHeaders(status, [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    "http://h.cn/", "response", payload=io.BytesIO(b"x"), http_headers=http
                )
            )
    assert [c.status for c in iter_responses(path)] == [0, 200]
