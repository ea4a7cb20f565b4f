"""Find the URLs a source published in the data interval, from its RSS/Atom feed or sitemap.

Only entries whose listed date falls in the interval are taken; entries with no date are taken
too (the page's own date decides later, at clean, as ``out_of_window``), because a feed that
omits dates should not make the pipeline blind.

Secrets. Listed article URLs lose their userinfo and secret-looking query parameters
(``fetch.secret_params``, see :mod:`article_etl.urls`) before they become ``Discovered.url``, so
they are stored and also *requested* without them, and two links that differ only in a token are
one article. Feeds that hand out per-request signed or tokenised article links (``?sig=``,
``?token=``) are therefore not supported: their articles would be fetched unsigned. The feed or
sitemap URL from the sources file (and the child sitemaps an index lists) are requested as given,
secrets included, but appear redacted in every Problem and DiscoveryError. Every request goes
through :func:`article_etl.fetch.client.fetch`, so child sitemaps are held to the private-address
guard like any other URL; a refused child becomes a ``private_address`` problem.

A listing that answers but cannot be parsed (not XML, not RSS/Atom or a sitemap, cut off
mid-document) raises :class:`FeedMalformedError`, whose message names ``feed_malformed``; a child
sitemap that cannot be parsed is a ``feed_malformed`` problem and its siblings are still read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from xml.parsers.expat import errors as expat_errors
from xml.sax import SAXParseException

import requests
from lxml import etree

from article_etl.codes import (
    FEED_MALFORMED,
    FETCH_ERROR,
    HTTP_STATUS,
    MISSING_URL,
    OVER_LIMIT,
    PRIVATE_ADDRESS,
    SITEMAP_TOO_DEEP,
)
from article_etl.config import ConfigError, FetchSettings, Source
from article_etl.errors import TransientError
from article_etl.fetch.client import FetchError, PrivateAddressError, fetch
from article_etl.records import Discovered
from article_etl.urls import redact_url


class DiscoveryError(TransientError):
    """The feed or sitemap could not be read; the message names the source and URL. Transient:
    a site that is down now may answer on the next try, and nothing is lost meanwhile."""


class FeedMalformedError(DiscoveryError):
    """The feed or sitemap answered 2xx but cannot be parsed (reason ``feed_malformed``, which
    the message names): not XML, not RSS/Atom or a sitemap at all, or cut off mid-document.

    Transient, like every DiscoveryError, and deliberately so: a malformed listing is usually the
    site's passing state (a maintenance page served with 200, a feed read while the CMS was
    rewriting it, a proxy that cut the answer short), the next try often parses, and the task's
    retries are bounded, so a feed that stays broken still turns the task red with this message.
    Nothing is published meanwhile, so no later stage takes "no URLs" for "no articles".
    """

    code = FEED_MALFORMED


@dataclass(frozen=True)
class Problem:
    """A listing entry that could not be taken; it becomes a reject, never a silent skip."""

    ref: str
    code: str
    detail: str


@dataclass
class Discovery:
    """What a listing gave for the interval: the URLs to fetch and the entries that failed."""

    found: list[Discovered] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def discover(
    source: Source,
    start: datetime,
    end: datetime,
    session: requests.Session,
    settings: FetchSettings,
) -> Discovery:
    """The source's articles listed for [start, end), each URL once, in listing order (URLs
    redacted, see the module docstring)."""
    shown = redact_url(source.discovery.url, settings.secret_params)
    try:
        cap = fetch(session, source.discovery.url, settings)  # as configured: secrets included
    except PrivateAddressError as exc:  # a config mistake, not an outage: fail at once, no retries
        raise ConfigError(f"source {source.id}: discovery.url refused: {exc}") from exc
    except FetchError as exc:  # its message already names the URL redacted
        raise DiscoveryError(f"source {source.id}: {exc}") from exc
    if not 200 <= cap.status < 300:
        raise DiscoveryError(
            f"source {source.id}: {source.discovery.kind} {shown} answered HTTP {cap.status}; "
            "check discovery.url in the sources file"
        )
    problems: list[Problem] = []
    if source.discovery.kind == "rss":
        entries = _from_feed(source.id, cap.body, shown, settings)
    else:
        entries = _from_sitemap(source.id, cap.body, shown, session, settings, problems)
    seen: set[str] = set()
    result = Discovery(problems=problems)
    for index, entry in enumerate(entries):
        when = entry.listed_published_at
        if entry.url in seen or (when is not None and not start <= when < end):
            continue  # a repeat, or another day's article: that day's run takes it
        if not entry.url:
            result.problems.append(
                Problem(
                    f"{shown}#entry-{index}", MISSING_URL, f"listing entry {entry.listed_title!r} has no link"
                )
            )
            continue
        seen.add(entry.url)
        if len(result.found) >= source.max_articles:
            result.problems.append(
                Problem(
                    entry.url,
                    OVER_LIMIT,
                    f"beyond max_articles={source.max_articles} for one day; raise it "
                    "in the sources file to take more",
                )
            )
            continue
        result.found.append(entry)
    return result


def _from_feed(source_id: str, body: bytes, url: str, settings: FetchSettings) -> list[Discovered]:
    import feedparser  # parsed only here; keeps the DAG file light

    try:
        feed = feedparser.parse(body)
    except Exception as exc:  # feedparser's loose parser raises on e.g. a lone-surrogate charref
        raise _malformed(
            source_id, "feed", url, f"the feed parser failed: {type(exc).__name__}: {exc}"
        ) from exc
    why = _feed_malformed(feed)
    if why:
        raise _malformed(source_id, "feed", url, why)
    out = []
    for entry in feed.entries:
        link = redact_url(entry.get("link") or "", settings.secret_params)
        parsed = entry.get("published_parsed") or entry.get("updated_parsed")
        when = _struct_time(parsed)
        out.append(
            Discovered(
                source_id=source_id, url=link, listed_published_at=when, listed_title=entry.get("title")
            )
        )
    return out


# expat's words for a document that ends before its root element is closed: a cut-off answer.
_CUT_OFF = frozenset(
    {
        expat_errors.XML_ERROR_NO_ELEMENTS,
        expat_errors.XML_ERROR_UNCLOSED_TOKEN,
        expat_errors.XML_ERROR_PARTIAL_CHAR,
    }
)


def _feed_malformed(feed: Any) -> str:
    """Why feedparser's result is not a listing to trust ("" when it is one).

    feedparser is lenient on purpose, and so are we where it recovers: a stray ``&`` in a title
    still gives every entry. But no entries from a document that did not parse (or that parsed
    as something other than RSS/Atom, like an HTML page) means we cannot tell "nothing
    published" from "could not read it", and a document cut off mid-way gives the entries before
    the cut only: the rest would be lost without a trace.
    """
    error = feed.get("bozo_exception") if feed.get("bozo") else None
    if not feed.entries:
        if error is not None:
            return f"is not RSS/Atom ({type(error).__name__}: {error})"
        if not feed.get("version"):
            return "is not RSS/Atom (no rss, feed or RDF root element: an HTML page?)"
        return ""  # a well-formed feed with no entries: nothing was published
    if isinstance(error, SAXParseException) and error.getMessage() in _CUT_OFF:
        return f"is cut off before its end ({error}); the entries after the cut would be lost"
    return ""


def _malformed(source_id: str, kind: str, url: str, why: str) -> FeedMalformedError:
    return FeedMalformedError(
        f"source {source_id}: {FEED_MALFORMED}: {kind} {url} {why}; retry later, "
        "and check discovery.url in the sources file if it stays so"
    )


_SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def _from_sitemap(
    source_id: str,
    body: bytes,
    url: str,
    session: requests.Session,
    settings: FetchSettings,
    problems: list[Problem],
    depth: int = 0,
) -> list[Discovered]:
    """The entries of the sitemap (or index) at ``url`` (redacted; for messages only)."""
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise _malformed(source_id, "sitemap", url, f"is not XML ({exc})") from exc
    if root.tag not in (f"{_SM}urlset", f"{_SM}sitemapindex"):
        raise _malformed(source_id, "sitemap", url, f"is not a sitemap (root element {root.tag!r})")
    out: list[Discovered] = []
    if root.tag == f"{_SM}sitemapindex" and depth >= 2:
        problems.append(
            Problem(
                url,
                SITEMAP_TOO_DEEP,
                "sitemap index nested more than two levels deep; list the inner "
                "sitemaps in the sources file instead",
            )
        )
        return out
    if root.tag == f"{_SM}sitemapindex":
        for loc in root.iter(f"{_SM}loc"):
            child_url = (loc.text or "").strip()
            child_shown = redact_url(child_url, settings.secret_params)
            try:
                child = fetch(session, child_url, settings)  # as listed; fetch redacts its messages
            except PrivateAddressError as exc:
                problems.append(Problem(child_shown, PRIVATE_ADDRESS, f"child sitemap: {exc}"))
                continue
            except FetchError as exc:
                problems.append(Problem(child_shown, FETCH_ERROR, f"child sitemap: {exc}"))
                continue
            if 200 <= child.status < 300:  # child.url is redacted already
                try:
                    out.extend(
                        _from_sitemap(
                            source_id, child.body, child.url, session, settings, problems, depth + 1
                        )
                    )
                except FeedMalformedError as exc:  # one broken child: its own problem, the rest go on
                    problems.append(Problem(child_shown, FEED_MALFORMED, f"child sitemap: {exc}"))
            else:
                problems.append(
                    Problem(child_shown, HTTP_STATUS, f"child sitemap answered HTTP {child.status}")
                )
        return out
    for node in root.iter(f"{_SM}url"):
        loc = redact_url((node.findtext(f"{_SM}loc") or "").strip(), settings.secret_params)
        stamp = node.findtext(f"{_NEWS}news/{_NEWS}publication_date") or node.findtext(f"{_SM}lastmod")
        title = node.findtext(f"{_NEWS}news/{_NEWS}title")
        out.append(
            Discovered(
                source_id=source_id, url=loc, listed_published_at=_parse_w3c(stamp), listed_title=title
            )
        )
    return out


def _struct_time(parsed: Any) -> datetime | None:
    """feedparser's parsed date as UTC; an impossible one (a CMS's 0000-00-00) is no date, so the
    entry is still taken and the page's own date decides, instead of failing the whole listing."""
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6]).replace(tzinfo=UTC)
    except (ValueError, OverflowError, TypeError):
        return None


def _parse_w3c(stamp: str | None) -> datetime | None:
    """W3C datetime as sitemaps use it; a bare date is midnight UTC; an impossible one is no date."""
    if not stamp:
        return None
    try:
        when = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
        return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        return None
