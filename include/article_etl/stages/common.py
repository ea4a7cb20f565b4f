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
from typing import Any

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

log = logging.getLogger("article_etl.progress")


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
    _started: float = field(default_factory=time.monotonic)
    _last_progress: float = field(default_factory=time.monotonic)

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
        """Log how far the stage is: records done, passed on, rejected, rate; at most every few seconds."""
        now = time.monotonic()
        if not final and now - self._last_progress < PROGRESS_EVERY_SECONDS:
            return
        self._last_progress = now
        elapsed = max(now - self._started, 1e-9)
        log.info(
            "%s %s ds=%s: %d done, %d passed on, %d rejected (%.1f/s)%s",
            self.stage.value,
            self.source_id,
            self.day.ds,
            done,
            out,
            self.rejected,
            done / elapsed,
            ", finished" if final else "",
        )

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
    try:
        with attempt.writer(Kind.REJECTS) as rejects_out:
            run.rejects_out = rejects_out
            yield run
    except BaseException:
        attempt.discard()
        raise
    manifest.finished_at = _now()
    manifest.seconds = round(time.monotonic() - started, 3)
    manifest.counts["rejected"] = run.rejected
    run.progress(manifest.counts.get("in", 0), manifest.counts.get("out", 0), final=True)
    manifest.rejects_by_code = dict(sorted(run.reject_codes.items()))
    retention = Retention(settings.storage.retention_days, settings.storage.abandoned_attempt_hours)
    attempt.publish(manifest, retention)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
