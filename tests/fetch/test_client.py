"""The fetch deadline against real misbehaving servers on loopback.

Each test measures the fetch with time.monotonic; the upper bounds are correctness bounds (the
deadline plus generous slack), not benchmarks.
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from article_etl.config import FetchSettings
from article_etl.fetch import Capture, FetchTimeout, TooLargeError, fetch, make_session

pytestmark = pytest.mark.timeout(30)

DEADLINE = 2.0
SLACK = 1.5
# The per-operation timeout is far longer than the deadline, so only the deadline can end a stall.
# The servers run on loopback, which the private-address guard refuses unless it is allowed.
SETTINGS = FetchSettings(
    timeout_seconds=30,
    deadline_seconds=DEADLINE,
    retries=2,
    max_retry_after_seconds=0.5,
    max_bytes=10_000,
    allow_private_networks=["127.0.0.1/32"],
)

# handle(sock, request_line, n): answer the n-th request (from 0) on an accepted socket.
Handler = Callable[[socket.socket, str, int], None]


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True


def _read_request(sock: socket.socket) -> str:
    """Read one request's head; return its request line."""
    sock.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n", 1)[0].decode("latin-1")


@pytest.fixture
def raw_server() -> Iterator[Callable[[Handler], str]]:
    """A TCP server on 127.0.0.1 whose handler writes whatever bytes (and pauses) a test wants."""
    servers: list[_Server] = []

    def start(handle: Handler) -> str:
        counter = itertools.count()

        class Request(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                with contextlib.suppress(OSError):  # the client cut the connection: done
                    handle(self.request, _read_request(self.request), next(counter))

        server = _Server(("127.0.0.1", 0), Request)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _trickle(sock: socket.socket, data: bytes, every: float = 0.5) -> None:
    for byte in data:
        sock.sendall(bytes([byte]))
        time.sleep(every)


def _timed(url: str, settings: FetchSettings = SETTINGS) -> tuple[Capture | Exception, float]:
    start = time.monotonic()
    try:
        result: Capture | Exception = fetch(make_session(settings), url, settings)
    except Exception as exc:
        result = exc
    return result, time.monotonic() - start


def _assert_timed_out(
    result: Capture | Exception, elapsed: float, url: str, deadline: float = DEADLINE
) -> None:
    assert isinstance(result, FetchTimeout), result
    assert str(result).startswith(f"{url}: no complete answer within fetch.deadline_seconds={deadline:g}")
    assert "raise the deadline in the sources file" in str(result)
    assert deadline - 0.2 <= elapsed <= deadline + SLACK


def test_trickled_headers_time_out(raw_server: Callable[[Handler], str]) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: " + b"a" * 100 + b"\r\n\r\n"
    url = raw_server(lambda sock, _line, _n: _trickle(sock, head)) + "/p"
    result, elapsed = _timed(url)
    _assert_timed_out(result, elapsed, url)


@pytest.mark.parametrize(
    "framing",
    [b"Content-Length: 1000\r\n", b"Connection: close\r\n"],
    ids=["content-length", "until-close"],
)
def test_trickled_body_times_out(raw_server: Callable[[Handler], str], framing: bytes) -> None:
    # Read-until-close matters most: a cut body there ends like a complete one.
    def handle(sock: socket.socket, _line: str, _n: int) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + framing + b"\r\n<html>")
        _trickle(sock, b"x" * 1000)

    url = raw_server(handle) + "/p"
    result, elapsed = _timed(url)
    _assert_timed_out(result, elapsed, url)


def _silent(sock: socket.socket, _line: str, _n: int) -> None:
    sock.settimeout(15)
    sock.recv(1)  # until the client goes away


def test_silent_server_times_out_before_the_socket_timeout(raw_server: Callable[[Handler], str]) -> None:
    url = raw_server(_silent) + "/p"
    result, elapsed = _timed(url)
    _assert_timed_out(result, elapsed, url)


def test_silent_tls_handshake_times_out(raw_server: Callable[[Handler], str]) -> None:
    # The server never answers the ClientHello. ssl detaches the socket object urllib3 created, so
    # this needs the deadline's own duplicate of the descriptor; no certificate is ever reached.
    url = raw_server(_silent).replace("http://", "https://") + "/p"
    result, elapsed = _timed(url)
    _assert_timed_out(result, elapsed, url)


def test_slow_redirect_chain_times_out(raw_server: Callable[[Handler], str]) -> None:
    # Each hop is quick enough on its own; the chain (up to requests' 30 hops) is not.
    def handle(sock: socket.socket, line: str, n: int) -> None:
        time.sleep(0.4)
        sock.sendall(f"HTTP/1.1 302 Found\r\nLocation: /hop{n + 1}\r\nContent-Length: 0\r\n\r\n".encode())

    url = raw_server(handle) + "/hop0"
    result, elapsed = _timed(url)
    _assert_timed_out(result, elapsed, url)


def _unavailable_then_ok(retry_after: bytes) -> Handler:
    def handle(sock: socket.socket, _line: str, n: int) -> None:
        if n == 0:
            sock.sendall(
                b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: "
                + retry_after
                + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
        else:
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

    return handle


def test_retry_after_is_capped(raw_server: Callable[[Handler], str]) -> None:
    url = raw_server(_unavailable_then_ok(b"40")) + "/p"
    result, elapsed = _timed(url)
    assert isinstance(result, Capture), result
    assert (result.status, result.body) == (200, b"ok")
    assert 0.4 <= elapsed <= 0.5 + SLACK


def test_retry_after_past_the_deadline_gives_up_at_once(raw_server: Callable[[Handler], str]) -> None:
    # Capped at 10 s, the wait still ends past the 2 s deadline: no point sleeping into it.
    url = raw_server(_unavailable_then_ok(b"40")) + "/p"
    settings = SETTINGS.model_copy(update={"max_retry_after_seconds": 10.0})
    result, elapsed = _timed(url, settings)
    assert isinstance(result, FetchTimeout), result
    assert "waiting out Retry-After for 10s would pass it" in str(result)
    assert elapsed <= 1.0


def test_backoff_never_sleeps_past_the_deadline(raw_server: Callable[[Handler], str]) -> None:
    # Backoff 0 s, 1 s, 2 s, 4 s, ... for ten retries would take minutes; the deadline stops it.
    def handle(sock: socket.socket, _line: str, _n: int) -> None:
        sock.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    url = raw_server(handle) + "/p"
    result, elapsed = _timed(url, SETTINGS.model_copy(update={"retries": 10}))
    assert isinstance(result, FetchTimeout), result
    assert "backing off for 2s would pass it" in str(result)
    assert elapsed <= DEADLINE + SLACK


def test_normal_page_and_size_limit(http_server: Any) -> None:
    base = http_server(
        {
            "/p": (200, [("Content-Type", "text/html")], b"<html>ok</html>"),
            "/big": (200, [("Content-Type", "text/html")], b"x" * 20_000),
        }
    )
    result, elapsed = _timed(base + "/p")
    assert isinstance(result, Capture), result
    assert (result.url, result.status, result.body) == (base + "/p", 200, b"<html>ok</html>")
    assert result.header("content-type") == "text/html"
    assert elapsed <= SLACK
    result, elapsed = _timed(base + "/big")
    assert isinstance(result, TooLargeError), result
    assert elapsed <= SLACK


def test_a_stalled_fetch_leaves_others_alone(raw_server: Callable[[Handler], str], http_server: Any) -> None:
    # One session, two threads: the stalled fetch's deadline cuts only its own socket, and the
    # session works again afterwards.
    slow = raw_server(_silent) + "/p"
    base = http_server({"/p": (200, [("Content-Type", "text/html")], b"<html>ok</html>")})
    settings = SETTINGS.model_copy(update={"deadline_seconds": 1.0})
    session = make_session(settings)
    outcome: list[Capture | Exception] = []

    def stall() -> None:
        try:
            outcome.append(fetch(session, slow, settings))
        except Exception as exc:
            outcome.append(exc)

    start = time.monotonic()
    stalled = threading.Thread(target=stall)
    stalled.start()
    time.sleep(0.2)
    assert fetch(session, base + "/p", settings).status == 200
    stalled.join(timeout=5)
    assert isinstance(outcome[0], FetchTimeout), outcome
    assert time.monotonic() - start <= 1.0 + SLACK
    assert fetch(session, base + "/p", settings).body == b"<html>ok</html>"
