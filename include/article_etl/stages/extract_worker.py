"""A per-page time budget for extraction: the extractor runs in a worker process that can be killed.

Pure-Python, CPU-bound code cannot be interrupted from inside its own process: a thread cannot be
stopped, and SIGALRM works only on the main thread and would clobber the alarm Airflow itself
uses for ``execution_timeout``. A worker process can simply be killed. So the clean stage sends
each page to a long-lived worker (started with "spawn": the parent may be an Airflow task
process with threads, where fork is unsafe) and waits at most the budget for its answer. On
timeout the worker is killed, the page becomes an ``extract_timeout`` reject, and a fresh worker
starts for the next page. If the worker dies (a crash in a C extension), the page is an
``extract_error`` and the next page gets a fresh worker too.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import Any, Self

from article_etl.config import Selectors
from article_etl.extract import ExtractedArticle, extract_article

log = logging.getLogger(__name__)

# How long a new worker may take to start and import the extractor (spawn re-imports the package).
# Not part of any page's budget: the worker says "ready" before it is sent a page.
_STARTUP_SECONDS = 60.0


class ExtractFailed(Exception):
    """The extractor raised on this page (the message has its exception)."""


class ExtractCrashed(ExtractFailed):
    """The worker process died while extracting this page."""


class ExtractTimeout(Exception):
    """The page's extraction took longer than its budget."""


def _serve(conn: Connection) -> None:
    """The worker's loop: extract each page it is sent, answer with the fields or the error."""
    conn.send(("ready", None))
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        html, url, kwargs = request
        try:
            conn.send(("ok", extract_article(html, url, **kwargs)))
        except Exception as exc:  # every extractor failure goes back to the parent as data
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class ExtractionWorker:
    """Extracts pages in a worker process, each within ``budget_seconds`` of wall-clock time."""

    def __init__(self, budget_seconds: float) -> None:
        self.budget_seconds = budget_seconds
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]
    ) -> None:
        self.close()

    def extract(
        self,
        html: str,
        url: str,
        *,
        selectors: Selectors | None = None,
        timezone: str = "Asia/Shanghai",
        lang_hint: str | None = None,
    ) -> ExtractedArticle:
        """``extract_article`` with a time budget; raises ExtractTimeout, ExtractFailed or ExtractCrashed."""
        kwargs: dict[str, Any] = {"selectors": selectors, "timezone": timezone, "lang_hint": lang_hint}
        conn = self._ensure()
        started = time.monotonic()
        try:
            conn.send((html, url, kwargs))
            ready = conn.poll(self.budget_seconds)
        except (BrokenPipeError, EOFError, OSError) as exc:
            self._kill()
            raise ExtractCrashed(f"the extraction worker died ({type(exc).__name__})") from exc
        if not ready:
            self._kill()
            raise ExtractTimeout(
                f"extraction took longer than checks.extract_budget_seconds={self.budget_seconds:g} s "
                f"(stopped after {time.monotonic() - started:.1f} s); the page is unusually large or "
                "pathological; raise the budget in the sources file if such pages are genuine"
            )
        try:
            status, value = conn.recv()
        except (EOFError, OSError) as exc:
            code = self._process.exitcode if self._process is not None else None
            self._kill()
            raise ExtractCrashed(f"the extraction worker died (exit code {code})") from exc
        if status == "error":
            raise ExtractFailed(value)
        result: ExtractedArticle = value
        return result

    def close(self) -> None:
        """Stop the worker (politely, then by force)."""
        if self._conn is not None and self._process is not None and self._process.is_alive():
            with contextlib.suppress(OSError):
                self._conn.send(None)
            self._process.join(timeout=2)
        self._kill()

    def _ensure(self) -> Connection:
        if self._conn is not None and self._process is not None and self._process.is_alive():
            return self._conn
        self._kill()
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(target=_serve, args=(child,), name="article-etl-extract", daemon=True)
        process.start()
        child.close()
        self._process, self._conn = process, parent
        try:
            started = parent.poll(_STARTUP_SECONDS) and parent.recv() == ("ready", None)
        except (EOFError, OSError):
            started = False
        if not started:
            code = process.exitcode
            self._kill()
            raise ExtractCrashed(
                f"the extraction worker did not start within {_STARTUP_SECONDS:g} s (exit code {code})"
            )
        return parent

    def _kill(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(timeout=2)
                if self._process.is_alive():
                    self._process.kill()
                    self._process.join(timeout=2)
            self._process.close()
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn = None, None
