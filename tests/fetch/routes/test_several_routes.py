"""A source with several routes (issue #14): read in order until one covers the day, merged one
entry per canonical URL with the first route that lists a URL owning it, and each route's own
verdict on whether it reaches the day."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.fetch.routes.conftest import ROBOTS, Run

XML = [("Content-Type", "application/xml")]
HTML = [("Content-Type", "text/html")]


def _rss(items: list[tuple[str, str | None]]) -> bytes:
    """RSS items (link, pubDate or None)."""
    body = "".join(
        f"<item><title>{link}</title><link>{link}</link>"
        + (f"<pubDate>{when}</pubDate>" if when else "")
        + "</item>"
        for link, when in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'.encode()


def _sitemap(entries: list[tuple[str, str]]) -> bytes:
    urls = "".join(f"<url><loc>{loc}</loc><lastmod>{when}</lastmod></url>" for loc, when in entries)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


def test_routes_merge_by_canonical_url_and_the_first_route_owns_a_url(
    http_server: Any, run_route: Run
) -> None:
    routes: dict[str, Any] = {"/robots.txt": ROBOTS}
    base = http_server(routes)
    routes["/feed.xml"] = (
        200,
        XML,
        _rss(
            [
                (base + "/next-day.html", "Thu, 19 Nov 2026 08:00:00 +0000"),  # another day, per the feed
                (base + "/a.html?utm_source=rss", "Wed, 18 Nov 2026 15:00:00 +0000"),
                (base + "/b.html", "Wed, 18 Nov 2026 12:00:00 +0000"),  # oldest item: inside the day
            ]
        ),
    )
    routes["/sitemap.xml"] = (
        200,
        XML,
        _sitemap(
            [
                (base + "/a.html", "2026-11-18T15:00:00Z"),  # the feed's a.html: the feed owns it
                (base + "/next-day.html", "2026-11-18T09:00:00Z"),  # the feed dated it another day
                (base + "/c.html", "2026-11-18T06:00:00Z"),
                (base + "/old.html", "2026-11-10T06:00:00Z"),
            ]
        ),
    )
    result = run_route(
        [{"kind": "rss", "url": base + "/feed.xml"}, {"kind": "sitemap", "url": base + "/sitemap.xml"}]
    )
    assert [(d.url.removeprefix(base), d.route, d.route_index) for d in result.found] == [
        ("/a.html?utm_source=rss", "rss", 0),
        ("/b.html", "rss", 0),
        ("/c.html", "sitemap", 1),
    ]
    feed, sitemap = result.routes
    assert (feed.listed, feed.found, feed.complete) == (3, 2, False)
    assert feed.reason == "rss oldest item 2026-11-18 12:00 UTC is inside the day"
    assert (sitemap.listed, sitemap.found, sitemap.complete) == (4, 1, True)
    assert sitemap.reason == "sitemap reaches back to 2026-11-10 06:00 UTC, before the day"
    assert result.complete
    assert result.reason == f"{feed.reason}; {sitemap.reason}"
    assert result.summary()["routes"][1]["oldest"] == "2026-11-10T06:00:00+00:00"


def test_max_articles_caps_the_merged_day(http_server: Any, run_route: Run) -> None:
    routes: dict[str, Any] = {"/robots.txt": ROBOTS}
    base = http_server(routes)
    routes["/feed.xml"] = (200, XML, _rss([(base + "/a.html", None)]))
    routes["/sitemap.xml"] = (200, XML, _sitemap([(base + "/b.html", "2026-11-18T06:00:00Z")]))
    result = run_route(
        [{"kind": "rss", "url": base + "/feed.xml"}, {"kind": "sitemap", "url": base + "/sitemap.xml"}],
        max_articles=1,
    )
    assert [d.url for d in result.found] == [base + "/a.html"]
    assert [(p.ref, p.code) for p in result.problems] == [(base + "/b.html", "over_limit")]
    assert (
        result.routes[0].reason == "rss dates none of its 1 entries: cannot tell whether it reaches the day"
    )
    assert not result.complete  # the sitemap covers no earlier day than the 18th: it cannot vouch
    assert result.reason.startswith("no route covers the day: rss dates none")


def test_a_url_list_covers_every_day_so_later_routes_are_not_read(http_server: Any, run_route: Run) -> None:
    routes: dict[str, Any] = {"/robots.txt": ROBOTS}
    base = http_server(routes)
    result = run_route(
        [{"kind": "urls", "urls": [base + "/a.html"]}, {"kind": "sitemap", "url": base + "/sitemap.xml"}]
    )
    assert [d.route for d in result.found] == ["urls"]
    assert result.complete
    assert [(r.ran, r.complete) for r in result.routes] == [(True, True), (False, False)]
    assert result.routes[1].reason == "not read: an earlier route covers the day"


def _listing(page: int, last: int) -> bytes:
    nxt = f'<a class="next" href="/l{page + 1}">next</a>' if page < last else ""
    return f'<html><body><ul><li><a href="/p{page}.html">p{page}</a></li></ul>{nxt}</body></html>'.encode()


def test_an_undated_listing_covers_the_day_only_when_read_to_its_end(
    http_server: Any, run_route: Run
) -> None:
    routes: dict[str, Any] = {"/robots.txt": ROBOTS}
    routes |= {f"/l{n}": (200, HTML, _listing(n, 3)) for n in (1, 2, 3)}
    base = http_server(routes)
    config = {"kind": "listing", "url": base + "/l1", "links": "ul a", "next": "a.next"}
    whole = run_route([config])
    assert whole.complete
    assert whole.reason == "listing read to its last page (3 pages)"
    cut = run_route([config | {"max_pages": 2}])
    assert not cut.complete
    assert (
        "listing stopped at max_pages=2 (raise it to read further back) without dates older than the day"
        in cut.reason
    )
    assert len(cut.found) == 2


def _warc(path: Path, dates: list[str]) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for n, date in enumerate(dates):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    f"https://news.example.cn/{n}.html",
                    "response",
                    payload=io.BytesIO(b"<html></html>"),
                    http_headers=http,
                    warc_headers_dict={"WARC-Date": date},
                )
            )


def test_an_archive_covers_the_day_when_its_captures_span_it(tmp_path: Path, run_route: Run) -> None:
    hour = tmp_path / "hour.warc.gz"
    _warc(hour, ["2026-11-18T08:00:00Z", "2026-11-18T08:59:00Z"])
    span = tmp_path / "span.warc.gz"
    _warc(span, ["2026-11-17T23:00:00Z", "2026-11-18T08:00:00Z", "2026-11-19T01:00:00Z"])
    one_hour = run_route([{"kind": "warc", "path": str(hour), "hosts": ["news.example.cn"]}])
    assert len(one_hour.found) == 2
    assert not one_hour.complete
    assert one_hour.routes[0].reason == (
        "warc captures from 2026-11-18 08:00 UTC to 2026-11-18 08:59 UTC do not span the day"
    )
    both = run_route(
        [
            {"kind": "warc", "path": str(hour), "hosts": ["news.example.cn"]},
            {"kind": "warc", "path": str(span), "hosts": ["news.example.cn"]},
        ]
    )
    assert [(d.url, d.route_index) for d in both.found] == [
        ("https://news.example.cn/0.html", 0),
        ("https://news.example.cn/1.html", 0),
    ]
    assert both.complete  # the second archive spans the day; its 1.html was the first's already
    assert both.routes[1].found == 0
