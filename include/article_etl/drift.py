"""Has a source moved? Each source's newest day against its own recent baseline.

A site's layout change rarely breaks a run: it shows as fewer articles, fewer authors or dates
found, or much shorter bodies. So each figure of the newest day is compared with the median of
the source's previous days, and a sharp drop is named ("volume", "author fill", ...), with both
values, so the person reading knows where to look. Sources with too short a history are not
judged (a new source has no baseline yet).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from article_etl.dashboard import SourceDayFigures

BASELINE_DAYS = 7
MIN_BASELINE_DAYS = 3
# A figure that falls below this share of its baseline has moved (volume, body length).
MIN_SHARE = 0.5
# A fill rate that drops by more than this (absolute, 0..1) has moved (author, date).
MAX_FILL_DROP = 0.3


@dataclass(frozen=True)
class Drift:
    source_id: str
    ds: str
    figure: str
    today: float
    baseline: float

    def __str__(self) -> str:
        return (
            f"{self.source_id} on {self.ds}: {self.figure} {self.today:g} against a baseline of "
            f"{self.baseline:g} (median of its previous days)"
        )


def _share_drop(today: float | None, baseline: float) -> bool:
    return today is not None and baseline > 0 and today < MIN_SHARE * baseline


def _fill_drop(today: float | None, baseline: float) -> bool:
    return today is not None and baseline - today > MAX_FILL_DROP


CHECKS: dict[
    str, tuple[Callable[[SourceDayFigures], float | None], Callable[[float | None, float], bool]]
] = {
    "articles loaded": (lambda f: float(f.loaded), _share_drop),
    "median body length": (lambda f: f.median_body_chars, _share_drop),
    "author fill rate": (lambda f: f.with_author, _fill_drop),
    "date fill rate": (lambda f: f.with_date, _fill_drop),
}


def find_drift(rows: Iterable[SourceDayFigures], ds: str) -> list[Drift]:
    """The figures of day ``ds`` that dropped sharply against each source's previous days."""
    by_source: dict[str, list[SourceDayFigures]] = {}
    for row in rows:
        by_source.setdefault(row.source_id, []).append(row)
    found: list[Drift] = []
    for source_id, days in sorted(by_source.items()):
        today = next((d for d in days if d.ds == ds), None)
        history = sorted((d for d in days if d.ds < ds and (d.loaded or d.fetched)), key=lambda d: d.ds)
        history = history[-BASELINE_DAYS:]
        if len(history) < MIN_BASELINE_DAYS:
            continue
        if today is None:
            today = SourceDayFigures(ds, source_id)
        for figure, (value_of, moved) in CHECKS.items():
            past = [v for d in history if (v := value_of(d)) is not None]
            if not past:
                continue
            baseline = float(statistics.median(past))
            value = value_of(today)
            if moved(value, baseline):
                found.append(Drift(source_id, ds, figure, float(value or 0), baseline))
    return found
