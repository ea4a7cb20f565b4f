"""Replay: run a day of one source again from its stored WARC, sending no request.

A fix to a selector, a threshold or the decoder applies to pages already captured: the day's
discover output is copied from the stored run (no listing is requested) and the fetch stage
takes its pages from that run's WARC through the same reader the ``warc`` route uses, then
clean, validate and load run as usual. The load upserts by article id, so the same pages give
the same rows: nothing duplicated, nothing loaded earlier deleted (except by the very rules a
normal run applies).

Which WARC: the newest run of the day whose fetch published (:func:`stored_fetch`). An outage
run publishes nothing, so that is the last good capture; a replay writes its pages into its own
WARC too, so a replay of a replay reads the same bytes, and retention (which always keeps a
partition's newest published run) never leaves the day without one. The discover copy names the
fetch attempt it was taken for (``replay_of``), so the fetch of the same replay reads exactly
that one even if another run publishes in between. The fetch manifest says ``replayed_from``
(the WARC, its run and attempt), and the load records a ``replayed`` metric the report shows.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from article_etl.config import Settings
from article_etl.errors import PermanentError
from article_etl.run import Day
from article_etl.storage import (
    Kind,
    PartitionError,
    Published,
    RunPartition,
    Stage,
    copy_published,
    data_root,
    latest_published,
)

log = logging.getLogger(__name__)

# The discover manifest's key naming the stored fetch attempt a replay reads.
REPLAY_OF = "replay_of"


class ReplayError(PermanentError):
    """Nothing stored to replay from; the message names the source, the day and what to do."""


def stored_fetch(source_id: str, ds: str, root: Path | None = None) -> Published:
    """The newest published fetch of the day, with its WARC checked whole; ReplayError if none."""
    try:
        fetched = latest_published(Stage.FETCH, ds, source_id, root)
        fetched.path(Kind.WARC)
    except PartitionError as exc:
        if exc.errno == 2 and "no run of" in str(exc):
            folder = RunPartition(Stage.FETCH, ds, source_id, "-", root or data_root()).partition_folder
            why = f"no fetch of that day published one under {folder}"
        else:
            why = str(exc.strerror or exc)
        raise ReplayError(
            f"source {source_id}, ds {ds}: no stored WARC to replay ({why}); run the day normally "
            f"first (article-etl run --ds {ds} --source {source_id}), then replay it"
        ) from None
    return fetched


def run_discover(settings: Settings, source_id: str, day: Day, root: Path | None = None) -> dict[str, Any]:
    """The discover stage of a replay: the URL list the stored fetch read, copied under this
    run (its rejects and counts with it), naming that fetch attempt; no request."""
    settings.source(source_id)  # an unknown source fails here, with the known ones named
    fetched = stored_fetch(source_id, day.ds, root)
    listed_ref = next((r for r in fetched.manifest.inputs if r.get("stage") == Stage.DISCOVER.value), None)
    if listed_ref is None:
        raise ReplayError(
            f"source {source_id}, ds {day.ds}: the stored fetch run {fetched.manifest.run_id} names no "
            "discover input; run the day normally first, then replay it"
        )
    listed = RunPartition(
        Stage.DISCOVER, day.ds, source_id, listed_ref["run_id"], fetched.partition.root
    ).published(listed_ref["attempt"])
    log.info(
        "replay %s ds=%s: the URLs of run %s, the pages of fetch run %s (no request)",
        source_id,
        day.ds,
        listed.manifest.run_id,
        fetched.manifest.run_id,
    )
    copied = copy_published(
        listed,
        day,
        inputs=list(listed.manifest.inputs),
        extra={REPLAY_OF: {"run_id": fetched.manifest.run_id, "attempt": fetched.attempt}},
    )
    return {
        "source_id": source_id,
        "ds": day.ds,
        "stage": Stage.DISCOVER.value,
        "run_id": day.run_id,
        "attempt": copied.attempt,
        "rejected": copied.manifest.counts.get("rejected", 0),
        "count": copied.manifest.counts.get("out", 0),
        "replay": True,
    }


def replayed_fetch(listed: Published) -> Published:
    """The stored fetch attempt a replayed discover was copied for (``replay_of``)."""
    ref = listed.manifest.extra.get(REPLAY_OF)
    part = listed.partition
    if not isinstance(ref, dict):
        raise ReplayError(
            f"source {part.source_id}, ds {part.ds}: run {part.run_id} did not replay its discover stage, "
            "so there is no stored WARC to fetch from; run replay from the start (article-etl replay, "
            "or the DAG with replay on)"
        )
    fetched = RunPartition(Stage.FETCH, part.ds, part.source_id, str(ref["run_id"]), part.root)
    return fetched.published(str(ref["attempt"]))


def run(
    settings: Settings, source_id: str, ds: str, warehouse: str, root: Path | None = None
) -> dict[str, Any]:
    """Replay ``ds`` of ``source_id`` as a run of its own (``replay__...``): discover and fetch
    from what is stored, then clean, validate and load; returns the load's summary."""
    from article_etl.stages import clean, fetch, load, validate

    settings.source(source_id)  # an unknown source fails here, with the known ones named
    stored_fetch(source_id, ds, root)  # before anything is written: the one-line error
    day = Day.of(ds, run_id=f"replay__{ds}__{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}")
    run_discover(settings, source_id, day, root)
    fetch.run(settings, source_id, day, root, replay=True)
    clean.run(settings, source_id, day, root)
    validate.run(settings, source_id, day, root)
    return load.run(settings, source_id, day, warehouse, root)
