"""The identity of one run of one day: what every stage and the landing zone key on.

A run is (ds, source, run_id, try). The data interval comes from the orchestrator (Airflow's
data interval, or ``--ds`` on the command line), never from "now", so a backfill of a past day
does exactly what the scheduled run did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class Day:
    """One data interval [start, end), labelled ``ds`` (the start date), and the run processing it.

    ``run_id`` names the run (Airflow's run id, or a CLI run's own); every attempt of a stage
    writes under it, so two runs of the same day never see each other's files. ``try_number``
    tells the attempts of one run apart.
    """

    start: datetime
    end: datetime
    run_id: str = "manual"
    try_number: int = 1

    @property
    def ds(self) -> str:
        return self.start.astimezone(UTC).date().isoformat()

    @classmethod
    def of(cls, ds: str, run_id: str = "manual", try_number: int = 1) -> Day:
        start = datetime.fromisoformat(ds).replace(tzinfo=UTC)
        return cls(start=start, end=start + timedelta(days=1), run_id=run_id, try_number=try_number)
