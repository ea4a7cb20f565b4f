"""Progress bars for ``article-etl run`` on a terminal: one row per stage and source.

Why: a day's fetch of a few hundred pages at one request a second per host takes minutes, and a
terminal that prints a log line every five seconds looks hung between them. On a terminal each
stage and source gets a row that moves with every record: records done (of how many, when the
stage knows), rejects so far, records per second, time taken. In a task log, or when output is
piped, nothing changes: the stages keep their periodic log lines (see
:mod:`article_etl.stages.common`), because a bar's redraws are noise in a file.

rich is imported only here, and only by the CLI when its output is a terminal.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from article_etl.stages.common import StageRun, progress_view


class RichProgressView:
    """A :class:`~article_etl.stages.common.ProgressView` drawing rich bars."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[int, TaskID] = {}
        self._lock = threading.Lock()

    def start(self, run: StageRun) -> None:
        with self._lock:
            self._tasks[id(run)] = self._progress.add_task(
                f"{run.stage.value:<8} {run.source_id}", total=run.total, rejected=0, rate=0.0, state=""
            )

    def update(self, run: StageRun, done: int, out: int) -> None:
        task = self._tasks.get(id(run))
        if task is None:
            return
        self._progress.update(
            task, completed=done, total=run.total, rejected=run.rejected, rate=run.rate(done)
        )

    def finish(self, run: StageRun, done: int, out: int, *, failed: bool = False) -> None:
        with self._lock:
            task = self._tasks.pop(id(run), None)
        if task is None:
            return
        if failed:  # the row keeps the counts it reached, and says so
            self._progress.update(task, rejected=run.rejected, state="failed")
        else:
            self._progress.update(
                task,
                completed=done,
                total=done,
                rejected=run.rejected,
                rate=run.rate(done),
                state=f"{out} passed on",
            )
        self._progress.stop_task(task)


def make_progress(console: Console) -> Progress:
    """The bar layout: stage and source, bar, done/total, rejects, rate, elapsed, final state."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rejected]} rejected"),
        TextColumn("{task.fields[rate]:.1f}/s"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[state]}"),
        console=console,
        transient=False,
    )


@contextmanager
def terminal_progress(stream: IO[str] | None = None, *, force: bool = False) -> Iterator[bool]:
    """Show bars on ``stream`` (stderr by default) while the block runs, if it is a terminal
    (or ``force``); yields whether bars are shown. Otherwise nothing is installed and the stages
    log their periodic lines as in a task log."""
    console = Console(file=stream, stderr=stream is None, force_terminal=True if force else None)
    if not console.is_terminal:
        yield False
        return
    with make_progress(console) as progress, progress_view(RichProgressView(progress)):
        yield True
