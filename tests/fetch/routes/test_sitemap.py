"""A nested, gzipped sitemap index with a Google News sitemap, served on loopback."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

from article_etl import codes
from tests.fetch.routes.conftest import ROBOTS, Run

SM = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
GZ = [("Content-Type", "application/x-gzip")]
XML = [("Content-Type", "application/xml")]


def _news(base: str) -> bytes:
    def url(path: str, stamp: str, title: str) -> str:
        return (
            f"<url><loc>{base}{path}</loc><news:news><news:publication><news:name>N</news:name>"
            f"<news:language>zh</news:language></news:publication><news:publication_date>{stamp}"
            f"</news:publication_date><news:title>{title}</news:title></news:news></url>"
        )

    body = url("/a.html", "2026-11-18T10:00:00+08:00", "新闻甲") + url(
        "/old.html", "2026-11-01T10:00:00+08:00", "旧"
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {SM} {NEWS}>{body}</urlset>'.encode()


def test_a_nested_gzipped_index_reaches_its_news_sitemap(http_server, run_route: Run) -> None:  # type: ignore[no-untyped-def]
    routes: dict[str, tuple[int, list[tuple[str, str]], bytes]] = {"/robots.txt": ROBOTS}
    base = http_server(routes)
    routes["/sitemap_index.xml"] = (
        200,
        XML,
        f"<sitemapindex {SM}><sitemap><loc>{base}/inner.xml.gz</loc></sitemap></sitemapindex>".encode(),
    )
    routes["/inner.xml.gz"] = (
        200,
        GZ,
        gzip.compress(
            f"<sitemapindex {SM}><sitemap><loc>{base}/news.xml.gz</loc></sitemap>"
            f"<sitemap><loc>{base}/bomb.xml.gz</loc></sitemap></sitemapindex>".encode()
        ),
    )
    routes["/news.xml.gz"] = (200, GZ, gzip.compress(_news(base)))
    routes["/bomb.xml.gz"] = (200, GZ, gzip.compress(b"<" + b" " * 6_000_000))
    result = run_route({"kind": "sitemap", "url": base + "/sitemap_index.xml"})
    assert [d.url for d in result.found] == [base + "/a.html"]
    assert result.found[0].listed_title == "新闻甲"
    assert result.found[0].listed_published_at == datetime(2026, 11, 18, 2, tzinfo=UTC)
    assert [(p.ref, p.code) for p in result.problems] == [(base + "/bomb.xml.gz", codes.FEED_MALFORMED)]
    assert "inflates beyond fetch.max_bytes" in result.problems[0].detail
