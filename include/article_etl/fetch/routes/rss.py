"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds, read with feedparser.

Real feeds are messy, and each rule here is for something sites do:
- a date printed without a zone is the source's local time (``timezone`` in the sources file),
  not UTC as feedparser assumes;
- a relative link is resolved against ``xml:base`` (feedparser does that) or else the feed's URL;
- FeedBurner-style feeds link to a redirector: ``feedburner:origLink`` is the article itself;
- an item without a link is a ``missing_url`` reject (the caller's rule), not an article;
- a feed cut off mid-document gives the items before the cut plus one ``feed_parse_error``
  reject naming the cut; cut off before any item, it is ``feed_malformed`` (the task retries).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin
from xml.parsers.expat import errors as expat_errors
from xml.sax import SAXParseException

from article_etl.codes import FEED_PARSE_ERROR
from article_etl.config import RssDiscovery
from article_etl.fetch.routes.base import Context, Coverage, Problem, dated_coverage, malformed
from article_etl.fetch.routes.dates import parse_date
from article_etl.records import Discovered

# expat's words for a document that ends before its root element is closed: a cut-off answer.
_CUT_OFF = frozenset(
    {
        expat_errors.XML_ERROR_NO_ELEMENTS,
        expat_errors.XML_ERROR_UNCLOSED_TOKEN,
        expat_errors.XML_ERROR_PARTIAL_CHAR,
    }
)


class RssFeed:
    """An RSS/Atom feed at ``config.url``."""

    def __init__(self, config: RssDiscovery) -> None:
        self.config = config

    def entries(self, ctx: Context) -> Iterable[Discovered]:
        body = ctx.get_configured(self.config.url)
        body = as_declared_xml(body, ctx.listing.content_types.get(self.config.url))
        out = parse_feed(ctx, body, self.config.url)
        if not any(p.code == FEED_PARSE_ERROR for p in ctx.problems):
            ctx.listing.remember(self.config.url)  # only a whole feed may be reused on a 304
        return out

    def coverage(self, ctx: Context, entries: Sequence[Discovered]) -> Coverage:
        """A feed holds its latest items only: it covers the day when its oldest item is older."""
        return dated_coverage("rss", entries, ctx)


_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def as_declared_xml(body: bytes, content_type: str | None) -> bytes:
    """The feed as feedparser can read it: unchanged when it has a BOM, is valid UTF-8 or declares
    its encoding; else (a GBK feed with no declaration, as some CMSs send) decoded by the
    project's decoder (HTTP charset, detection) and handed over as UTF-8. feedparser alone would
    fall back to windows-1252 and every Chinese title would be mojibake."""
    if body.startswith(_BOMS) or _XML_ENCODING.match(body[:512]):
        return body
    try:
        body.decode("utf-8")
        return body
    except UnicodeDecodeError:
        pass
    from article_etl.encoding import decode_html

    text = decode_html(body, content_type).text
    return _XML_DECL.sub("", text, count=1).encode("utf-8")


def parse_feed(ctx: Context, body: bytes, url: str) -> list[Discovered]:
    """The entries of the feed ``body`` fetched from ``url`` (as requested; shown redacted)."""
    import feedparser  # parsed only here; keeps the DAG file light

    shown = ctx.shown(url)
    source_id = ctx.source.id
    try:
        # content-location gives feedparser the base for relative links without xml:base.
        feed = feedparser.parse(body, response_headers={"content-location": url})
    except Exception as exc:  # feedparser's loose parser raises on e.g. a lone-surrogate charref
        raise malformed(
            source_id, "feed", shown, f"the feed parser failed: {type(exc).__name__}: {exc}"
        ) from exc
    why = _feed_malformed(feed)
    if why:
        raise malformed(source_id, "feed", shown, why)
    error = feed.get("bozo_exception") if feed.get("bozo") else None
    items = list(feed.entries)
    if isinstance(error, SAXParseException) and error.getMessage() in _CUT_OFF:
        if items and not (items[-1].get("link") or items[-1].get("feedburner_origlink")):
            items.pop()  # the item the cut went through: this reject covers it, not missing_url
        ctx.problems.append(
            Problem(
                shown,
                FEED_PARSE_ERROR,
                f"feed is cut off before its end ({error}); the {len(items)} items before "
                "the cut were taken, any after it are lost for this run",
            )
        )
    out = []
    for entry in items:
        link = entry.get("feedburner_origlink") or entry.get("link") or ""
        if link:
            link = urljoin(url, link)
        out.append(
            Discovered(
                source_id=source_id,
                url=ctx.redact(link) if link else "",
                listed_published_at=_entry_date(entry, ctx),
                listed_title=entry.get("title"),
            )
        )
    return out


def _entry_date(entry: Any, ctx: Context) -> datetime | None:
    """The entry's date, read from the text as printed (a zone-less one in the source's zone);
    feedparser's own parse (which takes zone-less dates as UTC) only when ours finds nothing."""
    for key in ("published", "updated", "created"):
        when = parse_date(entry.get(key), ctx.zone)
        if when is not None:
            return when
    return _struct_time(entry.get("published_parsed") or entry.get("updated_parsed"))


def _feed_malformed(feed: Any) -> str:
    """Why feedparser's result is not a listing to trust ("" when it is one).

    feedparser is lenient on purpose, and so are we where it recovers: a stray ``&`` in a title
    still gives every entry. But no entries from a document that did not parse (or that parsed
    as something other than RSS/Atom, like an HTML page) means we cannot tell "nothing
    published" from "could not read it".
    """
    error = feed.get("bozo_exception") if feed.get("bozo") else None
    if not feed.entries:
        if error is not None:
            return f"is not RSS/Atom ({type(error).__name__}: {error})"
        if not feed.get("version"):
            return "is not RSS/Atom (no rss, feed or RDF root element: an HTML page?)"
    return ""  # a well-formed feed with no entries: nothing was published


def _struct_time(parsed: Any) -> datetime | None:
    """feedparser's parsed date as UTC; an impossible one (a CMS's 0000-00-00) is no date, so the
    entry is still taken and the page's own date decides, instead of failing the whole listing."""
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6]).replace(tzinfo=UTC)
    except (ValueError, OverflowError, TypeError):
        return None
