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
secrets included, but appear redacted in every Problem and DiscoveryError.

Listing requests are held to the same rules as article pages. Every one goes through
:func:`article_etl.fetch.client.fetch` (the private-address guard, the deadline, the size cap) and
through :class:`~article_etl.fetch.politeness.Politeness` (robots.txt first, then the host's pace
and concurrency limit). A feed or sitemap that robots.txt disallows, a 4xx answer other than
408/425/429, or a refused address are configuration problems: :class:`ConfigError`, one line
naming the source, the URL and the remedy, and no retries. A robots.txt that answers 5xx or not
at all, and a 5xx/429 from the listing, are a DiscoveryError (transient: retried). A child sitemap
that is disallowed or refused is its own ``robots_disallowed`` / ``private_address`` problem.

Conditional GET. With a :class:`~article_etl.storage.ListingState`, a listing whose last 2xx
answer carried an ETag or Last-Modified is asked with If-None-Match / If-Modified-Since; a 304
gives the stored body back, so the day's URL list is what a full fetch would give. State that is
missing or damaged means a full fetch, never a failure.

A listing that answers but cannot be parsed (not XML, not RSS/Atom or a sitemap, cut off
mid-document) raises :class:`FeedMalformedError`, whose message names ``feed_malformed``; a child
sitemap that cannot be parsed is a ``feed_malformed`` problem and its siblings are still read.
"""

from __future__ import annotations

import logging
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
    ROBOTS_DISALLOWED,
    SITEMAP_TOO_DEEP,
    TRANSIENT_STATUSES,
)
from article_etl.config import ConfigError, FetchSettings, Source
from article_etl.errors import TransientError
from article_etl.fetch.client import FetchError, PrivateAddressError, fetch
from article_etl.fetch.politeness import Politeness, RobotsDisallowed, RobotsUnavailable
from article_etl.fetch.warc import Capture
from article_etl.records import Discovered
from article_etl.storage import ListingState
from article_etl.urls import redact_text, redact_url

log = logging.getLogger(__name__)


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
    polite: Politeness | None = None,
    state: ListingState | None = None,
) -> Discovery:
    """The source's articles listed for [start, end), each URL once, in listing order (URLs
    redacted, see the module docstring).

    ``polite`` holds the listing requests to robots.txt and the per-host pace (a fresh one per
    call when not given); ``state`` remembers validators for conditional GET (none: always a
    full fetch).
    """
    polite = polite if polite is not None else Politeness(session, settings)
    listing = _Listing(session, settings, polite, state)
    shown = redact_url(source.discovery.url, settings.secret_params)
    what = f"source {source.id}: {source.discovery.kind} {shown}"
    try:
        status, body = listing.get(source.discovery.url)  # as configured: secrets included
    except RobotsDisallowed as exc:  # asking again tomorrow gives the same answer: fail at once
        raise ConfigError(
            f"{what} is disallowed by the site's robots.txt ({exc.detail}); "
            "ask the site for permission, or list another feed or sitemap in discovery.url"
        ) from None  # the cause quotes the URL as requested, secrets included
    except RobotsUnavailable as exc:  # its message quotes the URL as requested: redact it
        raise DiscoveryError(f"source {source.id}: {redact_text(str(exc), settings.secret_params)}") from None
    except PrivateAddressError as exc:  # a config mistake, not an outage: fail at once, no retries
        raise ConfigError(f"source {source.id}: discovery.url refused: {exc}") from exc
    except ConfigError:  # a bad fetch setting (a CIDR): its own message says what to fix
        raise
    except ValueError:  # not an http(s) URL with a host
        raise ConfigError(
            f"source {source.id}: discovery.url {shown} is not an http(s) URL with a host; "
            "fix it in the sources file"
        ) from None
    except FetchError as exc:  # its message already names the URL redacted
        raise DiscoveryError(f"source {source.id}: {exc}") from exc
    if 400 <= status < 500 and status not in TRANSIENT_STATUSES:
        # 404, 403, 410, 401...: the URL or our access is wrong; retrying cannot mend a config problem.
        raise ConfigError(
            f"{what} answered HTTP {status}, a client error that retrying will not mend; "
            "check discovery.url in the sources file"
        )
    if not 200 <= status < 300:
        raise DiscoveryError(
            f"{what} answered HTTP {status}; retry later, and check discovery.url in the sources file "
            "if it stays so"
        )
    problems: list[Problem] = []
    if source.discovery.kind == "rss":
        entries = _from_feed(source.id, body, shown, settings)
    else:
        entries = _from_sitemap(source.id, body, shown, listing, problems)
    listing.remember(source.discovery.url)
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


class _Listing:
    """How a feed, sitemap or child sitemap is requested: robots.txt first, then within the
    host's pace, conditionally when validators are stored (a 304 gives the stored body back)."""

    def __init__(
        self,
        session: requests.Session,
        settings: FetchSettings,
        polite: Politeness,
        state: ListingState | None,
    ) -> None:
        self.session = session
        self.settings = settings
        self.polite = polite
        self.state = state
        self._fresh: dict[str, Capture] = {}  # 2xx answers not yet parsed, by URL as requested

    def get(self, url: str) -> tuple[int, bytes]:
        """(status, body) of ``url``; on 304 the stored body with status 200.

        Raises RobotsDisallowed, RobotsUnavailable, FetchError (PrivateAddressError included) and
        ValueError for a URL that is not http(s), as the politeness and client modules do.
        """
        self.polite.check(url)
        stored = self.state.load(url) if self.state is not None else None
        headers = stored.conditional_headers() if stored is not None else None
        with self.polite.slot(url):
            cap = fetch(self.session, url, self.settings, headers=headers)
        if cap.status == 304 and stored is not None:
            log.info("%s not modified since the last run (HTTP 304); reusing its stored body", cap.url)
            return 200, stored.body
        if 200 <= cap.status < 300:
            self._fresh[url] = cap
        return cap.status, cap.body

    def remember(self, url: str) -> None:
        """Keep the validators and body of ``url``'s fresh 2xx answer, once its body has parsed.

        Not before: a feed cut off mid-transfer, stored with the ETag of the whole feed, would be
        answered 304 and reused, cut off, until the feed changed."""
        cap = self._fresh.pop(url, None)
        if cap is not None and self.state is not None:
            shown = redact_url(url, self.settings.secret_params)
            self.state.save(url, shown, cap.header("ETag"), cap.header("Last-Modified"), cap.body)


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
    listing: _Listing,
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
    settings = listing.settings
    if root.tag == f"{_SM}sitemapindex":
        for loc in root.iter(f"{_SM}loc"):
            child_url = (loc.text or "").strip()
            child_shown = redact_url(child_url, settings.secret_params)
            try:
                status, child_body = listing.get(child_url)  # as listed; fetch redacts its messages
            except RobotsDisallowed as exc:
                problems.append(
                    Problem(child_shown, ROBOTS_DISALLOWED, f"child sitemap: {child_shown}: {exc.detail}")
                )
                continue
            except PrivateAddressError as exc:
                problems.append(Problem(child_shown, PRIVATE_ADDRESS, f"child sitemap: {exc}"))
                continue
            except RobotsUnavailable as exc:
                problems.append(
                    Problem(child_shown, FETCH_ERROR, f"child sitemap: {child_shown}: {exc.reason}")
                )
                continue
            except FetchError as exc:  # its message names the URL redacted already
                problems.append(Problem(child_shown, FETCH_ERROR, f"child sitemap: {exc}"))
                continue
            except ConfigError:
                raise
            except ValueError:
                problems.append(
                    Problem(child_shown, FETCH_ERROR, "child sitemap is not an http(s) URL with a host")
                )
                continue
            if 200 <= status < 300:
                try:
                    out.extend(
                        _from_sitemap(source_id, child_body, child_shown, listing, problems, depth + 1)
                    )
                    listing.remember(child_url)
                except FeedMalformedError as exc:  # one broken child: its own problem, the rest go on
                    problems.append(Problem(child_shown, FEED_MALFORMED, f"child sitemap: {exc}"))
            else:
                problems.append(Problem(child_shown, HTTP_STATUS, f"child sitemap answered HTTP {status}"))
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
