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

Size and redirects. A body is refused as TooLargeError at ``fetch.max_bytes`` while it streams,
never after: at once when its Content-Length already says more, else as soon as either the bytes
on the wire or the decoded bytes pass the cap, so a 300 MB page or a gzip bomb (urllib3 inflates
at most about a chunk per read) costs about ``max_bytes`` of memory. The wire count is looked at
between decoded chunks, so compressed bytes that inflate to nothing at all (empty deflate blocks
without end) never reach that check (urllib3 reads on until it has decoded bytes to return):
only the deadline bounds them, with memory flat (each wire chunk is dropped once inflated). At most
:data:`MAX_REDIRECTS` redirects are followed; a loop ends as a FetchError that says so (its cause
is requests' TooManyRedirects). A body cut short (fewer bytes than its Content-Length before the
connection closed) is a FetchError too, never a capture of the half that came.

Private addresses. The same connection subclass checks the address each socket actually connected
to (``getpeername``) against :mod:`article_etl.fetch.guard` right after the connect, before the TLS
handshake or any HTTP byte, and refuses loopback, private, link-local and other non-public
addresses outside ``fetch.allow_private_networks``. Checking the connected socket, not a DNS answer
looked up beforehand, leaves DNS rebinding nothing to slip through, and because every redirect
hop, retry, sitemap child and robots.txt opens its connections here, all of them are covered.
The settings reach the connection through the same thread-local as the deadline; a pooled
connection reused by a fetch with other settings is checked again. A connection opened outside
``fetch`` (a bare ``session.get`` on a session from :func:`make_session`) gets the defaults: no
private network allowed. The refusal, :class:`PrivateAddressError`, is neither an OSError nor a
urllib3 error, so it is never retried. A host whose first answer is refused is not tried at its
other addresses. Through an HTTP proxy the address checked is the proxy's (a proxy on a private
network needs that network allowed): the proxy then decides where the request goes, and must
enforce the same rule itself.

Secrets. The request uses the URL as given, userinfo and ``apikey=`` included, but every URL this
module hands back (``Capture.url``) or prints (every error message, urllib3's retry and debug log
lines) is redacted with ``fetch.secret_params`` (:mod:`article_etl.urls`). The errors of requests
and urllib3 quote the request target; they stay chained as the FetchError's cause (callers inspect
it) with their messages redacted in place, so a printed traceback is clean too.

Alternatives rejected: ``signal.alarm`` works only in the main thread; running the request in a
worker thread and abandoning it on timeout leaks the thread and its socket; clamping each read's
timeout to the time left would need hooks inside http.client and ssl. Not bounded: DNS lookups
(``getaddrinfo`` cannot be interrupted; the system resolver's own timeouts apply).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from typing import IO, Any, Self

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from article_etl.config import FetchSettings
from article_etl.fetch.guard import AddressPolicy, policy_for
from article_etl.fetch.warc import Capture
from article_etl.urls import redact_text, redact_url

# Small body reads, so the deadline is also checked while a body trickles in (the timer is what
# guarantees it; this only notices sooner).
_CHUNK = 8192
# Redirects followed for one URL (requests' default is 30). A news article is at most a few hops
# from its listed link (http -> https, a tracking hop, the canonical path); a longer chain is a
# loop or a trap and the page becomes a ``fetch_error`` naming it (TooManyRedirects).
MAX_REDIRECTS = 10


class FetchError(RuntimeError):
    """The site could not be reached at all (DNS, refused, timeout); the message names the URL."""


class TooLargeError(FetchError):
    """The body passed the configured size limit; the page is rejected as ``too_large``."""


class FetchTimeout(FetchError):
    """No complete answer within ``fetch.deadline_seconds`` (stalling, trickling, long waits)."""


class RedirectLoopError(FetchError):
    """More than ``MAX_REDIRECTS`` redirects: the site's redirects go round in circles. Typed, so
    callers (robots.txt handling) need not read the message."""


class PrivateAddressError(FetchError):
    """The URL, or a redirect hop on its way, connected to a loopback, private, link-local or
    reserved address that ``fetch.allow_private_networks`` does not list. Refused after the
    connect and before any byte was sent; never retried. The page is a ``private_address``
    reject; the message names the URL, the host and the address, and the remedy."""

    def __init__(self, host: str, address: str, reason: str, url: str = "") -> None:
        self.host = host
        self.address = address
        self.reason = reason
        self.url = url
        target = address if host.strip("[]") == address else f"{host} ({address})"
        where = f"{url}: " if url else ""
        super().__init__(
            f"{where}refused to connect to {target}, a {reason} address; "
            "add its network to fetch.allow_private_networks if this is intended"
        )

    def for_url(self, url: str) -> PrivateAddressError:
        """The same refusal, naming the URL whose fetch it ended."""
        return PrivateAddressError(self.host, self.address, self.reason, url)


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


_DEFAULTS = FetchSettings()


def _current_settings() -> FetchSettings:
    """The settings of the fetch running in this thread; the defaults outside a fetch."""
    settings: FetchSettings | None = getattr(_local, "settings", None)
    return settings if settings is not None else _DEFAULTS


def _current_policy() -> AddressPolicy:
    policy: AddressPolicy | None = getattr(_local, "policy", None)
    return policy if policy is not None else policy_for(_DEFAULTS.allow_private_networks)


@contextlib.contextmanager
def _settings_for(settings: FetchSettings, policy: AddressPolicy) -> Iterator[None]:
    previous = getattr(_local, "settings", None), getattr(_local, "policy", None)
    _local.settings, _local.policy = settings, policy
    try:
        yield
    finally:
        _local.settings, _local.policy = previous


def _check_peer(sock: socket.socket, host: str, policy: AddressPolicy) -> None:
    """Raise PrivateAddressError unless ``policy`` allows the address ``sock`` is connected to."""
    address = str(sock.getpeername()[0])  # an OSError here fails the connect, as a reset would
    reason = policy.refusal(address)
    if reason is not None:
        raise PrivateAddressError(host, address.split("%", 1)[0], reason)


class _RedactingFilter(logging.Filter):
    """Takes secrets out of urllib3's log lines, which quote the request target (its query)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler's own error report
            return True
        clean = redact_text(message, _current_settings().secret_params)
        if clean != message:
            record.msg, record.args = clean, None
        return True


_REDACTING_FILTER = _RedactingFilter()
for _name in ("urllib3.connectionpool", "urllib3.connection", "urllib3.poolmanager", "urllib3.util.retry"):
    logging.getLogger(_name).addFilter(_REDACTING_FILTER)  # addFilter skips one already there


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
    """A connection that refuses private addresses and puts its socket under the fetching
    thread's deadline."""

    _watched_by: _Deadline | None = None
    _checked_for: AddressPolicy | None = None

    def _new_conn(self) -> socket.socket:
        deadline = _current()
        if deadline is not None:
            deadline.check()
            left = deadline.remaining()
            if not isinstance(self.timeout, int | float) or self.timeout > left:
                self.timeout = left  # no socket to shut down while connecting
        sock = super()._new_conn()
        policy = _current_policy()
        try:
            _check_peer(sock, self.host, policy)
        except BaseException:
            sock.close()
            raise
        self._checked_for = policy
        if deadline is not None:
            deadline.watch(sock)
            self._watched_by = deadline
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        # Pooled connections outlive a fetch, so a reused one joins the current fetch's deadline
        # and is held to its address policy.
        deadline = _current()
        if deadline is not None:
            deadline.check()
            if self.sock is not None and self._watched_by is not deadline:
                deadline.watch(self.sock)
                self._watched_by = deadline
        policy = _current_policy()
        if self.sock is not None and self._checked_for != policy:
            _check_peer(self.sock, self.host, policy)
            self._checked_for = policy
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
    deadline ``fetch`` sets, and refuses private addresses (see the module docstring).

    Raises ConfigError for an entry of ``fetch.allow_private_networks`` that is not a network.
    """
    policy_for(settings.allow_private_networks)  # a bad CIDR fails here, before any request
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
    session.max_redirects = MAX_REDIRECTS
    session.headers["User-Agent"] = settings.user_agent
    session.headers["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    return session


def fetch(
    session: requests.Session,
    url: str,
    settings: FetchSettings,
    headers: Mapping[str, str] | None = None,
) -> Capture:
    """GET ``url`` and return the response as a Capture (any status, 304 included).

    ``headers`` are added to the session's for this request only (conditional GET's
    If-None-Match / If-Modified-Since).

    Raises FetchTimeout once ``settings.deadline_seconds`` pass, TooLargeError past
    ``max_bytes``, PrivateAddressError when the URL or a redirect leads to an address
    ``fetch.allow_private_networks`` does not allow (only on sessions from :func:`make_session`),
    and FetchError when the site cannot be reached. Sockets are cut at the deadline only on
    sessions from :func:`make_session`; on others it is checked between body chunks. The request
    uses ``url`` as given; ``Capture.url`` and every message carry it redacted.
    """
    return _request(session, url, settings, headers, _Limits.of(settings), None)


def download(
    session: requests.Session,
    url: str,
    settings: FetchSettings,
    out: IO[bytes],
    *,
    max_bytes: int,
    deadline_seconds: float,
    limits: str,
) -> Capture:
    """GET ``url`` as :func:`fetch` does (guard, retries, deadline, size cap), but stream a 2xx
    body into ``out`` instead of memory: for files far larger than a page (a WARC archive).

    ``max_bytes`` and ``deadline_seconds`` replace the fetch settings' for this one request;
    ``limits`` names the config that sets them, for the messages (``discovery.max_bytes``).
    The Capture returned has an empty body; a body that is not 2xx is not written.
    """
    return _request(session, url, settings, None, _Limits(max_bytes, deadline_seconds, limits), out)


class _Limits:
    """The size cap and deadline of one request, and the config fields that set them."""

    def __init__(self, max_bytes: int, deadline_seconds: float, fields: str) -> None:
        self.max_bytes = max_bytes
        self.deadline_seconds = deadline_seconds
        self.fields = fields  # "fetch": fetch.max_bytes / fetch.deadline_seconds

    @classmethod
    def of(cls, settings: FetchSettings) -> _Limits:
        return cls(settings.max_bytes, settings.deadline_seconds, "fetch")


def _request(
    session: requests.Session,
    url: str,
    settings: FetchSettings,
    headers: Mapping[str, str] | None,
    limits: _Limits,
    out: IO[bytes] | None,
) -> Capture:
    shown = redact_url(url, settings.secret_params)
    policy = policy_for(settings.allow_private_networks)  # ConfigError for a bad CIDR
    with _deadline_for(limits.deadline_seconds) as deadline, _settings_for(settings, policy):
        try:
            capture = _get(session, url, settings, deadline, shown, headers, limits, out)
        except PrivateAddressError as exc:
            raise exc.for_url(shown) from None
        except _DeadlineExceeded as exc:
            raise _timeout(shown, limits, exc.reason) from exc
        except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
            _scrub(exc, settings.secret_params)  # chained below, so printed with the traceback
            if deadline.expired:  # the error is the timer cutting the socket
                raise _timeout(shown, limits) from exc
            error = RedirectLoopError if isinstance(exc, requests.TooManyRedirects) else FetchError
            raise error(f"{shown}: {_describe(exc, settings)}") from exc
    if deadline.expired:  # a cut can also look like a complete answer (headers or body cut short)
        raise _timeout(shown, limits)
    return capture


def _get(
    session: requests.Session,
    url: str,
    settings: FetchSettings,
    deadline: _Deadline,
    shown: str,
    headers: Mapping[str, str] | None,
    limits: _Limits,
    out: IO[bytes] | None,
) -> Capture:
    with session.get(
        url,
        headers=dict(headers) if headers else None,
        timeout=settings.timeout_seconds,
        stream=True,
        allow_redirects=True,
    ) as resp:
        declared = resp.headers.get("Content-Length", "").strip()
        if declared.isdigit() and int(declared) > limits.max_bytes:  # refused before any body byte
            raise _too_large(shown, limits, f"Content-Length says {int(declared)} bytes")
        body = bytearray()
        size = 0
        streaming = out is not None and 200 <= resp.status_code < 300
        for chunk in resp.iter_content(chunk_size=_CHUNK):
            size += len(chunk)
            if streaming:
                assert out is not None
                out.write(chunk)
            else:
                body.extend(chunk)
            # Both sizes are capped: the decoded one (a gzip bomb stops here, at the cap; urllib3
            # inflates at most about a chunk per read) and the one on the wire (compressed bytes
            # that inflate to little must not stream in forever either).
            if size > limits.max_bytes:
                raise _too_large(shown, limits, "the decoded body passed it")
            if resp.raw.tell() > limits.max_bytes:
                raise _too_large(shown, limits, "the compressed body passed it")
            deadline.check()
        return Capture(
            url=redact_url(resp.url, settings.secret_params),
            status=resp.status_code,
            headers=[(k, v) for k, v in resp.raw.headers.items()],
            body=b"" if streaming else bytes(body),
        )


def _too_large(url: str, limits: _Limits, how: str) -> TooLargeError:
    what = "page" if limits.fields == "fetch" else "file"
    return TooLargeError(
        f"{url}: body is larger than {limits.fields}.max_bytes={limits.max_bytes} ({how}); "
        f"raise the limit in the sources file if the {what} is genuine"
    )


def _describe(exc: BaseException, settings: FetchSettings) -> str:
    """What went wrong, in words a person can act on (after the URL), with the library's own
    exception type and message (already redacted) kept in parentheses."""
    what = f"({type(exc).__name__}: {exc})"
    if isinstance(exc, requests.TooManyRedirects):
        last = exc.response.url if exc.response is not None else ""
        hop = f", the last to {redact_url(last, settings.secret_params)}" if last else ""
        return (
            f"redirect loop: more than {MAX_REDIRECTS} redirects{hop} {what}; "
            "the site's redirects go round in circles, fix or drop the URL"
        )
    if isinstance(exc, requests.exceptions.ChunkedEncodingError) and "IncompleteRead" in str(exc):
        return (
            f"body cut short: the connection closed before the announced length arrived {what}; "
            "nothing of the page was kept, retry later"
        )
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return f"the body does not decode as its Content-Encoding says {what}; nothing of the page was kept"
    return f"could not fetch {what}; is the site up?"


def _scrub(exc: BaseException, secret_params: list[str]) -> None:
    """Redact the messages of ``exc`` and of every exception behind it, in place.

    requests and urllib3 write the request target, query and all, into their messages
    (``Max retries exceeded with url: /feed?apikey=...``). The exception stays the cause of the
    FetchError (callers look at it: a redirect loop is told apart that way), so a traceback prints
    it; its text must be as clean as the FetchError's own.
    """
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        with contextlib.suppress(AttributeError, TypeError):  # an exotic exception type: leave it
            current.args = tuple(
                redact_text(a, secret_params) if isinstance(a, str) else a for a in current.args
            )
        todo.extend(a for a in current.args if isinstance(a, BaseException))
        reason = getattr(current, "reason", None)  # urllib3's MaxRetryError keeps its cause here
        todo.extend(
            e for e in (reason, current.__cause__, current.__context__) if isinstance(e, BaseException)
        )


def _timeout(url: str, limits: _Limits, reason: str = "") -> FetchTimeout:
    detail = f" ({reason})" if reason else ""
    return FetchTimeout(
        f"{url}: no complete answer within {limits.fields}.deadline_seconds={limits.deadline_seconds:g}{detail}; "
        "the site is slow or stalling; raise the deadline in the sources file if it is genuinely slow"
    )
