"""JSON Feed 1.1 served on loopback."""

from __future__ import annotations

import json

import pytest

from article_etl import codes
from article_etl.fetch.discovery import FeedMalformedError
from tests.fetch.routes.conftest import ROBOTS, Run


def _feed(items: list[dict[str, object]]) -> bytes:
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": items}, ensure_ascii=False
    ).encode("utf-8")


def test_a_json_feed_lists_its_items_of_the_day(http_server, run_route: Run) -> None:  # type: ignore[no-untyped-def]
    items = [
        {"id": "1", "url": "/a.html", "title": "新闻 A", "date_published": "2026-11-18T09:00:00+08:00"},
        {"id": "2", "external_url": "https://elsewhere.example/b", "date_published": "2026-11-18T10:00:00Z"},
        {"id": "3", "url": "/old.html", "date_published": "2026-11-10T10:00:00Z"},
        {"id": "4", "url": "/undated.html"},
        {"id": "5", "title": "no link", "date_published": "2026-11-18T10:00:00Z"},
    ]
    base = http_server(
        {
            "/robots.txt": ROBOTS,
            "/feed.json": (200, [("Content-Type", "application/feed+json")], _feed(items)),
        }
    )
    result = run_route({"kind": "jsonfeed", "url": base + "/feed.json"})
    assert [d.url for d in result.found] == [
        base + "/a.html",
        "https://elsewhere.example/b",
        base + "/undated.html",
    ]
    assert result.found[0].listed_title == "新闻 A"
    assert result.found[0].listed_published_at is not None
    assert result.found[0].listed_published_at.hour == 1  # 09:00 +08:00 is 01:00 UTC
    assert [p.code for p in result.problems] == [codes.MISSING_URL]


def test_a_json_document_that_is_not_a_json_feed_is_malformed(http_server, run_route: Run) -> None:  # type: ignore[no-untyped-def]
    base = http_server(
        {
            "/robots.txt": ROBOTS,
            "/feed.json": (200, [("Content-Type", "application/json")], b'{"items": []}'),
            "/cut.json": (200, [("Content-Type", "application/json")], _feed([{"url": "/a"}])[:30]),
        }
    )
    with pytest.raises(FeedMalformedError, match="is not a JSON Feed"):
        run_route({"kind": "jsonfeed", "url": base + "/feed.json"})
    with pytest.raises(FeedMalformedError, match="is not JSON"):
        run_route({"kind": "jsonfeed", "url": base + "/cut.json"})
