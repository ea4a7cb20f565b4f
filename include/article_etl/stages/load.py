"""Load: this run's validated batch and every stage's rejects into the warehouse, in one transaction.

The load reads exactly the attempts its upstream chain recorded (validate -> clean -> fetch ->
discover) and takes its counts from their manifests, never by re-counting files. After the
commit it enforces the source's reject rate; the message tells an outage (most rejects are
network errors or 5xx) from a site that changed (most rejects are checks on fetched pages).

Where the time went is recorded phase by phase (``article_etl.phases``): the manifest's
``extra["phases"]`` and one log line say how long reading the upstream manifests, the warehouse
check, each part of the load (the upsert path: read, fit, upsert; and the checks around it) and
the warehouse suite took. A load that fails logs the phases it got through and the one it failed in.
The warehouse suite runs inside the attempt (after the load's commit) so the manifest covers it:
if the suite itself crashes, the attempt is discarded, the committed day stays, and the retry
loads it again (idempotently).
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from article_etl import codes
from article_etl.config import Settings
from article_etl.errors import PermanentError
from article_etl.phases import Phases
from article_etl.quality.gate import NOT_COUNTED
from article_etl.records import AlreadyLoaded, Article, DQResult, Reject
from article_etl.run import Day
from article_etl.stages import verify
from article_etl.stages.common import StageRun, stage_attempt
from article_etl.storage import Kind, Published, RunPartition, Stage, upstream

if TYPE_CHECKING:
    from article_etl.warehouse import LoadResult

log = logging.getLogger(__name__)

T = TypeVar("T")


# The phases the stage times around the load's own (``warehouse.load.LOAD_PHASES``), in order:
# before it, reading the upstream manifests and the warehouse check; after its commit, the suite.
PHASES_BEFORE_LOAD = ("upstream", "warehouse_check")
PHASES_AFTER_LOAD = ("warehouse_suite",)


class QualityGateError(PermanentError):
    """A source's reject rate passed its threshold; raised after the day is loaded, so nothing is lost."""


def run(
    settings: Settings, source_id: str, day: Day, warehouse: str, root: Path | None = None
) -> dict[str, Any]:
    """Load the batch and the rejects of this run; then enforce the source's reject rate."""
    from article_etl.warehouse import masked

    source = settings.source(source_id)
    log.info("loading source %s, ds %s, run %s into %s", source_id, day.ds, day.run_id, masked(warehouse))
    phases = Phases()
    try:
        with stage_attempt(Stage.LOAD, settings, source_id, day, root) as stage:
            result, counts, chain = _load(stage, settings, source_id, day, warehouse, root, phases)
    except BaseException:
        log.warning(
            "load %s ds=%s failed in phase %s; phases done: %s",
            source_id,
            day.ds,
            phases.failed_in or "(none: between phases)",
            phases.line() or "(none)",
        )
        raise
    log.info(
        "load %s ds=%s phases: %s (stage %.3fs)", source_id, day.ds, phases.line(), stage.manifest.seconds
    )
    # Everything the listing gave: the URLs taken plus the entries discovery itself rejected.
    discovered = int(counts["discover"]["urls"]) + chain[Stage.DISCOVER].manifest.counts.get("rejected", 0)
    # Pages of other days (a dateless route lists them; their own date sorted them out) count
    # neither for nor against the source: see quality.gate.NOT_COUNTED.
    tally = _Tally.of(_Records(list(chain.values()), Kind.REJECTS, Reject))
    elsewhere = tally.not_counted
    counted = discovered - elsewhere
    rate = (result.rejected - elsewhere) / counted if counted > 0 else 0.0
    # The load's own reject count is the warehouse's: every stage's rejects as stored.
    summary = stage.summary(loaded=result.loaded, reject_rate=round(rate, 3), rejected=result.rejected)
    if rate > source.max_reject_rate:
        raise QualityGateError(
            _gate_message(source_id, day.ds, result.rejected, discovered, rate, source.max_reject_rate, tally)
        )
    return summary


def _load(
    stage: StageRun,
    settings: Settings,
    source_id: str,
    day: Day,
    warehouse: str,
    root: Path | None,
    phases: Phases,
) -> tuple[LoadResult, dict[str, dict[str, float]], dict[Stage, Published]]:
    """The attempt's body: read the upstream chain, load it in one transaction, run the warehouse
    suite after the commit; each part timed into ``phases`` and the manifest."""
    from article_etl.warehouse import load_partition
    from article_etl.warehouse.door import prepare_warehouse

    with phases.phase("upstream"):
        validated = stage.read(RunPartition.of(Stage.VALIDATE, day, source_id, root).published())
        chain = _chain(validated, day, source_id, root)
        counts: dict[str, dict[str, float]] = {
            "discover": {
                "urls": chain[Stage.DISCOVER].manifest.counts.get("out", 0),
                # Listed, but loaded under another day and not fetched again (stages.discover).
                "already_loaded": chain[Stage.DISCOVER].manifest.counts.get("already_loaded", 0),
                **discovery_metrics(chain[Stage.DISCOVER].manifest.extra.get("discovery")),
            },
            "fetch": _counts(chain[Stage.FETCH], "pages"),
            "clean": _counts(chain[Stage.CLEAN], "articles"),
            "validate": _counts(chain[Stage.VALIDATE], "articles"),
        }
        if chain[Stage.FETCH].manifest.extra.get("replayed_from"):
            counts["fetch"]["replayed"] = 1  # the report says the day was replayed (stages.replay)
        dq_rows = _dq_rows(validated)
        seen_elsewhere = _seen_elsewhere(chain[Stage.DISCOVER])
    with phases.phase("warehouse_check"):
        engine = prepare_warehouse(warehouse)
    result = load_partition(
        engine,
        source=settings.source(source_id),
        ds=day.ds,
        batch=_Records([validated], Kind.ARTICLES, Article),
        # Read from the published files on each pass (the loader reads them twice), never held.
        partition_rejects=_Records(list(chain.values()), Kind.REJECTS, Reject),
        dq_rows=dq_rows,
        counts=counts,
        run_id=day.run_id,
        near_duplicate_max_distance=settings.checks.near_duplicate_max_distance,
        seen_elsewhere=seen_elsewhere,
        phases=phases,
    )
    stage.manifest.counts.update({"in": validated.manifest.counts.get("out", 0), "out": result.loaded})
    stage.manifest.extra["warehouse_rejected"] = result.rejected
    with phases.phase("warehouse_suite"):
        verify.run(engine, source_id, day, counts, root)  # after the load's commit
    stage.manifest.extra["phases"] = phases.rounded()
    return result, counts, chain


def discovery_metrics(summary: dict[str, Any] | None) -> dict[str, float]:
    """The discover manifest's completeness and per-route counts as ``pipeline_runs`` metrics:
    ``complete`` (1 or 0) and ``route{index}_{kind}`` (URLs that route found), for each route
    read. None (a partition from before routes could be listed) gives none."""
    if not summary:
        return {}
    out = {"complete": 1.0 if summary.get("complete") else 0.0}
    for route in summary.get("routes", []):
        if route.get("ran"):
            out[f"route{route['index']}_{route['kind']}"] = float(route.get("found", 0))
    return out


def _seen_elsewhere(listed: Published) -> list[str]:
    """Ids of the articles other days loaded that discover listed again and did not pass on
    (``Kind.ALREADY_LOADED``; absent in partitions written before it existed)."""
    if "already_loaded" not in listed.manifest.files:
        return []
    return [r.article_id for r in listed.records(Kind.ALREADY_LOADED, AlreadyLoaded)]


class _Records(Generic[T]):
    """The records of ``kind`` in some published attempts, read from their files afresh on each
    iteration (so a day's records are never all in memory)."""

    def __init__(self, parts: list[Published], kind: Kind, cls: type[T]) -> None:
        self.parts, self.kind, self.cls = parts, kind, cls

    def __iter__(self) -> Iterator[T]:
        for part in self.parts:
            yield from part.records(self.kind, self.cls)


@dataclass
class _Tally:
    """What the gate and its message need of the stages' rejects, counted in one pass."""

    total: int = 0
    transient: int = 0
    not_counted: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, rejects: Iterable[Reject]) -> _Tally:
        tally = cls()
        for r in rejects:
            tally.total += 1
            tally.transient += r.evidence == codes.EVIDENCE_TRANSIENT
            tally.not_counted += r.reason in NOT_COUNTED
            tally.reasons[r.reason] += 1
        return tally


def _chain(validated: Published, day: Day, source_id: str, root: Path | None) -> dict[Stage, Published]:
    """The exact upstream attempts behind the validated batch, following each manifest's inputs."""
    chain = {Stage.VALIDATE: validated}
    below = validated
    for stage in (Stage.CLEAN, Stage.FETCH, Stage.DISCOVER):
        below = upstream(stage, day, source_id, root, below.manifest)
        chain[stage] = below
    return chain


def _dq_rows(validated: Published) -> list[dict[str, Any]]:
    """The validate stage's results as dq_results rows, limited to the columns the warehouse has
    (run_id and observed_value arrive with the warehouse's migration; until then they are dropped)."""
    from article_etl.warehouse.schema import dq_results

    columns = set(dq_results.c.keys())
    rows = (dataclasses.asdict(d) for d in validated.records(Kind.DQ_RESULTS, DQResult))
    return [{k: v for k, v in row.items() if k in columns} for row in rows]


def _counts(part: Published, out_name: str) -> dict[str, float]:
    return {out_name: part.manifest.counts.get("out", 0), "rejected": part.manifest.counts.get("rejected", 0)}


def _gate_message(
    source_id: str, ds: str, rejected: int, discovered: int, rate: float, limit: float, rejects: _Tally
) -> str:
    """What went wrong and what to do, in one line: an outage and a layout change need different fixes."""
    head = (
        f"source {source_id}, ds {ds}: {rejected} of {discovered} discovered pages were rejected "
        f"({rate:.0%} > max_reject_rate {limit:.0%}); the day is loaded and the rejects are in the rejects table"
    )
    transient = rejects.transient
    top = ", ".join(f"{code}={n}" for code, n in rejects.reasons.most_common(3))
    if rejects.total and transient * 2 > rejects.total:
        return (
            f"{head}. {transient} of {rejects.total} rejects are network errors, timeouts or 5xx ({top}): "
            "the site was down or blocking us; nothing loaded earlier was removed; re-run the day when it is back"
        )
    return (
        f"{head}. Most rejects are checks on the fetched pages ({top}): the site may have changed its layout "
        "or encoding; look at the reasons, fix the source's selectors, or raise max_reject_rate"
    )
