"""The batch gate: a source's stage whose share of failing rows passes its limit fails whole.

Below the limit, good records go on and bad ones are quarantined; above it the validate task
fails before publishing, so nothing of that batch loads, and the message says which source, stage
and expectation, at what rate, and what to do. The limit is the source's ``max_reject_rate``.
"""

from __future__ import annotations

from collections import Counter

from article_etl import codes
from article_etl.errors import PermanentError
from article_etl.quality.validation import SuiteOutcome

# Rows failing only these say nothing about the source's health: a route without dates (a URL
# list, listing pages, a WARC) lists pages of other days, which the page's own date then sorts
# out. They are quarantined like any reject but count neither for nor against the rate.
NOT_COUNTED = frozenset({codes.OUT_OF_WINDOW})


class BatchGateError(PermanentError):
    """A batch failed its gate: deterministic, so the task fails at once rather than retrying."""


def counted(outcome: SuiteOutcome) -> tuple[int, int]:
    """(failing rows, rows) that count for the gate: rows failing only for a reason in
    ``NOT_COUNTED`` are left out of both."""
    uncounted = sum(1 for fs in outcome.failures.values() if all(f.code in NOT_COUNTED for f in fs))
    return len(outcome.failures) - uncounted, outcome.rows - uncounted


def reject_rate(outcome: SuiteOutcome) -> float:
    """The share of the counted rows that failed at least one row-level expectation."""
    failing, rows = counted(outcome)
    return failing / rows if rows > 0 else 0.0


def enforce(
    outcome: SuiteOutcome, *, source_id: str, stage: str, ds: str, limit: float, docs: list[str]
) -> None:
    """Raise BatchGateError when the batch's reject rate is above ``limit``."""
    failing, rows = counted(outcome)
    rate = failing / rows if rows > 0 else 0.0
    if rate <= limit:
        return
    by_expectation = Counter(
        fs[0].expectation for fs in outcome.failures.values() if not all(f.code in NOT_COUNTED for f in fs)
    )
    worst, worst_n = by_expectation.most_common(1)[0]
    others = ", ".join(f"{name}={n}" for name, n in by_expectation.most_common(4)[1:])
    where = f"; Data Docs: {docs[-1]}" if docs else ""
    raise BatchGateError(
        f"source {source_id}, stage {stage}, ds {ds}: {failing} of {rows} rows "
        f"({rate:.0%}) failed the {outcome.suite} suite, above max_reject_rate {limit:.0%}; worst expectation "
        f"{worst} ({worst_n} rows{', then ' + others if others else ''}). Nothing of this batch is loaded; "
        f"fix the source (selectors, encoding) and re-run the day, or raise max_reject_rate{where}"
    )
