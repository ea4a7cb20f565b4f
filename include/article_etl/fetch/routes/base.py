"""What every discovery route shares: the interface, the listing requests and the errors.

A route (RSS/Atom, sitemap, JSON Feed, URL list, listing pages, WARC file) turns its config into
the entries a source listed; :func:`article_etl.fetch.discovery.discover` then applies what is
common to all of them (the data interval, one entry per URL, ``max_articles``, links missing).
Keeping the window and the limits out of the routes means a new route cannot forget them.

Listing requests go through :class:`Listing`: robots.txt first, then the host's pace, then the
client (private-address guard, deadline, size cap), conditionally when validators are stored.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

import requests

from article_etl.codes import FEED_MALFORMED, TRANSIENT_STATUSES
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
    the message names): not XML, not RSS/Atom or a sitemap at all, or cut off before any entry.

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


def malformed(source_id: str, kind: str, url: str, why: str) -> FeedMalformedError:
    return FeedMalformedError(
        f"source {source_id}: {FEED_MALFORMED}: {kind} {url} {why}; retry later, "
        "and check discovery.url in the sources file if it stays so"
    )


class Listing:
    """How a feed, sitemap, listing page or child sitemap is requested: robots.txt first, then
    within the host's pace, conditionally when validators are stored (a 304 gives the stored
    body back)."""

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
        self.content_types: dict[str, str | None] = {}  # of each fresh answer, for decoding

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
            self.content_types[url] = cap.header("Content-Type")
        return cap.status, cap.body

    def remember(self, url: str) -> None:
        """Keep the validators and body of ``url``'s fresh 2xx answer, once its body has parsed.

        Not before: a feed cut off mid-transfer, stored with the ETag of the whole feed, would be
        answered 304 and reused, cut off, until the feed changed."""
        cap = self._fresh.pop(url, None)
        if cap is not None and self.state is not None:
            shown = redact_url(url, self.settings.secret_params)
            self.state.save(url, shown, cap.header("ETag"), cap.header("Last-Modified"), cap.body)


@dataclass
class Context:
    """What a route may use: the source, the interval, the listing requests, and where its
    problems go (each becomes a reject). ``kind`` and ``field_name`` name the route being read, as
    messages show it (``rss``; ``discovery[1]`` in a list of routes)."""

    source: Source
    start: datetime
    end: datetime
    listing: Listing
    problems: list[Problem] = field(default_factory=list)
    kind: str = ""
    field_name: str = "discovery"

    @property
    def settings(self) -> FetchSettings:
        return self.listing.settings

    @property
    def zone(self) -> ZoneInfo:
        """The source's time zone: dates printed without an offset are read in it."""
        return ZoneInfo(self.source.timezone)

    def shown(self, url: str) -> str:
        return redact_url(url, self.settings.secret_params)

    def redact(self, url: str) -> str:
        return redact_url(url, self.settings.secret_params)

    def get_configured(self, url: str, what: str | None = None) -> bytes:
        """The body of a URL the sources file names (a feed, a sitemap, a listing's first page).

        Every failure to read it is either the config's fault (robots.txt disallows it, a 4xx, a
        refused address, not http(s)): a ConfigError naming the source, the URL and the field,
        no retries; or the site's passing state (5xx, 429, unreachable): a DiscoveryError.
        """
        with self.configured_request(url, what):
            status, body = self.listing.get(url)  # as configured: secrets included
        self.check_status(url, status, what)
        return body

    @contextmanager
    def configured_request(self, url: str, what: str | None = None) -> Iterator[None]:
        """Turn the failures of a request for a configured URL into a ConfigError (the config's
        fault: robots.txt, a refused address, not http(s)) or a DiscoveryError (the site's
        passing state), each naming the source, the URL (redacted) and the field."""
        source, settings = self.source, self.settings
        shown = self.shown(url)
        what = what or f"{self.field_name}.url"
        where = f"source {source.id}: {self.kind or source.routes[0].kind} {shown}"
        try:
            yield
        except RobotsDisallowed as exc:  # asking again tomorrow gives the same answer: fail at once
            raise ConfigError(
                f"{where} is disallowed by the site's robots.txt ({exc.detail}); "
                f"ask the site for permission, or list another feed or sitemap in {what}"
            ) from None  # the cause quotes the URL as requested, secrets included
        except RobotsUnavailable as exc:  # its message quotes the URL as requested: redact it
            raise DiscoveryError(
                f"source {source.id}: {redact_text(str(exc), settings.secret_params)}"
            ) from None
        except PrivateAddressError as exc:  # a config mistake, not an outage: fail at once
            raise ConfigError(f"source {source.id}: {what} refused: {exc}") from exc
        except ConfigError:  # a bad fetch setting (a CIDR): its own message says what to fix
            raise
        except ValueError:  # not an http(s) URL with a host
            raise ConfigError(
                f"source {source.id}: {what} {shown} is not an http(s) URL with a host; "
                "fix it in the sources file"
            ) from None
        except FetchError as exc:  # its message already names the URL redacted
            raise DiscoveryError(f"source {source.id}: {exc}") from exc

    def check_status(self, url: str, status: int, what: str | None = None) -> None:
        """A 4xx (but 408/425/429) is the config's fault, any other non-2xx the site's state."""
        what = what or f"{self.field_name}.url"
        where = f"source {self.source.id}: {self.kind or self.source.routes[0].kind} {self.shown(url)}"
        if 400 <= status < 500 and status not in TRANSIENT_STATUSES:
            # 404, 403, 410, 401...: the URL or our access is wrong; retrying cannot mend it.
            raise ConfigError(
                f"{where} answered HTTP {status}, a client error that retrying will not mend; "
                f"check {what} in the sources file"
            )
        if not 200 <= status < 300:
            raise DiscoveryError(
                f"{where} answered HTTP {status}; retry later, and check {what} in the sources file "
                "if it stays so"
            )


@dataclass(frozen=True)
class Coverage:
    """Whether a route's listing reached the whole data interval, and why it is believed so.

    A feed lists only its latest items: when its oldest item is not older than the interval's
    start, articles of the interval published before that item may have dropped off it, and the
    route cannot vouch for the day (``complete`` False). Discovery then reads the source's next
    route (a sitemap, listing pages, an archive)."""

    complete: bool
    reason: str
    oldest: datetime | None = None


def dated_coverage(kind: str, entries: Sequence[Discovered], ctx: Context) -> Coverage:
    """The coverage of a listing that dates its entries and holds everything between its newest
    and its oldest entry (a feed, a sitemap): complete when its oldest date lies before the
    interval's start."""
    dates = [e.listed_published_at for e in entries if e.url and e.listed_published_at is not None]
    if not entries:
        return Coverage(False, f"{kind} lists nothing")
    if not dates:
        return Coverage(
            False, f"{kind} dates none of its {len(entries)} entries: cannot tell whether it reaches the day"
        )
    oldest = min(dates)
    shown = stamp(oldest)
    if oldest < ctx.start:
        return Coverage(True, f"{kind} reaches back to {shown}, before the day", oldest)
    where = "inside the day" if oldest < ctx.end else "after the day"
    # Articles of the day published before that item may have dropped off the listing.
    return Coverage(False, f"{kind} oldest item {shown} is {where}", oldest)


def stamp(when: datetime) -> str:
    """A date as coverage reasons print it."""
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


class Route(Protocol):
    """One way a site publishes its articles (as Fundus's ``URLSource``)."""

    def entries(self, ctx: Context) -> Iterable[Discovered]:
        """The entries listed, in listing order, with their listed date when the route has one
        (``None``: the page's own date decides at clean). Entries with an empty URL become
        ``missing_url`` rejects; the caller applies the window, repeats and ``max_articles``.
        Problems with single entries go to ``ctx.problems``."""
        ...

    def coverage(self, ctx: Context, entries: Sequence[Discovered]) -> Coverage:
        """Whether ``entries`` (what :meth:`entries` gave, before the window) cover the whole
        interval; called once, after :meth:`entries`."""
        ...
