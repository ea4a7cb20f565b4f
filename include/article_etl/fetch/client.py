"""HTTP with requests: retries with backoff, a size limit, a wall-clock deadline, raw bytes kept.

The body is read as bytes and never through ``response.text``: requests guesses ISO-8859-1 for
any text/* page without a charset, which is exactly wrong for GBK sites. Decoding is the job of
``article_etl.encoding``.

Why a deadline, and why it is built this way. requests' ``timeout`` bounds each socket operation,
so a server that sends a byte a second (in the status line, the headers or the body) never trips
it, and urllib3 obeys Retry-After for up to six hours. ``fetch`` therefore gives every URL a total
budget, ``fetch.deadline_seconds``, covering connect, redirects, retries and every read:

* Reads. The blocking reads happen deep inside ``session.get`` (http.client parsing the headers)
  and inside the body's BufferedReader, which waits for a whole chunk; no hook between them sees
  the clock. So the session's urllib3 connections (a subclass, mounted through
  :class:`_WatchedAdapter`) register their socket with the fetch's :class:`_Deadline`, found in a
  thread-local of the fetching thread (requests passes nothing per request down to the
  connection). A ``threading.Timer`` shuts the registered sockets down when the deadline passes:
  ``shutdown()`` wakes a ``recv`` blocked in any thread at once, the read fails (or ends early),
  and ``fetch`` reports FetchTimeout because the deadline says it expired, whatever error or
  truncated answer requests made of it. The deadline keeps a duplicate of each descriptor: ssl
  detaches the original socket object when it wraps it (the duplicate still reaches the TLS
  handshake and reads), and a duplicate cannot turn into someone else's socket when urllib3
  closes its own and the number is reused.
* Connects. There is no socket to shut down while connecting, so the connect timeout is clamped
  to the time left; a connection opened after the deadline is refused outright.
* Waits. Retry-After is honoured up to ``fetch.max_retry_after_seconds`` (a ``Retry`` subclass
  whose cap survives ``Retry.new()``; urllib3's own ``retry_after_max`` takes whole seconds only),
  and a wait (Retry-After or backoff) that would end past the deadline is not started: the fetch
  raises FetchTimeout at once instead of sleeping into a failure. So a 503 with a long Retry-After
  near the deadline gives FetchTimeout, not a 503 Capture.

Alternatives rejected: ``signal.alarm`` works only in the main thread; running the request in a
worker thread and abandoning it on timeout leaks the thread and its socket; clamping each read's
timeout to the time left would need hooks inside http.client and ssl. Not bounded: DNS lookups
(``getaddrinfo`` cannot be interrupted; the system resolver's own timeouts apply).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any, Self

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from article_etl.config import FetchSettings
from article_etl.fetch.warc import Capture

# Small body reads, so the deadline is also checked while a body trickles in (the timer is what
# guarantees it; this only notices sooner).
_CHUNK = 8192


class FetchError(RuntimeError):
    """The site could not be reached at all (DNS, refused, timeout); the message names the URL."""


class TooLargeError(FetchError):
    """The body passed the configured size limit; the page is rejected as ``too_large``."""


class FetchTimeout(FetchError):
    """No complete answer within ``fetch.deadline_seconds`` (stalling, trickling, long waits)."""


class _DeadlineExceeded(Exception):
    """Raised inside requests/urllib3 once the deadline is past. Deliberately neither an OSError nor
    a urllib3 error, so neither library retries or wraps it; ``fetch`` turns it into FetchTimeout."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


class _Deadline:
    """One fetch's wall-clock limit, and the sockets to cut when it passes."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._end = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []
        self._closed = False

    def remaining(self) -> float:
        return self._end - time.monotonic()

    def check(self, wait: float = 0.0, what: str = "") -> None:
        """Raise _DeadlineExceeded if the deadline is past, or would be after ``wait`` seconds."""
        left = self.remaining()
        if self.expired or left <= 0:
            raise _DeadlineExceeded()
        if wait >= left:
            raise _DeadlineExceeded(what)

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down when the deadline passes (at once if it already has)."""
        try:
            dup = socket.fromfd(sock.fileno(), sock.family, sock.type, sock.proto)
        except OSError:
            return  # already closed: nothing left to cut
        with self._lock:
            if not self.expired and not self._closed:
                self._socks.append(dup)
                return
            if self.expired:
                _shutdown(dup)
        dup.close()

    def expire(self) -> None:
        """The timer's callback: mark the deadline passed and cut every watched socket."""
        with self._lock:
            if self._closed:
                return  # the fetch is over; its connections may already serve the next one
            self.expired = True
            for sock in self._socks:
                _shutdown(sock)

    def close(self) -> None:
        """End the watch: a late timer then does nothing, and the duplicates are released."""
        with self._lock:
            self._closed = True
            socks, self._socks = self._socks, []
        for sock in socks:
            sock.close()


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # not connected (yet or any more): nothing blocks on it
        sock.shutdown(socket.SHUT_RDWR)


_local = threading.local()


def _current() -> _Deadline | None:
    """The deadline of the fetch running in this thread, if any."""
    deadline: _Deadline | None = getattr(_local, "deadline", None)
    return deadline


@contextlib.contextmanager
def _deadline_for(seconds: float) -> Iterator[_Deadline]:
    deadline = _Deadline(seconds)
    previous = _current()
    _local.deadline = deadline
    timer = threading.Timer(seconds, deadline.expire)
    timer.daemon = True
    timer.start()
    try:
        yield deadline
    finally:
        timer.cancel()
        deadline.close()
        _local.deadline = previous


def _pause(seconds: float, what: str) -> None:
    """Sleep between retries, unless the sleep would end past the deadline."""
    deadline = _current()
    if deadline is not None:
        deadline.check(seconds, f"{what} {seconds:g}s would pass it")
    if seconds > 0:
        time.sleep(seconds)


class _WatchedHTTPConnection(HTTPConnection):
    """A connection that puts its socket under the fetching thread's deadline."""

    _watched_by: _Deadline | None = None

    def _new_conn(self) -> socket.socket:
        deadline = _current()
        if deadline is None:
            return super()._new_conn()
        deadline.check()
        left = deadline.remaining()
        if not isinstance(self.timeout, int | float) or self.timeout > left:
            self.timeout = left  # no socket to shut down while connecting
        sock = super()._new_conn()
        deadline.watch(sock)
        self._watched_by = deadline
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        # Pooled connections outlive a fetch, so a reused one joins the current fetch's deadline.
        deadline = _current()
        if deadline is not None:
            deadline.check()
            if self.sock is not None and self._watched_by is not deadline:
                deadline.watch(self.sock)
                self._watched_by = deadline
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(_WatchedHTTPConnection, HTTPSConnection):
    """The HTTPS variant (the same hooks; HTTPSConnection's connect calls ``_new_conn``)."""


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _WatchedAdapter(HTTPAdapter):
    """An adapter whose pools (direct, or through an HTTP proxy) use the watched connections."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        # A new dict: PoolManager shares urllib3's module-level one.
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS managers need their own pool classes
            manager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}
        return manager


class _BoundedRetry(Retry):
    """urllib3's Retry with Retry-After capped, and every wait checked against the deadline."""

    max_retry_after: float = Retry.DEFAULT_RETRY_AFTER_MAX

    def new(self, **kw: Any) -> Self:
        # urllib3 makes a new Retry on every increment from its constructor arguments only.
        retry = super().new(**kw)
        retry.max_retry_after = self.max_retry_after
        return retry

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, self.max_retry_after)

    def sleep_for_retry(self, response: BaseHTTPResponse) -> bool:
        seconds = self.get_retry_after(response)
        if not seconds:
            return False
        _pause(seconds, "waiting out Retry-After for")
        return True

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        if self.respect_retry_after_header and response is not None and self.sleep_for_retry(response):
            return
        _pause(self.get_backoff_time(), "backing off for")


def make_session(settings: FetchSettings) -> requests.Session:
    """A session that retries connection errors and 429/5xx with exponential backoff, within the
    deadline ``fetch`` sets (see the module docstring)."""
    session = requests.Session()
    retry = _BoundedRetry(
        total=settings.retries,
        connect=settings.retries,
        read=settings.retries,
        status=settings.retries,
        backoff_factor=0.5,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=("GET", "HEAD"),
        raise_on_status=False,
        respect_retry_after_header=True,
    )
    retry.max_retry_after = settings.max_retry_after_seconds
    adapter = _WatchedAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = settings.user_agent
    session.headers["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    return session


def fetch(session: requests.Session, url: str, settings: FetchSettings) -> Capture:
    """GET ``url`` and return the response as a Capture (any status).

    Raises FetchTimeout once ``settings.deadline_seconds`` pass, TooLargeError past
    ``max_bytes`` and FetchError when the site cannot be reached. Sockets are cut at the deadline
    only on sessions from :func:`make_session`; on others it is checked between body chunks.
    """
    with _deadline_for(settings.deadline_seconds) as deadline:
        try:
            capture = _get(session, url, settings, deadline)
        except _DeadlineExceeded as exc:
            raise _timeout(url, settings, exc.reason) from exc
        except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
            if deadline.expired:  # the error is the timer cutting the socket
                raise _timeout(url, settings) from exc
            raise FetchError(
                f"{url}: could not fetch ({type(exc).__name__}: {exc}); is the site up?"
            ) from exc
    if deadline.expired:  # a cut can also look like a complete answer (headers or body cut short)
        raise _timeout(url, settings)
    return capture


def _get(session: requests.Session, url: str, settings: FetchSettings, deadline: _Deadline) -> Capture:
    with session.get(url, timeout=settings.timeout_seconds, stream=True, allow_redirects=True) as resp:
        body = bytearray()
        for chunk in resp.iter_content(chunk_size=_CHUNK):
            body.extend(chunk)
            if len(body) > settings.max_bytes:
                raise TooLargeError(
                    f"{url}: body is larger than fetch.max_bytes={settings.max_bytes}; "
                    "raise the limit in the sources file if the page is genuine"
                )
            deadline.check()
        return Capture(
            url=resp.url,
            status=resp.status_code,
            headers=[(k, v) for k, v in resp.raw.headers.items()],
            body=bytes(body),
        )


def _timeout(url: str, settings: FetchSettings, reason: str = "") -> FetchTimeout:
    detail = f" ({reason})" if reason else ""
    return FetchTimeout(
        f"{url}: no complete answer within fetch.deadline_seconds={settings.deadline_seconds:g}{detail}; "
        "the site is slow or stalling; raise the deadline in the sources file if it is genuinely slow"
    )
