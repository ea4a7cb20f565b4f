"""A loopback news site for backfill tests (issue #14): an archive of fifteen days, two articles a
day, whose RSS feed holds only the last three days, with a sitemap (``lastmod``) of every day and
a listing paginated two days a page with a date beside each link. ``Site.asked`` records every
path requested, so a test can tell which routes were read."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

from tests.conftest import Route
from tests.stages.helpers import distinct_paragraphs

TODAY = date(2026, 11, 20)  # the site's "now": its feed holds the three days before it
DAYS = [TODAY - timedelta(days=n) for n in range(1, 16)]  # the site's archive, newest first
PER_DAY = 2
HTML = [("Content-Type", "text/html; charset=utf-8")]
ROBOTS: Route = (200, [("Content-Type", "text/plain")], b"User-agent: *\nAllow: /\n")


class Site(dict[str, Route]):
    """The routes of a loopback news site, with the paths it was asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []
        self._lock = threading.Lock()

    def get(self, path: str, default: Any = None) -> Any:  # type: ignore[override]
        with self._lock:
            self.asked.append(path)
        return super().get(path, default)


def stamp(day: date, k: int) -> str:
    return f"{day.isoformat()}T{9 + k:02d}:00:00+00:00"


def article(day: date, k: int) -> bytes:
    title = f"Harbour story {k} of {day.isoformat()}"
    body = "".join(f"<p>{p}</p>" for p in distinct_paragraphs((day, k)))
    return (
        f'<html><head><title>{title}</title><meta property="article:published_time" '
        f'content="{stamp(day, k)}"></head><body><h1>{title}</h1><article>{body}</article></body></html>'
    ).encode()


def article_path(day: date, k: int) -> str:
    return f"/news/{day.isoformat()}-{k}.html"


def feed(base: str) -> bytes:
    """RSS with only the last three days, newest first."""
    items = "".join(
        f"<item><title>Story {k}</title><link>{base}{article_path(day, k)}</link>"
        f"<pubDate>{day.strftime('%a, %d %b %Y')} {9 + k:02d}:00:00 +0000</pubDate></item>"
        for day in DAYS[:3]
        for k in range(PER_DAY)
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def sitemap(base: str) -> bytes:
    urls = "".join(
        f"<url><loc>{base}{article_path(day, k)}</loc><lastmod>{stamp(day, k)}</lastmod></url>"
        for day in DAYS
        for k in range(PER_DAY)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()


def listing(page: int) -> bytes:
    """Listing page ``page`` (1-based): two days per page, a date beside each link."""
    days = DAYS[(page - 1) * 2 : page * 2]
    items = "".join(
        f'<li><a href="{article_path(day, k)}">Story {k}</a> <span class="d">{day.isoformat()} {9 + k:02d}:00</span></li>'
        for day in days
        for k in range(PER_DAY)
    )
    return f'<html><body><ul class="news">{items}</ul><a class="next" href="/list?page={page + 1}">Next</a></body></html>'.encode()


def news_site() -> Site:
    site = Site()
    site["/robots.txt"] = ROBOTS
    for day in DAYS:
        for k in range(PER_DAY):
            site[article_path(day, k)] = (200, HTML, article(day, k))
    for page in range(1, 9):
        site["/list" if page == 1 else f"/list?page={page}"] = (200, HTML, listing(page))
    return site
