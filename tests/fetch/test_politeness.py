"""Politeness against real HTTP servers on loopback: robots.txt rules, answers, caching and pace."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from article_etl.config import FetchSettings
from article_etl.errors import TransientError
from article_etl.fetch.client import fetch, make_session
from article_etl.fetch.politeness import (
    MAX_CRAWL_DELAY_SECONDS,
    Politeness,
    RobotsDisallowed,
    RobotsUnavailable,
)

UA = "NewsBot/2.1 (+https://example.org/bot)"
# The test reads the clock just after slot() claimed its start, so two readings can be a hair
# closer than the claims they follow.
JITTER = 0.01


@dataclass
class Route:
    status: int = 200
    body: bytes = b"<html><body>ok</body></html>"
    headers: list[tuple[str, str]] = field(default_factory=list)
    sleep: float = 0.0


@dataclass
class Server:
    """A loopback server that counts requests per path and the most it had in flight at once."""

    base: str
    hits: Counter[str] = field(default_factory=Counter)
    max_in_flight: int = 0
    in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    servers: list[ThreadingHTTPServer] = []

    def start(routes: dict[str, Route], host: str = "127.0.0.1") -> Server:
        state = Server(base="")

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with state.lock:
                    state.hits[self.path] += 1
                    state.in_flight += 1
                    state.max_in_flight = max(state.max_in_flight, state.in_flight)
                try:
                    route = routes.get(self.path, Route(404, b"not found"))
                    time.sleep(route.sleep)
                    self.send_response(route.status)
                    for key, value in route.headers:
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    self.wfile.write(route.body)
                finally:
                    with state.lock:
                        state.in_flight -= 1

            def log_message(self, *args: object) -> None:
                pass

        class Quiet(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that gave up (timeout tests) is not an error here

        server = Quiet((host, 0), Handler)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        state.base = f"http://{host}:{server.server_address[1]}"
        return state

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def settings(**kw: object) -> FetchSettings:
    base: dict[str, object] = {
        "user_agent": UA,
        "allow_private_networks": ["127.0.0.0/8"],
        "per_host_delay_seconds": 0.0,
        "retries": 0,
        "timeout_seconds": 2.0,
        "deadline_seconds": 3.0,
    }
    base.update(kw)
    return FetchSettings.model_validate(base)


def polite(**kw: object) -> tuple[Politeness, FetchSettings]:
    s = settings(**kw)
    return Politeness(make_session(s), s), s


def robots(text: str, status: int = 200) -> dict[str, Route]:
    return {"/robots.txt": Route(status, text.encode(), [("Content-Type", "text/plain")])}


def test_disallow_all_refuses_every_url_and_never_requests_the_page(serve: Callable[..., Server]) -> None:
    srv = serve({**robots("User-agent: *\nDisallow: /\n"), "/a": Route(), "/b?x=1": Route()})
    p, _ = polite()
    for path in ("/a", "/b?x=1", "/"):
        with pytest.raises(RobotsDisallowed, match=r"robots\.txt disallows it") as info:
            p.check(srv.base + path)
        assert info.value.url == srv.base + path
        assert info.value.code == "robots_disallowed"
        assert "\n" not in str(info.value)
    assert srv.hits == Counter({"/robots.txt": 1})


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/news/public/story", True),  # Allow: /news/public/ is longer than Disallow: /news/
        ("/news/secret", False),
        ("/news/public", False),  # Allow: /news/public/ does not match it; Disallow: /news/public does
        ("/other", True),
        ("/search?q=x", False),
        ("/page.pdf", False),
        ("/page.pdf?v=1", True),  # $ anchors the end
    ],
)
def test_allow_and_disallow_longest_match(serve: Callable[..., Server], path: str, allowed: bool) -> None:
    text = (
        "User-agent: *\nDisallow: /news/\nAllow: /news/public/\nDisallow: /news/public\n"
        "Disallow: /search\nDisallow: /*.pdf$\n"
    )
    srv = serve(robots(text))
    p, _ = polite()
    if allowed:
        p.check(srv.base + path)
    else:
        with pytest.raises(RobotsDisallowed):
            p.check(srv.base + path)


def test_group_for_our_product_token_wins_even_after_a_bom(serve: Callable[..., Server]) -> None:
    text = "\ufeffUser-agent: NewsBot\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n"
    srv = serve(robots(text))
    p, _ = polite()
    p.check(srv.base + "/story")  # our group, not the * group
    with pytest.raises(RobotsDisallowed):
        p.check(srv.base + "/private/x")


@pytest.mark.parametrize("status", [404, 403, 410])
def test_robots_4xx_means_everything_allowed(serve: Callable[..., Server], status: int) -> None:
    srv = serve(robots("User-agent: *\nDisallow: /\n", status=status))
    p, _ = polite()
    p.check(srv.base + "/anything")
    p.check(srv.base + "/else")
    assert srv.hits["/robots.txt"] == 1


def test_redirected_robots_is_followed(serve: Callable[..., Server]) -> None:
    routes = {
        "/robots.txt": Route(301, b"", [("Location", "/real-robots.txt")]),
        "/real-robots.txt": Route(200, b"User-agent: *\nDisallow: /x\n"),
    }
    srv = serve(routes)
    p, _ = polite()
    p.check(srv.base + "/y")
    with pytest.raises(RobotsDisallowed):
        p.check(srv.base + "/x")


def test_robots_redirect_loop_means_no_robots(serve: Callable[..., Server]) -> None:
    srv = serve({"/robots.txt": Route(302, b"", [("Location", "/robots.txt")])})
    p, _ = polite()
    p.check(srv.base + "/page")


@pytest.mark.parametrize("status", [503, 500, 429])
def test_robots_5xx_or_429_means_wait(serve: Callable[..., Server], status: int) -> None:
    srv = serve({**robots("", status=status), "/page": Route()})
    p, _ = polite()
    for path in ("/page", "/other"):
        with pytest.raises(RobotsUnavailable, match=rf"HTTP {status}.*retry later") as info:
            p.check(srv.base + path)
        assert isinstance(info.value, TransientError)
        assert info.value.url == srv.base + path
    assert srv.hits == Counter({"/robots.txt": 1})  # the answer is kept for the run


def test_robots_unreachable_or_timing_out_means_wait(serve: Callable[..., Server]) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    p, _ = polite(deadline_seconds=0.5, timeout_seconds=0.5)
    with pytest.raises(RobotsUnavailable, match="could not be fetched"):
        p.check(f"http://127.0.0.1:{port}/page")
    srv = serve({"/robots.txt": Route(200, b"User-agent: *\nDisallow:\n", sleep=1.5)})
    with pytest.raises(RobotsUnavailable, match="did not answer in time"):
        p.check(srv.base + "/page")


def test_robots_on_a_refused_address_is_the_address_guards_error(serve: Callable[..., Server]) -> None:
    from article_etl.fetch import client

    if not hasattr(client, "PrivateAddressError"):
        pytest.skip("the client has no private-address guard yet")
    srv = serve(robots("User-agent: *\nDisallow:\n"))
    s = settings(allow_private_networks=[])
    p = Politeness(make_session(s), s)
    with pytest.raises(client.PrivateAddressError):  # a private_address reject, not a transient one
        p.check(srv.base + "/page")
    assert srv.hits == Counter()


def test_robots_fetched_once_for_many_urls_and_threads(serve: Callable[..., Server]) -> None:
    srv = serve({"/robots.txt": Route(200, b"User-agent: *\nDisallow: /no/\n", sleep=0.3)})
    p, _ = polite()
    urls = [f"{srv.base}/{'no' if i % 2 else 'yes'}/{i}" for i in range(200)]

    def verdict(url: str) -> bool:
        try:
            p.check(url)
        except RobotsDisallowed:
            return False
        return True

    with ThreadPoolExecutor(max_workers=16) as pool:
        verdicts = list(pool.map(verdict, urls))
    assert verdicts == [i % 2 == 0 for i in range(200)]
    assert srv.hits == Counter({"/robots.txt": 1})


def test_crawl_delay_spaces_request_starts(serve: Callable[..., Server]) -> None:
    srv = serve({**robots("User-agent: *\nCrawl-delay: 0.3\n"), "/p": Route()})
    p, s = polite()
    session = make_session(s)
    starts: list[float] = []
    began = time.monotonic()
    p.check(srv.base + "/p")  # fetches robots.txt through a slot
    assert p.delay(srv.base + "/p") == pytest.approx(0.3)
    for _ in range(3):
        with p.slot(srv.base + "/p"):
            starts.append(time.monotonic())
            assert fetch(session, srv.base + "/p", s).status == 200
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(gap >= 0.3 - JITTER for gap in gaps), gaps
    assert starts[0] - began >= 0.3 - JITTER  # the robots.txt request counted against the host
    assert srv.hits["/p"] == 3


@pytest.mark.parametrize(
    ("text", "config_delay", "expected"),
    [
        ("User-agent: *\nCrawl-delay: 100000\n", 0.0, MAX_CRAWL_DELAY_SECONDS),
        ("User-agent: *\nCrawl-delay: 0.1\n", 0.5, 0.5),  # the config wins when longer
        ("User-agent: *\nRequest-rate: 1/4s\n", 1.0, 4.0),
        ("User-agent: *\nDisallow: /x\n", 0.7, 0.7),
    ],
)
def test_delay_is_the_longest_of_config_and_robots_capped(
    serve: Callable[..., Server], text: str, config_delay: float, expected: float
) -> None:
    srv = serve(robots(text))
    p, _ = polite(per_host_delay_seconds=config_delay)
    p.check(srv.base + "/a")
    assert p.delay(srv.base + "/a") == pytest.approx(expected)
    assert 1.0 <= MAX_CRAWL_DELAY_SECONDS <= 60.0


def test_per_host_concurrency_limits_requests_in_flight(serve: Callable[..., Server]) -> None:
    srv = serve({**robots(""), "/slow": Route(sleep=0.3)})
    p, s = polite(per_host_concurrency=2)
    session = make_session(s)
    p.check(srv.base + "/slow")

    def get(_: int) -> int:
        with p.slot(srv.base + "/slow"):
            return fetch(session, srv.base + "/slow", s).status

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(get, range(6))) == [200] * 6
    assert srv.max_in_flight == 2  # two at once, never three


def test_two_hosts_do_not_wait_for_each_other(serve: Callable[..., Server]) -> None:
    a = serve({**robots(""), "/p": Route()}, host="127.0.0.1")
    b = serve({**robots(""), "/p": Route()}, host="127.0.0.2")
    p, s = polite(per_host_delay_seconds=0.3, per_host_concurrency=1)
    session = make_session(s)
    starts: dict[str, list[float]] = {a.base: [], b.base: []}

    def crawl(base: str) -> None:
        p.check(base + "/p")
        for _ in range(3):
            with p.slot(base + "/p"):
                starts[base].append(time.monotonic())
                fetch(session, base + "/p", s)

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(crawl, [a.base, b.base]))
    elapsed = time.monotonic() - began
    for times in starts.values():
        assert all(y - x >= 0.3 - JITTER for x, y in itertools.pairwise(times)), times
    # Per host: robots + 3 pages = 3 gaps of 0.3 s. Serialised across hosts it would be 7 gaps.
    assert elapsed < 1.6, elapsed
    assert a.hits["/p"] == b.hits["/p"] == 3


def test_a_slow_robots_does_not_hold_up_another_host(serve: Callable[..., Server]) -> None:
    slow = serve({"/robots.txt": Route(200, b"", sleep=1.0)}, host="127.0.0.1")
    fast = serve(robots(""), host="127.0.0.2")
    p, _ = polite()
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(p.check, slow.base + "/p")
        time.sleep(0.1)  # the slow host's robots fetch is under way
        began = time.monotonic()
        p.check(fast.base + "/p")
        assert time.monotonic() - began < 0.5
        pending.result()


def test_check_inside_a_slot_of_the_same_host_is_refused(serve: Callable[..., Server]) -> None:
    srv = serve(robots(""))
    p, _ = polite(per_host_concurrency=1)
    with p.slot(srv.base + "/p"), pytest.raises(RuntimeError, match="call check"):
        p.check(srv.base + "/p")
    p.check(srv.base + "/p")  # outside the slot it works, and nothing is left held


def test_not_an_http_url() -> None:
    p, _ = polite()
    with pytest.raises(ValueError, match="not an http"):
        p.check("ftp://example.org/x")
