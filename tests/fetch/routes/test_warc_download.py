"""The WARC route by URL: a .warc.gz served on loopback is downloaded once into the landing zone's
cache (robots.txt and the address guard as for any request), then read like a local file."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from article_etl.config import ConfigError, Source
from tests.conftest import serving
from tests.fetch.routes.conftest import ROBOTS, Run

NAME = "/crawl-data/CC-NEWS/2026/11/CC-NEWS-20261118093015-00421.warc.gz"


def _archive() -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, kind in (
        ("https://news.example.cn/a.html", "text/html"),
        ("https://news.example.cn/logo.png", "image/png"),
        ("https://other.example.com/b.html", "text/html"),
        ("https://news.example.cn/c.html", "text/html; charset=gbk"),
    ):
        http = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(b"<html><body>page</body></html>"),
                http_headers=http,
                warc_headers_dict={"WARC-Date": "2026-11-18T08:00:00Z"},
            )
        )
    return buf.getvalue()


def _config(base: str, **extra: Any) -> dict[str, Any]:
    return {"kind": "warc", "url": base + NAME, "hosts": ["news.example.cn"], **extra}


def test_a_warc_by_url_is_downloaded_once_and_read_like_a_local_file(data_home: Path, run_route: Run) -> None:
    log: list[str] = []
    archive = _archive()
    routes = {"/robots.txt": ROBOTS, NAME: (200, [("Content-Type", "application/octet-stream")], archive)}
    with serving(routes, log) as base:
        first = run_route(_config(base), lang="zh")
        again = run_route(_config(base), lang="zh")
    expected = ["https://news.example.cn/a.html", "https://news.example.cn/c.html"]
    assert [d.url for d in first.found] == expected
    assert [d.url for d in again.found] == expected
    assert log.count(NAME) == 1  # the second day found it complete in the cache
    cached = [p for p in (data_home / "_cache" / "warc").iterdir()]
    assert [p.name.endswith("-CC-NEWS-20261118093015-00421.warc.gz") for p in cached] == [True]
    assert cached[0].read_bytes() == archive
    assert {d.warc for d in first.found} == {str(cached[0])}  # the pages are read from there


def test_a_download_over_its_size_limit_is_refused_and_leaves_nothing(
    data_home: Path, run_route: Run
) -> None:
    routes = {"/robots.txt": ROBOTS, NAME: (200, [("Content-Type", "application/octet-stream")], _archive())}
    with serving(routes) as base, pytest.raises(ConfigError) as caught:
        run_route(_config(base, max_bytes=1000), lang="zh")
    message = str(caught.value)
    assert message.startswith("source s: ")
    assert "discovery.max_bytes=1000" in message
    assert "raise the limit in the sources file" in message
    assert not any((data_home / "_cache" / "warc").glob("*"))


@pytest.mark.parametrize(
    ("robots", "status", "match"),
    [
        (b"User-agent: *\nDisallow: /crawl-data/\n", 200, "disallowed by the site's robots.txt"),
        (b"User-agent: *\nAllow: /\n", 404, "answered HTTP 404"),
    ],
    ids=["robots-disallowed", "not-found"],
)
def test_a_download_robots_refuses_or_that_is_missing_is_a_config_error(
    data_home: Path, run_route: Run, robots: bytes, status: int, match: str
) -> None:
    routes = {
        "/robots.txt": (200, [("Content-Type", "text/plain")], robots),
        NAME: (status, [("Content-Type", "application/octet-stream")], _archive()),
    }
    log: list[str] = []
    with serving(routes, log) as base, pytest.raises(ConfigError, match=match):
        run_route(_config(base), lang="zh")
    if status == 200:
        assert NAME not in log
    assert not any((data_home / "_cache" / "warc").glob("*"))


@pytest.mark.parametrize(
    "discovery",
    [
        {"kind": "warc", "hosts": ["a.cn"]},
        {"kind": "warc", "path": "/x.warc.gz", "url": "https://a.cn/x.warc.gz", "hosts": ["a.cn"]},
    ],
    ids=["neither", "both"],
)
def test_a_warc_route_takes_a_path_or_a_url_exactly(discovery: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"give path .* or url .*, exactly one"):
        Source.model_validate({"id": "s", "name": "S", "discovery": discovery})
    with pytest.raises(ValueError, match="is not an http"):
        Source.model_validate(
            {
                "id": "s",
                "name": "S",
                "discovery": {"kind": "warc", "url": "ftp://a.cn/x.warc", "hosts": ["a.cn"]},
            }
        )
