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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import requests

from article_etl.codes import MISSING_URL, OVER_LIMIT
from article_etl.config import FetchSettings, Source
from article_etl.fetch.politeness import Politeness
from article_etl.fetch.routes import Context, route_for
from article_etl.fetch.routes.base import DiscoveryError, FeedMalformedError, Listing, Problem
from article_etl.records import Discovered
from article_etl.storage import ListingState

__all__ = ["Discovery", "DiscoveryError", "FeedMalformedError", "Problem", "discover"]


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
    full fetch). The route (by ``source.discovery.kind``) lists; the rules every route shares
    are applied here: the window, one entry per URL, links missing, ``max_articles``.
    """
    polite = polite if polite is not None else Politeness(session, settings)
    ctx = Context(source, start, end, Listing(session, settings, polite, state))
    entries = list(route_for(source.discovery).entries(ctx))
    shown = ctx.shown(source.discovery.url)
    seen: set[str] = set()
    result = Discovery(problems=ctx.problems)
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
