"""Politeness: robots.txt (RFC 9309, parsed with protego) and a per-host pace and concurrency limit.

One :class:`Politeness` lives for one stage run and is shared by the fetch threads:

* ``check(url)`` before a page is requested: raises :class:`RobotsDisallowed` when the host's
  robots.txt forbids the URL for ``fetch.user_agent`` (a ``robots_disallowed`` reject; the page
  is never requested), :class:`RobotsUnavailable` when robots.txt could not be read for a reason
  that may pass (5xx, 429, timeout, no connection).
* ``with slot(url):`` around the request itself: at most ``fetch.per_host_concurrency`` requests
  to a host in flight, and at least :meth:`Politeness.delay` seconds between the starts of two of
  them. Call ``check`` first and outside the slot (``check`` may fetch robots.txt through a slot
  of the same host; entering a second slot of one host in one thread is refused rather than
  risking a deadlock).

What robots.txt answers mean (RFC 9309 §2.3.1, as Google does it): 2xx is parsed; any 4xx
(404, 403, 410...) means there is no robots.txt, so everything is allowed; 5xx and 429, a timeout
or no connection mean the host must not be crawled now ("wait and retry"), which callers count as
transient. Redirects are followed by requests; more of them than its limit counts as "no
robots.txt" (RFC 9309 §2.3.1.2). A robots.txt over ``fetch.max_bytes`` is treated as absent too:
RFC 9309 only asks for the first 500 KiB, and ``fetch`` gives us none of an oversized body.
A refusal on our side (``fetch``'s PrivateAddressError) is raised from ``check`` unchanged and not
kept: it is what the page itself would get, and the caller maps it (``private_address``).

robots.txt is fetched once per (scheme, host, port) per ``Politeness`` and the answer, good or bad,
is kept for the run: a host whose robots.txt is down fails fast for its other URLs instead of
being asked again for each. Threads that need the same host's robots.txt wait for the one fetch.
Different hosts never wait for each other: every lock and every sleep is per host.

The pace of a host is ``max(fetch.per_host_delay_seconds, Crawl-delay, Request-rate's
seconds/requests)``, the robots values capped at :data:`MAX_CRAWL_DELAY_SECONDS`. Request-rate
time windows are ignored (the rate applies all day: the cautious reading).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from protego import Protego

from article_etl import codes
from article_etl.config import FetchSettings
from article_etl.errors import TransientError
from article_etl.fetch.client import FetchError, FetchTimeout, RedirectLoopError, TooLargeError, fetch

log = logging.getLogger(__name__)

# The longest pause between two requests to one host that a robots.txt can ask of us. Honouring
# "Crawl-delay: 3600" would stretch one day's 500 articles over three weeks; 30 s still keeps us
# at two requests a minute, slower than any news site needs to bear, and bounds a run's length.
MAX_CRAWL_DELAY_SECONDS = 30.0

_DEFAULT_PORTS = {"http": 80, "https": 443}

HostKey = tuple[str, str, int]


class RobotsDisallowed(Exception):
    """robots.txt forbids this URL for our user agent: reject it as ``robots_disallowed``."""

    code = codes.ROBOTS_DISALLOWED

    def __init__(self, url: str, detail: str) -> None:
        super().__init__(f"{url}: not fetched, {detail}; drop it from the source or ask the site")
        self.url = url
        self.detail = detail


class RobotsUnavailable(TransientError):
    """robots.txt answered 5xx/429 or could not be reached: the host must wait, retry later."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(
            f"{url}: not fetched, {reason}; RFC 9309 says wait, so retry later when the site answers"
        )
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class _Robots:
    """One host's robots.txt as understood: rules (None: everything allowed) or why it is unusable."""

    url: str
    parser: Protego | None = None
    unavailable: str | None = None


class _Host:
    """The per-host state. ``lock`` guards the pace fields, ``robots_lock`` the one robots fetch."""

    def __init__(self, concurrency: int, delay: float) -> None:
        self.slots = threading.BoundedSemaphore(concurrency)
        self.lock = threading.Lock()
        self.delay = delay
        self.last_start: float | None = None
        self.robots_lock = threading.Lock()
        self.robots: _Robots | None = None


def host_key(url: str) -> HostKey:
    """(scheme, host, port) of ``url``, the unit robots.txt and the pace apply to (RFC 9309 §2.3)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"{url}: not an http(s) URL with a host; fix the URL in discovery")
    return scheme, parts.hostname, parts.port or _DEFAULT_PORTS[scheme]


def origin(key: HostKey) -> str:
    """``scheme://host[:port]`` of a host key (the port only when it is not the default)."""
    scheme, host, port = key
    netloc = f"[{host}]" if ":" in host else host
    if port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    return f"{scheme}://{netloc}"


class Politeness:
    """robots.txt and per-host pacing for one stage run; safe to share between threads."""

    def __init__(self, session: requests.Session, settings: FetchSettings) -> None:
        self._session = session
        self._settings = settings
        self._hosts: dict[HostKey, _Host] = {}
        self._hosts_lock = threading.Lock()
        self._local = threading.local()

    def check(self, url: str) -> None:
        """Raise RobotsDisallowed or RobotsUnavailable unless robots.txt lets us fetch ``url``.

        The first call for a host fetches its robots.txt (through :meth:`slot`); do not call it
        from inside a slot of the same host.
        """
        robots = self._robots(host_key(url))
        if robots.unavailable is not None:
            raise RobotsUnavailable(url, robots.unavailable)
        if robots.parser is not None and not robots.parser.can_fetch(url, self._settings.user_agent):
            raise RobotsDisallowed(
                url, f"{robots.url} disallows it for user agent {self._settings.user_agent!r}"
            )

    @contextlib.contextmanager
    def slot(self, url: str) -> Iterator[None]:
        """Hold one of the host's ``per_host_concurrency`` slots, starting no sooner than
        :meth:`delay` seconds after the previous request to the host started."""
        key = host_key(url)
        held = self._held()
        if key in held:
            raise RuntimeError(
                f"{url}: slot() entered inside another slot() of {origin(key)} in one thread "
                "(it could deadlock); call check() before slot(), not inside it"
            )
        host = self._host(key)
        with host.slots:
            held.add(key)
            try:
                # The start is claimed when it is due, not reserved ahead: a sleep that overshoots
                # (a busy machine) then delays the next request instead of shortening its gap.
                while True:
                    with host.lock:  # sleep outside the lock: other threads may check the pace
                        now = time.monotonic()
                        wait = 0.0 if host.last_start is None else host.last_start + host.delay - now
                        if wait <= 0:
                            host.last_start = now
                            break
                    time.sleep(wait)
                yield
            finally:
                held.discard(key)

    def delay(self, url: str) -> float:
        """The least seconds between two request starts to ``url``'s host, as known so far
        (``per_host_delay_seconds`` until its robots.txt has been read by :meth:`check`)."""
        host = self._host(host_key(url))
        with host.lock:
            return host.delay

    def _held(self) -> set[HostKey]:
        """The hosts whose slot the current thread is inside."""
        held: set[HostKey] | None = getattr(self._local, "held", None)
        if held is None:
            held = self._local.held = set()
        return held

    def _host(self, key: HostKey) -> _Host:
        with self._hosts_lock:
            host = self._hosts.get(key)
            if host is None:
                host = self._hosts[key] = _Host(
                    self._settings.per_host_concurrency, self._settings.per_host_delay_seconds
                )
            return host

    def _robots(self, key: HostKey) -> _Robots:
        host = self._host(key)
        with host.robots_lock:  # one fetch per host; the other threads wait for its answer
            if host.robots is None:
                robots = self._load(f"{origin(key)}/robots.txt")
                delay = self._pace(robots)
                with host.lock:
                    host.delay = delay
                host.robots = robots
            return host.robots

    def _load(self, url: str) -> _Robots:
        """Fetch and parse one robots.txt. Raises only what ``fetch`` refuses on our side
        (PrivateAddressError): that is the page's fate too, and the caller already maps it."""
        try:
            with self.slot(url):
                cap = fetch(self._session, url, self._settings)
        except FetchTimeout as exc:
            return _Robots(url, unavailable=f"robots.txt at {url} did not answer in time ({_one_line(exc)})")
        except TooLargeError:
            log.warning("%s is larger than fetch.max_bytes; treating the host as having no robots.txt", url)
            return _Robots(url)
        except RedirectLoopError:
            return _Robots(url)  # a robots.txt that redirects forever is no robots.txt
        except FetchError as exc:
            if type(exc) is not FetchError:
                raise  # a refusal of our own (PrivateAddressError): the caller maps it as for a page
            return _Robots(url, unavailable=f"robots.txt at {url} could not be fetched ({_one_line(exc)})")
        if cap.status == 429 or cap.status >= 500:
            return _Robots(url, unavailable=f"robots.txt at {url} answered HTTP {cap.status}")
        if not 200 <= cap.status < 300:
            return _Robots(url)  # 4xx (and a 3xx left over): no robots.txt, everything allowed
        # str, BOM removed: with a BOM protego ignores the first User-agent group.
        parser = Protego.parse(cap.body.decode("utf-8-sig", errors="replace"))
        parser.can_fetch("/", self._settings.user_agent)  # build protego's lazy caches before sharing
        return _Robots(url, parser=parser)

    def _pace(self, robots: _Robots) -> float:
        delay = self._settings.per_host_delay_seconds
        if robots.parser is None:
            return delay
        agent = self._settings.user_agent
        asked = robots.parser.crawl_delay(agent) or 0.0
        rate = robots.parser.request_rate(agent)
        if rate is not None:
            asked = max(asked, rate.seconds / rate.requests)
        return max(delay, min(asked, MAX_CRAWL_DELAY_SECONDS))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
