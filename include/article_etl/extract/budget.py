"""A wall-clock budget per page: extraction runs in a worker process that is killed when it overruns.

Extraction is pure-Python CPU work (tree walks, regexes), which no signal, thread or ``asyncio``
timeout can interrupt, so a page that makes it slow would hold the whole batch. Here each page
goes to a long-lived worker process over a socket pair; the parent waits ``budget_seconds`` for
the answer and, past that, kills the worker (SIGTERM, then SIGKILL), raises ``ExtractTimeout`` and
lazily starts a fresh worker for the next page. The caller turns ``ExtractTimeout`` into an
``extract_timeout`` reject and ``ExtractFailed`` into ``extract_error``, and goes on with the batch.

- The worker is a fresh interpreter (``sys.executable``, the parent's ``sys.path``), never a
  ``fork``: the parent may be an Airflow task process with threads, and a forked copy of a
  process with threads can deadlock. It is started with ``subprocess`` rather than
  multiprocessing's ``spawn``/``forkserver``, because those import the parent's ``__main__`` in
  the child: in a task process that is the ``airflow`` CLI, and importing it took a worker's
  start-up from 1.7 s to 8.9 s. Requests and replies are pickled over a
  ``multiprocessing.connection.Connection``, whose ``poll(timeout)`` is the budget.
- The worker imports the extractor and extracts a small warm-up page (which compiles the
  furniture rules and, being short, goes through the trafilatura fallback, so trafilatura's
  import is paid too) before it says it is ready: its start-up never counts against a page.
- An exception raised by the extractor comes back as ``ExtractFailed("<type>: <message>")``; a
  worker that dies (segfault in lxml, out-of-memory kill) gives ``ExtractCrashed``, a subclass.
- Where no worker can be started (a sandbox that forbids new processes), extraction runs in
  this process without a budget, and a warning is logged once per process.
- A worker whose parent dies exits too: at once when idle (its socket closes), within a second
  when busy (it watches its parent process id).
- One ``ExtractionWorker`` serves one thread at a time; give each thread its own.
- ``extract_each`` pipelines a batch: page k+1 goes to the worker as soon as page k's answer is
  in, before the caller gets page k, so the caller's own work on page k (the clean stage's
  repairs, hashes and JSON) overlaps the extraction of page k+1. The worker never holds more
  than one page, so the budget and a timeout or crash still concern exactly that page.
- Leaving the ``with`` block parks an idle worker for the next ``ExtractionWorker`` of the same
  process (the next source of an in-process run), saving a start-up each; a parked worker is
  stopped at interpreter exit (``stop_parked_worker``) and, like any worker, exits when its
  parent dies. A process forked from this one never uses its parent's parked worker.

Measured with ``make bench`` (``bench/run.py``, row ``extraction_worker``) on the project's
machine kind, 2 cores, Python 3.11 (figures in BENCHMARKS.md):

- worker start-up (new interpreter, imports, warm-up page, ready message): 1.8 s median
  (~1.1 s of it imports: pydantic, bs4, chardet; ~0.6 s trafilatura's), paid once per worker
  and again after each timeout;
- round-trip overhead per page on a typical 76 KB page (600 Chinese paragraphs, 64 ms to
  extract): 0.85 ms median, 1.2 ms at most in 15 runs (pickling the HTML and the result, the
  socket, the wake-up): ~1 % of the page's time.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any, TypeVar

from article_etl.config import Selectors
from article_etl.extract import ExtractedArticle, extract_article

__all__ = [
    "ExtractCrashed",
    "ExtractFailed",
    "ExtractTimeout",
    "ExtractionWorker",
    "Request",
    "stop_parked_worker",
]

log = logging.getLogger(__name__)

# How long a fresh worker may take to import the extractor and say it is ready.
_STARTUP_SECONDS = 60.0
# How long a worker gets to exit after SIGTERM before it is sent SIGKILL.
_TERMINATE_GRACE_SECONDS = 2.0
_READY = "ready"
_WARM_UP_PAGE = (
    "<html><head><title>标题 - 网站</title></head><body><h1>标题</h1><p>记者 张三 2024年03月05日 09:30</p>"
    "<div class='content'><p>县里召开会议，部署工作。</p><p>The council met on March 3, 2024.</p></div></body></html>"
)
# The worker's entry point: ``python -c _WORKER_CODE <fd> <parent pid>``.
_WORKER_CODE = "import sys; from article_etl.extract.budget import _worker_main; _worker_main(sys.argv[1:])"
_warned_in_process = False
# A worker whose ``ExtractionWorker`` was closed while it was idle and healthy waits here for the
# next ``ExtractionWorker`` of the same process (the next source of an in-process run), which
# then skips a start-up: (the process id that parked it, the worker, the parent's end).
_parked: tuple[int, subprocess.Popen[bytes], Connection] | None = None
_parked_lock = threading.Lock()

# One page's arguments for ``extract_article``: (html, url, selectors, timezone, lang_hint, listed_title).
Request = tuple[str, str, Selectors | None, str, str | None, str | None]
T = TypeVar("T")


class ExtractTimeout(Exception):
    """Extracting one page took longer than the budget; the page becomes an ``extract_timeout`` reject."""


class ExtractFailed(Exception):
    """The extractor raised on this page (message ``"<type>: <message>"``): an ``extract_error`` reject."""


class ExtractCrashed(ExtractFailed):
    """The worker process died while extracting this page (segfault, killed for memory)."""


def _worker_main(argv: list[str]) -> None:
    """Run in the worker: serve the parent on the socket whose descriptor is ``argv[0]``."""
    fd, parent = int(argv[0]), int(argv[1])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle

    def watch_parent() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)  # orphaned mid-page: nobody is waiting for this page any more

    threading.Thread(target=watch_parent, name="watch-parent", daemon=True).start()
    _serve(Connection(fd))


def _serve(conn: Connection) -> None:
    """The worker's main loop: one ``(html, url, selectors, timezone, lang_hint, listed_title)`` in, one reply out.

    Replies are ``("ok", ExtractedArticle, seconds)`` or ``("error", type name, message)``:
    exception objects are not sent, since not every exception survives pickling. Ends when the
    parent closes its end or sends None.
    """
    for lang in ("zh", "en"):  # compile rules and regexes, import trafilatura: see the docstring
        extract_article(_WARM_UP_PAGE, "https://example.com/", lang_hint=lang)
    conn.send(_READY)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        html, url, selectors, timezone, lang_hint, listed_title = request
        reply: tuple[Any, ...]
        try:
            start = time.perf_counter()
            article = extract_article(
                html,
                url,
                selectors=selectors,
                timezone=timezone,
                lang_hint=lang_hint,
                listed_title=listed_title,
            )
            reply = ("ok", article, time.perf_counter() - start)
        except Exception as exc:  # the parent turns every extractor failure into a reject
            reply = ("error", type(exc).__name__, str(exc))
        try:
            conn.send(reply)
        except OSError:
            return


def _describe_exit(process: subprocess.Popen[bytes]) -> str:
    code = process.poll()
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class ExtractionWorker:
    """Extracts pages in a worker process, each within ``budget_seconds`` of wall-clock time.

    A context manager: leaving the ``with`` block releases the worker. The worker is started on
    the first page, not here, so constructing one is free. A worker that is idle and healthy when
    released is parked for the next ``ExtractionWorker`` of this process (see ``close``).
    """

    def __init__(self, budget_seconds: float) -> None:
        self._had_worker = False
        if budget_seconds <= 0:
            raise ValueError(f"budget_seconds must be positive, got {budget_seconds}")
        self.budget_seconds = budget_seconds
        self._process: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None
        self._in_process = False
        # When the page the worker holds now was handed to it (None: it holds none).
        self._sent_at: float | None = None
        # Seconds the last page's extraction itself took (in the worker, or here when in-process);
        # None when it did not finish. The rest of a call's wall time is the worker round trip.
        self.last_extraction_seconds: float | None = None

    def __enter__(self) -> ExtractionWorker:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def in_process(self) -> bool:
        """True when no worker could be started and pages are extracted here, without a budget."""
        return self._in_process

    @property
    def busy(self) -> bool:
        """True while the worker holds a page whose answer has not been taken yet (in
        ``extract_each``, the page after the one the caller is working on)."""
        return self._sent_at is not None

    @property
    def pid(self) -> int | None:
        """The running worker's process id (None before the first page and after a kill)."""
        return None if self._process is None else self._process.pid

    def close(self) -> None:
        """Release the worker: the next page starts (or takes) another.

        An idle worker is parked for the next ``ExtractionWorker`` of this process, so an
        in-process run of several sources (``article-etl run``, ``make bench``) pays one worker
        start-up (~1 s of CPU: imports and the warm-up page) rather than one per source. A worker
        that still holds a page (the caller stopped mid-batch) is killed; when a worker is already
        parked, this one is stopped (asked first, then SIGTERM/SIGKILL). The parked worker is
        stopped at interpreter exit, and exits by itself when this process dies (its socket closes).
        """
        if self.busy:
            self._discard()
            return
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if process is not None and conn is not None and _park(process, conn):
            return
        _shut_down(process, conn)

    def extract(
        self,
        html: str,
        url: str,
        *,
        selectors: Selectors | None,
        timezone: str,
        lang_hint: str | None,
        listed_title: str | None = None,
    ) -> ExtractedArticle:
        """``extract_article`` on one page, within the budget.

        Raises ``ExtractTimeout`` past the budget, ``ExtractFailed`` when the extractor raises,
        ``ExtractCrashed`` when the worker dies. After any of them the next call works as usual.
        """
        self.last_extraction_seconds = None
        outcome = self._hand_over((html, url, selectors, timezone, lang_hint, listed_title))
        if outcome is None:
            outcome = self._take_reply()
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def extract_each(
        self, items: Iterable[T], request: Callable[[T], Request]
    ) -> Iterator[tuple[T, ExtractedArticle | Exception]]:
        """Each item with its outcome, in the order given: the extracted article, or the exception
        ``extract`` would have raised for it (``ExtractTimeout``, ``ExtractFailed``, …), which the
        caller turns into that item's reject. ``request(item)`` gives the page's arguments.

        Pipelined: as soon as an item's answer is in, the next item goes to the worker, *before*
        this item is yielded, so the worker extracts item k+1 while the caller works on item k
        (on two cores the caller's own work per page then costs no wall time while it is shorter
        than the extraction), and the next item is read from ``items`` while the worker extracts.
        The worker still holds at most one page at a time, so its budget counts from the moment
        that page was handed over, exactly as in ``extract``, and a timeout or crash concerns
        that page alone.
        """
        pending = iter(items)
        try:
            current = next(pending)
        except StopIteration:
            return
        handed = self._hand_over(request(current))
        while True:
            try:
                following, more = next(pending), True  # read while the worker extracts ``current``
            except StopIteration:
                more = False
            outcome = handed if handed is not None else self._take_reply()
            handed = self._hand_over(request(following)) if more else None
            yield current, outcome
            if not more:
                return
            current = following

    def _hand_over(self, request: Request) -> ExtractedArticle | Exception | None:
        """Give the page to the worker (None: its answer is to be taken with ``_take_reply``), or
        the page's outcome when it cannot go there (extracted here without a worker, or the
        exception ``extract`` raises for it)."""
        try:
            conn = self._ready_worker()
            if conn is None:
                return self._extract_here(request)
            try:
                conn.send(request)
            except OSError:
                # The worker died while idle (e.g. killed for memory between pages): this page
                # has not been looked at yet, so a fresh worker gets it.
                self._discard()
                conn = self._ready_worker()
                if conn is None:
                    return self._extract_here(request)
                try:
                    conn.send(request)
                except OSError as exc:
                    self._discard()
                    raise ExtractCrashed(
                        f"could not hand the page to a fresh extraction worker ({exc})"
                    ) from exc
        except Exception as exc:  # a page that cannot be sent (or run here) is that page's failure
            return exc
        self._sent_at = time.monotonic()
        return None

    def _take_reply(self) -> ExtractedArticle | Exception:
        """The outcome of the page the worker holds, waiting until its budget is spent."""
        conn, sent_at = self._conn, self._sent_at
        assert conn is not None, "_take_reply without a worker"
        assert sent_at is not None, "_take_reply without a page handed over"
        self.last_extraction_seconds = None
        if not conn.poll(max(0.0, sent_at + self.budget_seconds - time.monotonic())):
            self._discard()
            return ExtractTimeout(
                f"extraction took longer than checks.extract_budget_seconds={self.budget_seconds:g} s; "
                "the worker was stopped and a fresh one takes the next page"
            )
        try:
            reply = conn.recv()
        except (EOFError, OSError):
            assert self._process is not None
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(_TERMINATE_GRACE_SECONDS)
            how = _describe_exit(self._process)
            self._discard()
            return ExtractCrashed(f"the extraction worker died on this page ({how})")
        self._sent_at = None
        if reply[0] == "ok":
            article: ExtractedArticle = reply[1]
            self.last_extraction_seconds = reply[2]
            return article
        return ExtractFailed(f"{reply[1]}: {reply[2]}")

    def _extract_here(self, request: Request) -> ExtractedArticle:
        html, url, selectors, timezone, lang_hint, listed_title = request
        start = time.perf_counter()
        try:
            article = extract_article(
                html,
                url,
                selectors=selectors,
                timezone=timezone,
                lang_hint=lang_hint,
                listed_title=listed_title,
            )
        except Exception as exc:
            raise ExtractFailed(f"{type(exc).__name__}: {exc}") from exc
        self.last_extraction_seconds = time.perf_counter() - start
        return article

    def _ready_worker(self) -> Connection | None:
        """The connection to a running worker, starting one if needed; None when pages run here."""
        if self._in_process:
            return None
        if self._conn is not None:
            return self._conn
        try:
            self._process, self._conn = _start_worker()
        except Exception as exc:  # any reason at all: extraction must still happen
            if self._had_worker:
                # Workers run here, so this is a passing failure (a loaded machine): this page is a
                # reject, and the next page tries again, rather than losing the budget for good.
                raise ExtractCrashed(
                    f"could not restart the extraction worker: {type(exc).__name__}: {exc}"
                ) from exc
            self._in_process = True
            _warn_in_process(exc)
            return None
        self._had_worker = True
        return self._conn

    def _discard(self) -> None:
        """Kill the worker without asking (it may be busy) and forget it."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        self._sent_at = None
        if process is not None:
            _stop(process)
        if conn is not None:
            conn.close()


def _start_worker() -> tuple[subprocess.Popen[bytes], Connection]:
    """A ready worker and the parent's end of its socket: the parked one, else a fresh one."""
    return _unpark() or _spawn_worker()


def _park(process: subprocess.Popen[bytes], conn: Connection) -> bool:
    """Keep an idle, live worker for the next ``ExtractionWorker`` of this process (False: one
    is parked already, or this one has exited)."""
    global _parked
    with _parked_lock:
        if _parked is not None or process.poll() is not None:
            return False
        _parked = (os.getpid(), process, conn)
        return True


def _unpark() -> tuple[subprocess.Popen[bytes], Connection] | None:
    """The parked worker, taken out of the slot, when it is this process's and still alive."""
    global _parked
    with _parked_lock:
        parked, _parked = _parked, None
    if parked is None:
        return None
    owner, process, conn = parked
    if owner != os.getpid():  # inherited through fork: the worker answers the parent, not us
        return None
    if process.poll() is not None:  # died while parked
        conn.close()
        return None
    return process, conn


def stop_parked_worker() -> None:
    """Stop the parked worker, if any (at interpreter exit; and to measure a fresh start-up)."""
    parked = _unpark()
    if parked is not None:
        _shut_down(*parked)


atexit.register(stop_parked_worker)


def _shut_down(process: subprocess.Popen[bytes] | None, conn: Connection | None) -> None:
    """Ask an idle worker to exit, then SIGTERM/SIGKILL it if it does not."""
    if conn is not None:
        with contextlib.suppress(OSError):
            conn.send(None)
    if process is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(_TERMINATE_GRACE_SECONDS)
        _stop(process)
    if conn is not None:
        conn.close()


def _spawn_worker() -> tuple[subprocess.Popen[bytes], Connection]:
    """A fresh worker that has imported the extractor, and the parent's end of its socket."""
    parent_end, child_end = multiprocessing.Pipe(duplex=True)  # a socket pair on POSIX
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))  # as spawn passes sys.path
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", _WORKER_CODE, str(child_end.fileno()), str(os.getpid())],
            pass_fds=(child_end.fileno(),),
            stdin=subprocess.DEVNULL,
            env=env,
        )
    except BaseException:
        parent_end.close()
        raise
    finally:
        child_end.close()
    try:
        if not parent_end.poll(_STARTUP_SECONDS):
            raise RuntimeError(f"the extraction worker was not ready after {_STARTUP_SECONDS:g} s")
        if parent_end.recv() != _READY:
            raise RuntimeError("the extraction worker sent an unexpected first message")
    except EOFError:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(_TERMINATE_GRACE_SECONDS)
        how = _describe_exit(process)
        _stop(process)
        parent_end.close()
        raise RuntimeError(f"the extraction worker exited while starting ({how})") from None
    except BaseException:
        _stop(process)
        parent_end.close()
        raise
    return process, parent_end


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(_TERMINATE_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _warn_in_process(exc: BaseException) -> None:
    global _warned_in_process
    if not _warned_in_process:
        _warned_in_process = True
        log.warning(
            "could not start an extraction worker (%s: %s); extracting in this process, "
            "WITHOUT the per-page time budget (checks.extract_budget_seconds)",
            type(exc).__name__,
            exc,
        )
