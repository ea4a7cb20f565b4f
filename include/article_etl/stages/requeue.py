"""Requeue: replay a day of one source from what fetch captured, with the current config.

The newest published discover and fetch outputs of the day (the pages partition; the WARC beside
it holds the raw bytes) are copied under a new run, ``requeue__...``, and clean, validate and load
run on it as in a daily run. The whole day is replayed, not only the quarantined pages, because a
load replaces the day's rejects and counts as a unit: the result is what the day would have been
with today's selectors, thresholds and checks. Nothing is fetched again.

A reject whose URL loads now is kept, marked ``resolved_at``, never deleted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from article_etl.config import Settings
from article_etl.quality.quarantine import Filters, QuarantineError, keep_as_resolved, list_rejects
from article_etl.run import Day
from article_etl.stages import clean, load, validate
from article_etl.storage import Stage, copy_published, latest_published

log = logging.getLogger(__name__)


@dataclass
class RequeueResult:
    """What a requeue did: its run, how many quarantined records it looked at, which now load."""

    run_id: str
    quarantined: int
    resolved: list[str] = field(default_factory=list)
    still_rejected: int = 0
    load: dict[str, Any] = field(default_factory=dict)
    note: str = ""


def run(
    settings: Settings,
    source_id: str,
    ds: str,
    warehouse: str,
    root: Path | None = None,
    *,
    reason: str | None = None,
) -> RequeueResult:
    """Replay ``ds`` of ``source_id``; mark the quarantined records (of ``reason``) that now load."""
    from article_etl.warehouse.door import prepare_warehouse
    from article_etl.warehouse.schema import articles

    settings.source(source_id)  # an unknown source fails here, with the known ones named
    engine = prepare_warehouse(warehouse)
    before = list_rejects(engine, Filters(ds=ds, source_id=source_id, reason=reason))
    day = Day.of(ds, run_id=f"requeue__{ds}__{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}")
    fetched = latest_published(Stage.FETCH, ds, source_id, root)
    listed = fetched.input(Stage.DISCOVER)
    log.info(
        "requeue %s ds=%s: replaying fetch run %s as %s", source_id, ds, fetched.manifest.run_id, day.run_id
    )
    copied = copy_published(listed, day, inputs=list(listed.manifest.inputs))
    copy_published(fetched, day, inputs=[copied.ref()])
    clean.run(settings, source_id, day, root)
    validate.run(settings, source_id, day, root)
    result = RequeueResult(run_id=day.run_id, quarantined=len(before))
    gate_error: Exception | None = None
    try:
        result.load = load.run(settings, source_id, day, warehouse, root)
    except load.QualityGateError as exc:  # raised after the day is loaded: resolve, then report it
        gate_error = exc
    with engine.connect() as conn:
        stored = set(
            conn.execute(
                select(articles.c.url).where(articles.c.ds == ds, articles.c.source_id == source_id)
            ).scalars()
        )
    fixed = [row for row in before if row["url"] in stored and row["stage"] in ("clean", "validate")]
    result.resolved = [row["url"] for row in fixed]
    result.still_rejected = len(before) - len(fixed)
    try:
        keep_as_resolved(engine, fixed)
    except QuarantineError as exc:
        result.note = str(exc)
    if gate_error is not None:
        raise gate_error
    return result
