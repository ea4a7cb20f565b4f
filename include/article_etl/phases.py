"""Where a stage's time goes, phase by phase: a few named wall-clock totals, nothing more.

A data engineer sizing a warehouse needs to know whether a slow load is the rows themselves (the
upsert) or the fixed costs around them (the schema check, the warehouse suite, the commit), and
the load records that in its manifest and log line. A phase entered twice (once per chunk) adds
up; a phase that raises still counts the time it ran and is named as the one that failed, so a
failed load's log says what it had done and where it stopped.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


@dataclass
class Phases:
    """Seconds per phase, in the order the phases first ran (phases never overlap: time one thing
    at a time, so the phases sum to no more than the wall time around them)."""

    seconds: dict[str, float] = field(default_factory=dict)
    # The phase that raised, if one did (the first one: an outer phase re-raising does not replace it).
    failed_in: str | None = None

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Add the block's wall time to ``name``, also when the block raises."""
        start = time.perf_counter()
        try:
            yield
        except BaseException:
            self.failed_in = self.failed_in or name
            raise
        finally:
            self.add(name, time.perf_counter() - start)

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def timed(self, name: str, items: Iterable[T]) -> Iterator[T]:
        """Yield ``items``, adding the time spent producing each one (reading a file, say) to
        ``name``; the consumer's time between items is not counted."""
        it = iter(items)
        while True:
            with self.phase(name):
                try:
                    item = next(it)
                except StopIteration:
                    return
            yield item

    def rounded(self, digits: int = 3) -> dict[str, float]:
        """The totals as a manifest or log line keeps them."""
        return {name: round(s, digits) for name, s in self.seconds.items()}

    def line(self) -> str:
        """``name=1.234s`` pairs, for one log line."""
        return " ".join(f"{name}={s:.3f}s" for name, s in self.seconds.items())
