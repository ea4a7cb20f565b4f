"""The private-address guard: classification as a unit, refusals against real loopback servers.

Network rule for these tests: connections go to 127.0.0.0/8 and ::1 only. Every other address
(10.x, 169.254.169.254, 192.168.x, IPv4-mapped IPv6, public ones) is only classified, never
connected to.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from article_etl.config import ConfigError, FetchSettings, Source
from article_etl.fetch import FetchError, PrivateAddressError, discover, fetch, make_session
from article_etl.fetch.guard import classify, policy_for

pytestmark = pytest.mark.timeout(30)

LOOPBACK_ALLOWED = FetchSettings(timeout_seconds=5, retries=2, allow_private_networks=["127.0.0.1/32"])
OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"


# --- classification (no connections) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.0.0.1", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # the cloud metadata service
        ("100.64.0.1", "shared (carrier-grade NAT)"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("127.0.0.1", "loopback"),
        ("127.0.0.2", "loopback"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "link-local"),  # as getpeername reports a zone
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("fec0::1", "site-local"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped: judged as the IPv4 address
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "link-local"),
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("2002:a00:1::", "private"),  # 6to4 of 10.0.0.1
    ],
)
def test_non_public_addresses_are_refused(address: str, reason: str) -> None:
    assert classify(address) == reason
    assert policy_for([]).refusal(address) == reason


@pytest.mark.parametrize(
    "address", ["240.0.0.1", "255.255.255.255", "192.0.2.1", "198.18.0.1", "2001:db8::1", "::a00:1"]
)
def test_reserved_and_special_purpose_addresses_are_refused(address: str) -> None:
    assert classify(address) is not None


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert classify(address) is None
    assert policy_for([]).refusal(address) is None


def test_the_allow_list_lets_its_networks_through_and_nothing_else() -> None:
    policy = policy_for(["127.0.0.1/32", "10.0.0.0/8", "fd00::/8", "::1"])
    assert policy.refusal("127.0.0.1") is None
    assert policy.refusal("::ffff:127.0.0.1") is None  # the same host through a dual-stack socket
    assert policy.refusal("127.0.0.2") == "loopback"
    assert policy.refusal("10.20.30.40") is None
    assert policy.refusal("::ffff:10.0.0.1") is None
    assert policy.refusal("192.168.1.1") == "private"
    assert policy.refusal("fd12::1") is None
    assert policy.refusal("fc00::1") == "private"
    assert policy.refusal("::1") is None
    assert policy.refusal("169.254.169.254") == "link-local"
    # host bits are forgiven; parsed once per list
    assert policy_for(["127.0.0.1/8"]).refusal("127.9.9.9") is None
    assert policy_for(["127.0.0.1/32"]) is policy_for(["127.0.0.1/32"])


@pytest.mark.parametrize("bad", ["10.0.0.0/33", "localhost", "", "10.0.0.0/8,192.168.0.0/16"])
def test_a_bad_network_is_a_one_line_config_error(bad: str) -> None:
    with pytest.raises(ConfigError) as caught:
        policy_for(["127.0.0.1/32", bad])
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"fetch.allow_private_networks: {bad!r} is not a network")
    assert "127.0.0.1/32" in message  # the remedy shows the form
    with pytest.raises(ConfigError):  # a session fails before any request
        make_session(FetchSettings(allow_private_networks=[bad]))


def test_a_host_name_is_not_an_address() -> None:
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6 address"):
        classify("example.com")


# --- against real loopback servers ------------------------------------------------------------------


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True


@dataclass
class Recorder:
    """A server on one loopback address; ``received`` holds what each connection sent."""

    url: str
    received: list[bytes] = field(default_factory=list)

    def connections(self, at_least: int = 1, timeout: float = 5.0) -> list[bytes]:
        """What the connections sent, once at least ``at_least`` of them have been handled."""
        end = time.monotonic() + timeout
        while len(self.received) < at_least and time.monotonic() < end:
            time.sleep(0.02)
        time.sleep(0.2)  # a retry, if one were (wrongly) made, would show by now
        return list(self.received)


@pytest.fixture
def recorder() -> Iterator[Callable[[str], Recorder]]:
    servers: list[_Server] = []

    def start(host: str) -> Recorder:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET

        class Server(_Server):
            address_family = family

        received: list[bytes] = []

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                sock = self.request
                sock.settimeout(5)
                data = b""
                with contextlib.suppress(OSError):
                    while b"\r\n\r\n" not in data:
                        chunk = sock.recv(4096)
                        if not chunk:
                            break
                        data += chunk
                    if data:
                        sock.sendall(OK)
                received.append(data)

        try:
            server = Server((host, 0), Handler)
        except OSError as exc:
            pytest.skip(f"this machine cannot listen on {host} ({exc})")
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        netloc = f"[{host}]" if ":" in host else host
        return Recorder(f"http://{netloc}:{server.server_address[1]}", received)

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _refused(url: str, settings: FetchSettings = LOOPBACK_ALLOWED) -> PrivateAddressError:
    with pytest.raises(PrivateAddressError) as caught:
        fetch(make_session(settings), url, settings)
    return caught.value


def test_a_server_on_another_loopback_address_is_refused_before_any_byte(
    recorder: Callable[[str], Recorder],
) -> None:
    target = recorder("127.0.0.2")
    error = _refused(target.url + "/admin")
    assert str(error) == (
        f"{target.url}/admin: refused to connect to 127.0.0.2, a loopback address; "
        "add its network to fetch.allow_private_networks if this is intended"
    )
    assert (error.host, error.address, error.reason) == ("127.0.0.2", "127.0.0.2", "loopback")
    assert isinstance(error, FetchError)
    assert target.connections() == [b""]  # one connection (never retried), nothing sent on it


def test_loopback_is_refused_by_default(recorder: Callable[[str], Recorder]) -> None:
    target = recorder("127.0.0.1")
    _refused(target.url + "/", FetchSettings(timeout_seconds=5, retries=0))
    assert target.connections() == [b""]


def test_a_host_name_is_judged_by_the_address_it_connected_to(recorder: Callable[[str], Recorder]) -> None:
    # localhost resolves to 127.0.0.1 and/or ::1; whichever answers, it is loopback.
    target = recorder("127.0.0.1")
    url = target.url.replace("127.0.0.1", "localhost") + "/"
    error = _refused(url, FetchSettings(timeout_seconds=5, retries=0))
    assert f"refused to connect to localhost ({error.address}), a loopback address" in str(error)
    assert error.address in {"127.0.0.1", "::1"}


def test_ipv6_loopback_is_refused_and_can_be_allowed(recorder: Callable[[str], Recorder]) -> None:
    target = recorder("::1")
    error = _refused(target.url + "/")
    assert "refused to connect to ::1, a loopback address" in str(error)
    assert target.connections() == [b""]
    allowed = LOOPBACK_ALLOWED.model_copy(update={"allow_private_networks": ["::1/128"]})
    capture = fetch(make_session(allowed), target.url + "/", allowed)
    assert (capture.status, capture.body) == (200, b"ok")


def test_a_redirect_to_a_refused_address_stops_at_the_hop(
    recorder: Callable[[str], Recorder], http_server: Any
) -> None:
    target = recorder("127.0.0.2")
    base = http_server({"/start?apikey=s3cret": (302, [("Location", target.url + "/internal?token=t")], b"")})
    error = _refused(base + "/start?apikey=s3cret")
    assert str(error).startswith(f"{base}/start: refused to connect to 127.0.0.2, a loopback address")
    assert "s3cret" not in str(error)
    assert target.connections() == [b""]  # the hop's server received no request


def test_a_refused_child_sitemap_is_a_private_address_problem(
    recorder: Callable[[str], Recorder], http_server: Any
) -> None:
    target = recorder("127.0.0.2")
    index = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{target.url}/news.xml?sig=abc</loc></sitemap></sitemapindex>"
    ).encode()
    base = http_server({"/sitemap.xml": (200, [("Content-Type", "application/xml")], index)})
    source = Source.model_validate(
        {"id": "s", "name": "S", "discovery": {"kind": "sitemap", "url": base + "/sitemap.xml"}}
    )
    listing = discover(
        source,
        datetime(2026, 11, 18, tzinfo=UTC),
        datetime(2026, 11, 19, tzinfo=UTC),
        make_session(LOOPBACK_ALLOWED),
        LOOPBACK_ALLOWED,
    )
    assert listing.found == []
    assert [(p.ref, p.code) for p in listing.problems] == [(f"{target.url}/news.xml", "private_address")]
    assert "refused to connect to 127.0.0.2" in listing.problems[0].detail
    assert "sig=" not in listing.problems[0].detail
    assert target.connections() == [b""]
