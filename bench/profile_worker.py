"""The clean stage's extraction worker under pyinstrument, for ``bench.day --profile clean``.

Extraction runs in a separate process (``article_etl.extract.budget``), so a profile of the stage's
own process shows only the time it waits for the worker, never where the worker spends it. While
``profiling_workers(prefix)`` is active, every worker that process starts runs ``main`` here
instead of the plain entry point: the same ``_worker_main`` (warm-up page, request loop) inside a
pyinstrument ``Profiler``, whose session is saved to ``<prefix>-<pid>.pyisession`` when the worker
ends (its parent closes it after each source). ``combined`` then merges the sessions of every
worker into one profile. Bench-only: the product never imports this module.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_PREFIX_ENV = "BENCH_WORKER_PROFILE_PREFIX"
_ENTRY = "import sys; from bench.profile_worker import main; main(sys.argv[1:])"


def main(argv: list[str]) -> None:
    """The worker's entry point while profiling: ``_worker_main`` under a sampling profiler."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    try:
        from article_etl.extract.budget import _worker_main  # its imports are start-up cost too

        _worker_main(argv)
    finally:
        profiler.stop()
        profiler.last_session.save(f"{os.environ[_PREFIX_ENV]}-{os.getpid()}.pyisession")  # type: ignore[union-attr]


@contextlib.contextmanager
def profiling_workers(prefix: Path) -> Iterator[None]:
    """Every extraction worker started inside the block runs under pyinstrument (see above)."""
    from article_etl.extract import budget

    previous_code, previous_env = budget._WORKER_CODE, os.environ.get(_PREFIX_ENV)
    budget._WORKER_CODE = _ENTRY
    os.environ[_PREFIX_ENV] = str(prefix)
    try:
        yield
    finally:
        budget._WORKER_CODE = previous_code
        if previous_env is None:
            os.environ.pop(_PREFIX_ENV, None)
        else:
            os.environ[_PREFIX_ENV] = previous_env


def combined(prefix: Path) -> Any | None:
    """One pyinstrument session of every worker saved under ``prefix`` (None when there was none)."""
    from pyinstrument.session import Session

    files = sorted(prefix.parent.glob(f"{prefix.name}-*.pyisession"))
    session = None
    for file in files:
        one = Session.load(str(file))
        session = one if session is None else Session.combine(session, one)
    return session
