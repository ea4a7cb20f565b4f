"""The two kinds of failure a task can have, so the orchestrator knows whether to retry.

A deterministic failure (bad config, an unknown source, a quality gate, upstream output that
is missing) fails the same way on every try: it must turn the task red at once. A transient
one (the site is down, a lock timed out) may pass on a retry. Only ``orchestration`` turns these
into Airflow's exceptions; everything below it stays free of Airflow.
"""

from __future__ import annotations


class PermanentError(RuntimeError):
    """Fails the same way on every try: do not retry, fix the cause (the message says which)."""


class TransientError(RuntimeError):
    """May pass on a later try (network, 5xx, locks): retry with backoff."""
