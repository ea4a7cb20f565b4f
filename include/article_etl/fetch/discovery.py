"""Find the URLs a source published in the data interval, from its RSS/Atom feed or sitemap.

Only entries whose listed date falls in the interval are taken; entries with no date are taken
too (the page's own date decides later, at clean, as ``out_of_window``), because a feed that
omits dates should not make the pipeline blind.
"""

from __future__ import annotations

from datetime import UTC, datetime

import requests
from lxml import etree

from article_etl.config import FetchSettings, Source
from article_etl.fetch.http import FetchError, fetch
from article_etl.records import Discovered


class DiscoveryError(RuntimeError):
    """The feed or sitemap could not be read; the message names the source and URL."""


def discover(
    source: Source,
    start: datetime,
    end: datetime,
    session: requests.Session,
    settings: FetchSettings,
) -> list[Discovered]:
    """The source's articles listed for [start, end), each URL once, in listing order."""
    url = source.discovery.url
    try:
        cap = fetch(session, url, settings)
    except FetchError as exc:
        raise DiscoveryError(f"source {source.id}: {exc}") from exc
    if not 200 <= cap.status < 300:
        raise DiscoveryError(
            f"source {source.id}: {source.discovery.kind} {url} answered HTTP {cap.status}; "
            "check discovery.url in the sources file"
        )
    if source.discovery.kind == "rss":
        entries = _from_feed(source.id, cap.body, url)
    else:
        entries = _from_sitemap(source.id, cap.body, url, session, settings)
    seen: set[str] = set()
    out: list[Discovered] = []
    for entry in entries:
        when = entry.listed_published_at
        if entry.url in seen or (when is not None and not start <= when < end):
            continue
        seen.add(entry.url)
        out.append(entry)
    return out[: source.max_articles]


def _from_feed(source_id: str, body: bytes, url: str) -> list[Discovered]:
    import feedparser  # parsed only here; keeps the DAG file light

    feed = feedparser.parse(body)
    if feed.bozo and not feed.entries:
        raise DiscoveryError(f"source {source_id}: feed {url} is not RSS/Atom ({feed.bozo_exception})")
    out = []
    for entry in feed.entries:
        link = entry.get("link")
        if not link:
            continue
        parsed = entry.get("published_parsed") or entry.get("updated_parsed")
        when = datetime(*parsed[:6]).replace(tzinfo=UTC) if parsed else None
        out.append(
            Discovered(
                source_id=source_id, url=link, listed_published_at=when, listed_title=entry.get("title")
            )
        )
    return out


_SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def _from_sitemap(
    source_id: str, body: bytes, url: str, session: requests.Session, settings: FetchSettings, depth: int = 0
) -> list[Discovered]:
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise DiscoveryError(f"source {source_id}: sitemap {url} is not XML ({exc})") from exc
    out: list[Discovered] = []
    if root.tag == f"{_SM}sitemapindex" and depth < 2:
        for loc in root.iter(f"{_SM}loc"):
            child = fetch(session, (loc.text or "").strip(), settings)
            if 200 <= child.status < 300:
                out.extend(_from_sitemap(source_id, child.body, child.url, session, settings, depth + 1))
        return out
    for node in root.iter(f"{_SM}url"):
        loc = (node.findtext(f"{_SM}loc") or "").strip()
        if not loc:
            continue
        stamp = node.findtext(f"{_NEWS}news/{_NEWS}publication_date") or node.findtext(f"{_SM}lastmod")
        title = node.findtext(f"{_NEWS}news/{_NEWS}title")
        out.append(
            Discovered(
                source_id=source_id, url=loc, listed_published_at=_parse_w3c(stamp), listed_title=title
            )
        )
    return out


def _parse_w3c(stamp: str | None) -> datetime | None:
    """W3C datetime as sitemaps use it; a bare date is midnight UTC."""
    if not stamp:
        return None
    try:
        when = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
