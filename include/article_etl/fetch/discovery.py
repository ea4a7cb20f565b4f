"""Find the URLs a source published in the data interval, through its route (:mod:`article_etl.fetch.routes`:
RSS/Atom, sitemap, JSON Feed, URL list, listing pages, WARC file).

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

A listing that answers but cannot be parsed (not XML, not RSS/Atom or a sitemap, cut off before
any entry) raises :class:`FeedMalformedError`, whose message names ``feed_malformed``; a child
sitemap that cannot be parsed is a ``feed_malformed`` problem and its siblings are still read. A
feed cut off after some items gives those items and a ``feed_parse_error`` reject.

Several routes. A source may list its routes in order (``discovery: [rss, sitemap, warc]``): a
feed reaches back only to its oldest listed item, so a backfill of an older day needs the routes
that reach the past. The routes are read in order and what they find is merged, one entry per
canonical URL, the first route that lists a URL owning it. Each route says whether it covers the
day (:class:`~article_etl.fetch.routes.base.Coverage`); once one does, the later routes are not
read (they would only cost requests), and the result says which route found each URL and whether
the day is believed complete, with the reason.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import requests

from article_etl.codes import MISSING_URL, OVER_LIMIT
from article_etl.config import FetchSettings, Source
from article_etl.fetch.politeness import Politeness
from article_etl.fetch.routes import Context, route_for
from article_etl.fetch.routes.base import DiscoveryError, FeedMalformedError, Listing, Problem
from article_etl.identity import canonical_url
from article_etl.records import Discovered
from article_etl.storage import ListingState

__all__ = ["Discovery", "DiscoveryError", "FeedMalformedError", "Problem", "RouteReport", "discover"]


@dataclass
class RouteReport:
    """What one of the source's routes did for the day (the discover manifest keeps these)."""

    index: int
    kind: str
    url: str  # redacted: where the route reads (a URL, a file, an archive)
    ran: bool = True
    listed: int = 0  # entries the route gave, before the window
    found: int = 0  # URLs taken from it (in the window, not listed by an earlier route)
    complete: bool = False  # the route covers the whole day
    reason: str = ""
    oldest: str | None = None  # its oldest listed date, ISO 8601


@dataclass
class Discovery:
    """What a listing gave for the interval: the URLs to fetch and the entries that failed,
    which route found what, and whether the day's discovery is believed complete."""

    found: list[Discovered] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    routes: list[RouteReport] = field(default_factory=list)
    complete: bool = False
    reason: str = ""

    def summary(self) -> dict[str, Any]:
        """For the discover manifest: completeness, its reason, and per route what it did."""
        return {
            "complete": self.complete,
            "reason": self.reason,
            "routes": [asdict(r) for r in self.routes],
        }


def discover(
    source: Source,
    start: datetime,
    end: datetime,
    session: requests.Session,
    settings: FetchSettings,
    polite: Politeness | None = None,
    state: ListingState | None = None,
) -> Discovery:
    """The source's articles listed for [start, end), each URL once, in route and listing order
    (URLs redacted, see the module docstring).

    ``polite`` holds the listing requests to robots.txt and the per-host pace (a fresh one per
    call when not given); ``state`` remembers validators for conditional GET (none: always a
    full fetch). The routes (by ``kind``) list, in order, until one covers the day; the rules
    every route shares are applied here: the window, one entry per URL, links missing,
    ``max_articles``.
    """
    polite = polite if polite is not None else Politeness(session, settings)
    listing = Listing(session, settings, polite, state)
    result = Discovery()
    taken: set[str] = set()  # canonical URLs taken
    owned: set[str] = set()  # canonical URLs an earlier route listed (in the window or not)
    for index, config in enumerate(source.routes):
        ctx = Context(
            source,
            start,
            end,
            listing,
            result.problems,
            kind=config.kind,
            field_name=source.route_field(index),
        )
        report = RouteReport(index, config.kind, ctx.shown(config.url))
        result.routes.append(report)
        if result.complete:
            report.ran = False
            report.reason = "not read: an earlier route covers the day"
            continue
        route = route_for(config)
        entries = list(route.entries(ctx))
        coverage = route.coverage(ctx, entries)
        report.listed, report.complete, report.reason = len(entries), coverage.complete, coverage.reason
        report.oldest = coverage.oldest.isoformat() if coverage.oldest else None
        listed_here: set[str] = set()
        for position, entry in enumerate(entries):
            if not entry.url:
                result.problems.append(
                    Problem(
                        f"{report.url}#entry-{position}",
                        MISSING_URL,
                        f"listing entry {entry.listed_title!r} has no link",
                    )
                )
                continue
            key = canonical_url(entry.url)
            listed_here.add(key)
            when = entry.listed_published_at
            if key in taken or key in owned or (when is not None and not start <= when < end):
                continue  # a repeat, an earlier route's URL, or another day's article
            taken.add(key)
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
            entry.route, entry.route_index = config.kind, index
            result.found.append(entry)
            report.found += 1
        owned |= listed_here
        if coverage.complete:
            result.complete, result.reason = True, _reason(result.routes)
    if not result.complete:
        result.reason = "no route covers the day: " + _reason(result.routes)
    return result


def _reason(routes: list[RouteReport]) -> str:
    """The reasons of the routes read, in order, in one line."""
    return "; ".join(r.reason for r in routes if r.ran)
