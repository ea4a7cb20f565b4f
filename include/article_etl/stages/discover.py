"""Discover: the URLs the source's route (feed, sitemap, JSON Feed, listing pages, URL list, WARC)
listed for the data interval."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from article_etl import codes
from article_etl.config import Settings
from article_etl.fetch import discover, make_session
from article_etl.fetch.politeness import Politeness
from article_etl.records import AlreadyLoaded, Discovered
from article_etl.run import Day
from article_etl.stages.common import stage_attempt
from article_etl.storage import Kind, ListingState, Stage

log = logging.getLogger(__name__)


def run(
    settings: Settings,
    source_id: str,
    day: Day,
    root: Path | None = None,
    *,
    warehouse: str | None = None,
    refresh: bool = False,
) -> dict[str, Any]:
    """List the source's URLs for the interval; entries that cannot be taken become rejects.

    A URL whose article ``warehouse`` already holds under another day is not passed on to fetch
    (feeds list yesterday's stories today): it is written to the partition's
    ``Kind.ALREADY_LOADED`` and counted as ``already_loaded`` in the manifest, never a reject.
    ``refresh`` passes them on anyway; without a ``warehouse`` nothing is looked up.

    The feed, sitemaps, child sitemaps and listing pages are requested as article pages are: robots.txt first,
    within the per-host pace, and conditionally (ETag / Last-Modified remembered by
    ``storage.ListingState``; a 304 reuses the stored body, so the day's URL list is the same).
    A source with several routes reads them in order until one covers the day; the manifest's
    ``extra.discovery`` says which route found how many URLs and whether the day is complete.
    A listing that cannot be read at all raises (the site is down: the task retries) and
    publishes nothing, so no later stage can take "no URLs" for "no articles".
    """
    source = settings.source(source_id)
    with stage_attempt(Stage.DISCOVER, settings, source_id, day, root) as stage:
        session = make_session(settings.fetch)
        listing = discover(
            source,
            day.start,
            day.end,
            session,
            settings.fetch,
            polite=Politeness(session, settings.fetch),
            state=ListingState(root),
        )
        known = _already_loaded(listing.found, source_id, day, warehouse) if not refresh else {}
        with stage.attempt.writer(Kind.URLS) as out, stage.attempt.writer(Kind.ALREADY_LOADED) as skipped:
            for item in listing.found:
                if item.url in known:
                    skipped.write(known[item.url])
                else:
                    out.write(item)
        for problem in listing.problems:
            stage.reject(problem.ref, problem.code, problem.detail, evidence=codes.EVIDENCE_NONE)
        stage.manifest.counts.update(
            {
                "in": len(listing.found) + len(listing.problems),
                "out": out.count,
                "already_loaded": skipped.count,
            }
        )
        stage.manifest.extra["refresh"] = refresh
        # Which route found how many URLs, and whether the day is believed complete: for the
        # load (pipeline_runs), the report and a person reading a backfill.
        stage.manifest.extra["discovery"] = listing.summary()
        log.info(
            "discover %s ds=%s: %d URLs (%s), %d already loaded under other days%s; day %s: %s",
            source_id,
            day.ds,
            out.count,
            ", ".join(f"{r.kind}[{r.index}]={r.found}" for r in listing.routes if r.ran),
            skipped.count,
            " (not fetched again)" if skipped.count else (" (refresh: all fetched)" if refresh else ""),
            "complete" if listing.complete else "NOT complete",
            listing.reason,
        )
    return stage.summary(count=out.count, already_loaded=skipped.count)


def _already_loaded(
    found: list[Discovered], source_id: str, day: Day, warehouse: str | None
) -> dict[str, AlreadyLoaded]:
    """The listed URLs the warehouse holds under another day, by URL (none without a warehouse)."""
    if warehouse is None or not found:
        return {}
    from article_etl.warehouse.known import loaded_elsewhere

    loaded = loaded_elsewhere(warehouse, source_id, day.ds, (item.url for item in found))
    return {
        item.url: AlreadyLoaded(
            source_id=source_id,
            url=item.url,
            article_id=loaded[item.url].article_id,
            loaded_ds=loaded[item.url].ds,
            route=item.route,
            route_index=item.route_index,
        )
        for item in found
        if item.url in loaded
    }
