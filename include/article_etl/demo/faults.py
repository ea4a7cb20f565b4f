"""A fault-injecting news site on loopback: one route per way a real site misbehaves.

The demo site (``site.py``) is a well-behaved site with awkward content; this one is a badly
behaved server. Each route of :data:`PAGE_FAULTS` is one failure mode (a stall, a trickle, a
500 then a 200, a 429 with a long Retry-After, a body cut short, a redirect loop, 300 MB, a gzip
bomb, a PDF, an empty body, UTF-16 without a BOM) and names what the pipeline must make of it,
so the fault tests (``tests/stages/test_faults.py``), ``make bench`` and the demo hold the
pipeline to one table. The listings misbehave too: ``/feeds/malformed.xml`` does not parse,
``/feeds/big.xml`` lists :attr:`FaultSettings.feed_items` articles, and ``/robots.txt`` allows
everything, disallows everything or answers 503 (:attr:`FaultSettings.robots`).

``/feed.xml`` lists every page fault; ``/feed.xml?link=/a.html&link=http://127.0.0.2:8001/b.html``
lists just the links given (paths are made absolute on the host the client used). Together with
``/redirect?to=<url>`` (a 302 to a loopback URL, nothing else) and a second server started on
127.0.0.2 or ::1, that covers private addresses and a redirect to one.

Nothing large is ever held in memory: the 300 MB bodies are written from one 64 KiB buffer and the
gzip bomb (1 GiB of zeros in about 1 MB) is built from one repeated deflate segment
(:func:`gzip_bomb`). Every wait (the stall, the trickle) ends when the server is shut down, so
tests never wait on the server's threads.

The server is ``http.server``'s, answering HTTP/1.0 (one request per connection), and it only
ever binds loopback addresses.
"""

from __future__ import annotations

import collections
import contextlib
import ipaddress
import re
import socket
import struct
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal
from urllib.parse import parse_qs, urljoin, urlsplit
from xml.sax.saxutils import escape

from article_etl import codes
from article_etl.demo.catalog import DEMO_DAY

LOADED = "loaded"
"""The outcome of a fault the pipeline must ride out: the page is fetched and published."""

_SAFE_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")
_FILLER = (b"<p>" + b"filler " * 9360 + b"</p>\n")[:65536]  # 64 KiB, reused for every huge body
_MIB = 1 << 20

Robots = Literal["allow", "disallow", "unavailable"]


@dataclass(frozen=True)
class Fault:
    """One route of the fault site: what it does and what the pipeline must make of it."""

    path: str
    what: str
    outcome: str  # a reject code (``article_etl.codes``) or LOADED


PAGE_FAULTS: tuple[Fault, ...] = (
    Fault("/ok.html", "a well-behaved article (the control)", LOADED),
    Fault("/slow.html", "says nothing for slow_seconds (longer than the deadline)", codes.FETCH_TIMEOUT),
    Fault("/trickle.html", "sends its body one byte every trickle_every seconds", codes.FETCH_TIMEOUT),
    Fault("/flaky.html", "answers 500 the first time, 200 after", LOADED),
    Fault(
        "/throttled.html",
        "answers 429 with Retry-After: retry_after the first time, 200 after "
        "(loaded when fetch.max_retry_after_seconds is shorter than the deadline, else fetch_timeout)",
        LOADED,
    ),
    Fault("/truncated.html", "announces a Content-Length, sends half of it and closes", codes.FETCH_ERROR),
    Fault("/loop/a.html", "redirects to /loop/b.html, which redirects back, forever", codes.FETCH_ERROR),
    Fault("/huge.html", "a huge_bytes body (300 MB) with its Content-Length", codes.TOO_LARGE),
    Fault("/huge-stream.html", "a huge_bytes body without a Content-Length, until close", codes.TOO_LARGE),
    Fault("/bomb.html", "Content-Encoding: gzip, ~1 MB that inflates to bomb_bytes (1 GiB)", codes.TOO_LARGE),
    Fault("/report.pdf", "a PDF, served as application/pdf", codes.CONTENT_TYPE),
    Fault(
        "/empty.html",
        "200 text/html with an empty body (a glitch: transient, removes nothing)",
        codes.MISSING_BODY,
    ),
    Fault("/utf16.html", "a Chinese article in UTF-16LE with no BOM and no charset", LOADED),
    Fault("/utf16be.html", "the same article in UTF-16BE with no BOM and no charset", LOADED),
)

UTF16_TITLE = "西江新闻：朱镕基在西江"
UTF16_TEXT = "朱镕基在西江考察，听取了当地关于防汛工作的汇报。"


@dataclass
class FaultSettings:
    """How hard each fault hits; change them before (or while) the site runs."""

    slow_seconds: float = 120.0
    trickle_every: float = 1.0
    trickle_bytes: int = 4096
    retry_after: int = 40
    huge_bytes: int = 300_000_000
    bomb_bytes: int = 1 << 30  # a whole number of MiB
    feed_items: int = 5000
    robots: Robots = "allow"
    day: date = DEMO_DAY  # the listed date of every feed entry (09:00 UTC)


@dataclass
class FaultSite:
    """A running fault site: its base URL (no trailing slash) and what it was asked for."""

    url: str
    settings: FaultSettings
    hits: collections.Counter[str] = field(default_factory=collections.Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def requested(self, path: str) -> int:
        """How many requests for ``path`` (query ignored) the site has received."""
        with self._lock:
            return self.hits[path]

    def _hit(self, path: str) -> int:
        with self._lock:
            self.hits[path] += 1
            return self.hits[path]


def article_html(title: str, text: str) -> str:
    """A small, complete article page (what ``/ok.html`` and ``/articles/<n>.html`` serve)."""
    paras = "".join(f"<p>{n}. {escape(text)} ({escape(title)}, {n}/6)</p>" for n in range(1, 7))
    return (
        "<!DOCTYPE html><html><head>"
        f"<title>{escape(title)}</title>"
        '<meta property="article:published_time" content="2026-11-18T09:00:00+00:00">'
        f"</head><body><article><h1>{escape(title)}</h1>{paras}</article></body></html>"
    )


def gzip_bomb(size: int = 1 << 30) -> bytes:
    """A valid gzip member that inflates to ``size`` zero bytes (a whole number of MiB).

    Built without compressing ``size`` bytes: after a full flush, deflate forgets its history,
    so every further MiB of zeros compresses to the same segment, which is repeated. About
    1 MB for 1 GiB; cached, so call it once before measuring memory.
    """
    if size <= 0 or size % _MIB:
        raise ValueError(f"gzip_bomb size must be a positive whole number of MiB, not {size}")
    return _bomb(size)


@lru_cache(maxsize=4)
def _bomb(size: int) -> bytes:  # one cache key per size, however the size was passed
    block = bytes(_MIB)
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    first = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    segment = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    header = first[: len(first) - len(segment)]  # the gzip header; the rest equals ``segment``
    crc = 0
    for _ in range(size // _MIB):
        crc = zlib.crc32(block, crc)
    final = b"\x03\x00"  # an empty final fixed-Huffman block
    return header + segment * (size // _MIB) + final + struct.pack("<II", crc, size & 0xFFFFFFFF)


def _rss(base: str, links: list[str], day: date) -> bytes:
    when = format_datetime(datetime.combine(day, time(9), tzinfo=UTC))
    items = "".join(
        f"<item><title>{escape(link)}</title><link>{escape(urljoin(base + '/', link))}</link>"
        f"<pubDate>{when}</pubDate></item>"
        for link in links
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Fault site</title>'
        f"<link>{escape(base)}/</link>{items}</channel></rss>"
    ).encode()


def _big_rss(base: str, count: int, day: date) -> Iterator[bytes]:
    start = datetime.combine(day, time(0), tzinfo=UTC)
    step = timedelta(seconds=max(1, 86_400 // max(count, 1)))
    yield b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Big</title>'
    for n in range(count):
        when = format_datetime(min(start + n * step, start + timedelta(seconds=86_399)))
        yield (
            f"<item><title>Article {n}</title><link>{base}/articles/{n}.html</link>"
            f"<pubDate>{when}</pubDate></item>"
        ).encode()
    yield b"</channel></rss>"


# Cut in the middle of an item: expat reports "no element found"; the entries after it are lost.
MALFORMED_FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Broken</title>'
    b"<item><title>First</title><link>/ok.html</link></item><item><title>Sec"
)


def _is_loopback_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


class _Handler(BaseHTTPRequestHandler):
    server_version = "ArticleETLFaults/1.0"
    site: FaultSite
    stopping: threading.Event

    def do_GET(self) -> None:
        with contextlib.suppress(OSError):  # the client hung up (it was meant to): done
            self._route()

    def log_message(self, format: str, *args: object) -> None:
        pass

    # --- plumbing ---------------------------------------------------------------------------

    def _base(self) -> str:
        host = self.headers.get("Host", "")
        if _SAFE_HOST.match(host):
            return f"http://{host}"
        return self.site.url

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _html(self, text: str, charset: str = "utf-8") -> None:
        self._send(200, [("Content-Type", f"text/html; charset={charset}")], text.encode(charset))

    def _stream(self, total: int) -> None:
        sent = 0
        while sent < total and not self.stopping.is_set():
            chunk = _FILLER[: total - sent]
            self.wfile.write(chunk)
            sent += len(chunk)

    # --- routes -----------------------------------------------------------------------------

    def _route(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path or "/"
        query = parse_qs(parts.query)
        count = self.site._hit(path)
        settings = self.site.settings
        if path == "/robots.txt":
            if settings.robots == "unavailable":
                self._send(503, [("Content-Type", "text/plain"), ("Retry-After", "1")], b"busy\n")
            elif settings.robots == "disallow":
                self._send(200, [("Content-Type", "text/plain")], b"User-agent: *\nDisallow: /\n")
            else:
                self._send(200, [("Content-Type", "text/plain")], b"User-agent: *\nAllow: /\n")
        elif path == "/feed.xml":
            links = query.get("link") or [f.path for f in PAGE_FAULTS]
            self._send(
                200, [("Content-Type", "application/rss+xml")], _rss(self._base(), links, settings.day)
            )
        elif path == "/feeds/malformed.xml":
            self._send(200, [("Content-Type", "application/rss+xml")], MALFORMED_FEED)
        elif path == "/feeds/big.xml":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()  # HTTP/1.0: the body ends when the connection closes
            for piece in _big_rss(self._base(), settings.feed_items, settings.day):
                self.wfile.write(piece)
        elif path == "/redirect":
            target = (query.get("to") or [""])[0]
            if not _is_loopback_url(target):  # never a way to send a client off the machine
                self._send(400, [("Content-Type", "text/plain")], b"to= must be a loopback URL\n")
            else:
                self._send(302, [("Location", target)], b"")
        elif path == "/ok.html" or path.startswith("/articles/"):
            self._html(article_html(f"Article {path}", "A well-behaved page with a few words of text."))
        elif path == "/slow.html":
            self.stopping.wait(settings.slow_seconds)
            self._html(article_html("Slow", "Too late."))
        elif path == "/trickle.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(settings.trickle_bytes))
            self.end_headers()
            self.wfile.flush()
            for _ in range(settings.trickle_bytes):
                if self.stopping.wait(settings.trickle_every):
                    return
                self.wfile.write(b"x")
                self.wfile.flush()
        elif path == "/flaky.html":
            if count == 1:
                self._send(500, [("Content-Type", "text/plain")], b"Internal Server Error\n")
            else:
                self._html(article_html("Flaky", "Answered on the second try."))
        elif path == "/throttled.html":
            if count == 1:
                headers = [("Content-Type", "text/plain"), ("Retry-After", str(settings.retry_after))]
                self._send(429, headers, b"Too Many Requests\n")
            else:
                self._html(article_html("Throttled", "Answered after the Retry-After wait."))
        elif path == "/truncated.html":
            body = article_html("Truncated", "Only half of this page arrives. " * 40).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)  # then close: the rest never comes
        elif path in ("/loop/a.html", "/loop/b.html"):
            other = "/loop/b.html" if path == "/loop/a.html" else "/loop/a.html"
            self._send(302, [("Location", other)], b"")
        elif path == "/huge.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(settings.huge_bytes))
            self.end_headers()
            self._stream(settings.huge_bytes)
        elif path == "/huge-stream.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self._stream(settings.huge_bytes)
        elif path == "/bomb.html":
            body = gzip_bomb(settings.bomb_bytes)
            headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")]
            self._send(200, headers, body)
        elif path == "/report.pdf":
            pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
            self._send(200, [("Content-Type", "application/pdf")], pdf)
        elif path == "/empty.html":
            self._send(200, [("Content-Type", "text/html")], b"")
        elif path in ("/utf16.html", "/utf16be.html"):
            codec = "utf-16-le" if path == "/utf16.html" else "utf-16-be"
            body = article_html(UTF16_TITLE, UTF16_TEXT).encode(codec)  # no BOM: the codec writes none
            self._send(200, [("Content-Type", "text/html")], body)
        else:
            self._send(404, [("Content-Type", "text/plain")], b"not found\n")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


@contextlib.contextmanager
def running_faults(
    host: str = "127.0.0.1", port: int = 0, settings: FaultSettings | None = None
) -> Iterator[FaultSite]:
    """The fault site on a loopback ``host`` (127.0.0.1, 127.0.0.2, ::1 ...) in a background
    thread. Raises ValueError for an address that is not loopback, OSError when the machine
    cannot listen there (no IPv6, no 127.0.0.2)."""
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"the fault site only listens on loopback, not {host}")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET

    class Server(_Server):
        address_family = family

    stopping = threading.Event()
    server = Server((host, port), BaseHTTPRequestHandler)
    netloc = f"[{host}]" if ":" in host else host
    site = FaultSite(f"http://{netloc}:{server.server_address[1]}", settings or FaultSettings())
    server.RequestHandlerClass = type("FaultHandler", (_Handler,), {"site": site, "stopping": stopping})
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fault-site", daemon=True
    )
    thread.start()
    try:
        yield site
    finally:
        stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
