"""What every stage does the same way: open an attempt, write rejects, publish a manifest.

A stage body runs inside ``stage_attempt``. If it returns, its files and the manifest are
published in one atomic step; if it raises (an outage, a crash, a kill), the attempt is
discarded and nothing downstream can see it. Rejects are written as they happen, never
collected in memory.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from article_etl import codes
from article_etl.config import Settings
from article_etl.encoding import scrub_unstorable
from article_etl.records import Reject
from article_etl.run import Day
from article_etl.storage import Attempt, Kind, Manifest, Published, Retention, RunPartition, Stage
from article_etl.storage.files import JsonlWriter
from article_etl.urls import redact_text, redact_url

# A reject's detail is for a person; past this it is noise (and bloats the rejects table).
MAX_DETAIL_CHARS = 2000
# How often a long stage says how far it is, in the task log (a long fetch never looks hung).
PROGRESS_EVERY_SECONDS = 5.0
# How often a progress view (a terminal bar) is told; a bar redraws about this often anyway.
VIEW_EVERY_SECONDS = 0.1

log = logging.getLogger("article_etl.progress")


class ProgressView(Protocol):
    """Something that shows the stages' progress as it happens (``article-etl run`` on a terminal:
    a bar per stage and source). Installed with :func:`progress_view`; while one is installed it
    replaces the periodic log lines, which in a task log (no view) stay as they are."""

    def start(self, run: StageRun) -> None:
        """A stage attempt began (``run.total`` may be set later, once the stage knows it)."""

    def update(self, run: StageRun, done: int, out: int) -> None:
        """``done`` records handled, ``out`` passed on, ``run.rejected`` rejected so far."""

    def finish(self, run: StageRun, done: int, out: int, *, failed: bool = False) -> None:
        """The attempt published (``failed``: it raised and was discarded)."""


_view: ProgressView | None = None


@contextmanager
def progress_view(view: ProgressView) -> Iterator[ProgressView]:
    """Show progress through ``view`` instead of log lines, for the duration of the block."""
    global _view
    previous, _view = _view, view
    try:
        yield view
    finally:
        _view = previous


@dataclass
class StageRun:
    """One attempt of one stage for one day and source, while it runs."""

    stage: Stage
    settings: Settings
    day: Day
    source_id: str
    attempt: Attempt
    manifest: Manifest
    rejects_out: JsonlWriter | None = None
    reject_codes: Counter[str] = field(default_factory=Counter)
    evidence_counts: Counter[str] = field(default_factory=Counter)
    # How many records the stage expects, when it knows (fetch: the URLs discovery published).
    total: int | None = None
    _started: float = field(default_factory=time.monotonic)
    _last_progress: float = field(default_factory=time.monotonic)
    _last_view: float = 0.0

    def reject(
        self,
        url: str,
        code: str,
        detail: str,
        *,
        raw_ref: str | None = None,
        evidence: str = codes.EVIDENCE_CONTENT,
        check_name: str | None = None,
    ) -> Reject:
        """Record one reject of this stage (written at once) and return it. Its URL and detail
        lose any secret (defence in depth: fetch already redacts what it reports)."""
        secret = self.settings.fetch.secret_params
        detail = redact_text(scrub_unstorable(detail)[0], secret)
        if len(detail) > MAX_DETAIL_CHARS:
            detail = detail[: MAX_DETAIL_CHARS - 1] + "…"
        rej = Reject(
            ds=self.day.ds,
            stage=self.stage.value,
            source_id=self.source_id,
            url=redact_url(scrub_unstorable(url)[0], secret),
            reason=code,
            detail=detail,
            raw_ref=raw_ref,
            run_id=self.day.run_id,
            evidence=evidence,
            check_name=check_name,
        )
        assert self.rejects_out is not None, "reject() is only called inside stage_attempt"
        self.rejects_out.write(rej)
        self.reject_codes[code] += 1
        self.evidence_counts[evidence] += 1
        return rej

    def progress(self, done: int, out: int, *, final: bool = False) -> None:
        """Say how far the stage is: records done, passed on, rejected, rate. Call it after every
        record; it logs at most every few seconds, or tells the installed view (a terminal bar)."""
        now = time.monotonic()
        view = _view
        if view is not None:
            if final or now - self._last_view >= VIEW_EVERY_SECONDS:
                self._last_view = now
                view.update(self, done, out)
            return
        if not final and now - self._last_progress < PROGRESS_EVERY_SECONDS:
            return
        self._last_progress = now
        log.info(
            "%s %s ds=%s: %d done, %d passed on, %d rejected (%.1f/s)%s",
            self.stage.value,
            self.source_id,
            self.day.ds,
            done,
            out,
            self.rejected,
            self.rate(done, now),
            ", finished" if final else "",
        )

    def rate(self, done: int, now: float | None = None) -> float:
        """Records per second since the attempt began."""
        elapsed = max((time.monotonic() if now is None else now) - self._started, 1e-9)
        return done / elapsed

    @property
    def rejected(self) -> int:
        return sum(self.reject_codes.values())

    def read(self, published: Published) -> Published:
        """Note an upstream input in the manifest and return it."""
        self.manifest.inputs.append(published.ref())
        return published

    def summary(self, **counts: float) -> dict[str, Any]:
        """What XCom carries: the run, the attempt, and counts (never records)."""
        return {
            "source_id": self.source_id,
            "ds": self.day.ds,
            "stage": self.stage.value,
            "run_id": self.day.run_id,
            "attempt": self.attempt.name,
            "rejected": self.rejected,
            **counts,
        }


@contextmanager
def stage_attempt(
    stage: Stage, settings: Settings, source_id: str, day: Day, root: Path | None
) -> Iterator[StageRun]:
    """Run a stage body in a fresh attempt folder; publish on success, discard on failure."""
    part = RunPartition.of(stage, day, source_id, root)
    attempt = part.begin(day.try_number)
    started = time.monotonic()
    manifest = Manifest(
        stage=stage.value,
        ds=day.ds,
        source_id=source_id,
        run_id=day.run_id,
        try_number=day.try_number,
        started_at=_now(),
    )
    run = StageRun(stage, settings, day, source_id, attempt, manifest)
    view = _view
    if view is not None:
        view.start(run)
    try:
        with attempt.writer(Kind.REJECTS) as rejects_out:
            run.rejects_out = rejects_out
            yield run
    except BaseException:
        attempt.discard()
        if view is not None:
            view.finish(run, manifest.counts.get("in", 0), manifest.counts.get("out", 0), failed=True)
        raise
    manifest.finished_at = _now()
    manifest.seconds = round(time.monotonic() - started, 3)
    manifest.counts["rejected"] = run.rejected
    run.progress(manifest.counts.get("in", 0), manifest.counts.get("out", 0), final=True)
    if view is not None:
        view.finish(run, manifest.counts.get("in", 0), manifest.counts.get("out", 0))
    manifest.rejects_by_code = dict(sorted(run.reject_codes.items()))
    retention = Retention(settings.storage.retention_days, settings.storage.abandoned_attempt_hours)
    attempt.publish(manifest, retention)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
