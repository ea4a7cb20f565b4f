"""Discovery requests (feed, sitemap, child sitemaps) held to robots.txt, the per-host pace and
conditional GET, against a real server on 127.0.0.1 that counts and times what it is asked."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from article_etl import codes
from article_etl.config import ConfigError, FetchSettings, Settings, Source
from article_etl.errors import PermanentError, TransientError
from article_etl.fetch import Discovery, discover, make_session
from article_etl.fetch.discovery import DiscoveryError
from article_etl.fetch.politeness import Politeness
from article_etl.records import Discovered
from article_etl.run import Day
from article_etl.stages import discover as discover_stage
from article_etl.storage import Kind, ListingState, RunPartition, Stage

pytestmark = pytest.mark.timeout(60)

START = datetime(2026, 11, 18, tzinfo=UTC)
END = datetime(2026, 11, 19, tzinfo=UTC)
ETAG = '"v1"'
LAST_MODIFIED = "Wed, 18 Nov 2026 09:00:00 GMT"


def _settings(**fetch: object) -> FetchSettings:
    values: dict[str, object] = {
        "allow_private_networks": ["127.0.0.1/32"],
        "per_host_delay_seconds": 0,
        "retries": 0,
        "deadline_seconds": 10,
    }
    values.update(fetch)
    return FetchSettings.model_validate(values)


def _rss(base: str, paths: list[str]) -> bytes:
    items = "".join(
        f"<item><title>{p}</title><link>{base}{p}</link>"
        "<pubDate>Wed, 18 Nov 2026 09:00:00 GMT</pubDate></item>"
        for p in paths
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    )


def _urlset(base: str, paths: list[str]) -> bytes:
    urls = "".join(f"<url><loc>{base}{p}</loc><lastmod>2026-11-18</lastmod></url>" for p in paths)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


def _index(base: str, paths: list[str]) -> bytes:
    maps = "".join(f"<sitemap><loc>{base}{p}</loc></sitemap>" for p in paths)
    return f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{maps}</sitemapindex>'.encode()


@dataclass
class Listings:
    """A site of listings: what it serves, what it was asked (path, request headers, start time)
    and which answers were 304s."""

    base: str = ""
    robots: bytes = b"User-agent: *\nAllow: /\n"
    robots_status: int = 200
    status: dict[str, int] = field(default_factory=dict)
    validators: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str], float]] = field(default_factory=list)
    not_modified: list[str] = field(default_factory=list)
    override: dict[str, bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def body(self, path: str) -> bytes | None:
        if path in self.override:
            return self.override[path]
        if path == "/feed.xml":
            return _rss(self.base, ["/a.html", "/b.html"])
        if path == "/index.xml":
            return _index(self.base, ["/one.xml", "/two.xml", "/private/three.xml"])
        if path in ("/one.xml", "/two.xml", "/private/three.xml"):
            return _urlset(self.base, [path.replace(".xml", ".html")])
        return None

    def asked(self, path: str) -> list[dict[str, str]]:
        with self.lock:
            return [headers for p, headers, _ in self.requests if p == path]

    def starts(self) -> list[float]:
        with self.lock:
            return [when for _, _, when in self.requests]


@pytest.fixture
def site() -> Iterator[Listings]:
    listings = Listings()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path
            with listings.lock:
                listings.requests.append((path, dict(self.headers.items()), time.monotonic()))
            if path == "/robots.txt":
                return self._send(listings.robots_status, [], listings.robots)
            body = listings.body(path)
            if body is None:
                return self._send(404, [], b"not found")
            headers = listings.validators.get(path, [])
            etag = dict(headers).get("ETag")
            modified = dict(headers).get("Last-Modified")
            if (etag and self.headers.get("If-None-Match") == etag) or (
                modified and not etag and self.headers.get("If-Modified-Since") == modified
            ):
                with listings.lock:
                    listings.not_modified.append(path)
                return self._send(304, headers, b"")
            self._send(listings.status.get(path, 200), [("Content-Type", "application/xml"), *headers], body)

        def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    listings.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield listings
    finally:
        server.shutdown()
        server.server_close()


def _source(kind: str, url: str) -> Source:
    return Source.model_validate({"id": "s", "name": "S", "discovery": {"kind": kind, "url": url}})


def _discover(
    site: Listings, kind: str, path: str, settings: FetchSettings, state: ListingState | None = None
) -> Discovery:
    session = make_session(settings)
    return discover(
        _source(kind, site.base + path),
        START,
        END,
        session,
        settings,
        polite=Politeness(session, settings),
        state=state,
    )


# --- robots.txt and the per-host pace --------------------------------------------------------


def test_the_feed_is_requested_after_robots_txt_and_within_the_hosts_pace(site: Listings) -> None:
    result = _discover(site, "sitemap", "/index.xml", _settings(per_host_delay_seconds=0.3))
    assert [d.url.removeprefix(site.base) for d in result.found] == [
        "/one.html",
        "/two.html",
        "/private/three.html",
    ]
    paths = [p for p, _, _ in site.requests]
    assert paths[0] == "/robots.txt"  # read once, before anything else of the host
    assert paths.count("/robots.txt") == 1
    starts = site.starts()
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(gaps) == 4
    assert min(gaps) >= 0.25, f"listing requests came {min(gaps):.3f}s apart, under the 0.3s delay"


def test_crawl_delay_of_robots_txt_paces_the_listing_requests(site: Listings) -> None:
    site.robots = b"User-agent: *\nCrawl-delay: 0.4\nAllow: /\n"
    _discover(site, "sitemap", "/index.xml", _settings())
    starts = site.starts()[1:]  # after robots.txt, which is read before the delay is known
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 0.35, gaps


def test_a_child_sitemap_robots_disallows_is_its_own_problem_and_never_requested(site: Listings) -> None:
    site.robots = b"User-agent: *\nDisallow: /private/\n"
    result = _discover(site, "sitemap", "/index.xml", _settings())
    assert [d.url.removeprefix(site.base) for d in result.found] == ["/one.html", "/two.html"]
    assert [(p.ref.removeprefix(site.base), p.code) for p in result.problems] == [
        ("/private/three.xml", codes.ROBOTS_DISALLOWED)
    ]
    assert site.asked("/private/three.xml") == []


def test_a_disallowed_feed_is_a_one_line_config_error_and_is_never_requested(site: Listings) -> None:
    site.robots = b"User-agent: *\nDisallow: /feed\n"
    with pytest.raises(ConfigError) as raised:
        _discover(site, "rss", "/feed.xml", _settings())
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"source s: rss {site.base}/feed.xml is disallowed by the site's robots.txt")
    assert "discovery.url" in message
    assert site.asked("/feed.xml") == []


# --- 4xx and 5xx on the listing itself -----------------------------------------------------------


@pytest.mark.parametrize("status", [404, 403, 410])
def test_a_4xx_listing_fails_at_once_as_a_config_problem(site: Listings, status: int) -> None:
    site.status["/feed.xml"] = status
    with pytest.raises(ConfigError, match=f"answered HTTP {status}, a client error") as raised:
        _discover(site, "rss", "/feed.xml", _settings(retries=2))
    assert isinstance(raised.value, PermanentError)
    assert len(site.asked("/feed.xml")) == 1


@pytest.mark.parametrize("status", [503, 429])
def test_a_5xx_or_429_listing_is_transient(site: Listings, status: int) -> None:
    site.status["/feed.xml"] = status
    with pytest.raises(DiscoveryError, match=f"answered HTTP {status}") as raised:
        _discover(site, "rss", "/feed.xml", _settings())
    assert isinstance(raised.value, TransientError)


# --- conditional GET ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("validators", "sent"),
    [
        ([("ETag", ETAG)], {"If-None-Match": ETAG}),
        ([("Last-Modified", LAST_MODIFIED)], {"If-Modified-Since": LAST_MODIFIED}),
    ],
)
def test_an_unchanged_feed_answers_304_and_the_stored_body_gives_the_same_urls(
    site: Listings, tmp_path: Path, validators: list[tuple[str, str]], sent: dict[str, str]
) -> None:
    site.validators["/feed.xml"] = validators
    state = ListingState(tmp_path)
    first = _discover(site, "rss", "/feed.xml", _settings(), state)
    second = _discover(site, "rss", "/feed.xml", _settings(), state)
    assert [d.url for d in first.found] == [site.base + "/a.html", site.base + "/b.html"]
    assert second.found == first.found
    asked = site.asked("/feed.xml")
    assert len(asked) == 2
    assert not {"If-None-Match", "If-Modified-Since"} & set(asked[0])  # nothing stored yet
    assert {k: asked[1][k] for k in sent} == sent
    assert site.not_modified == ["/feed.xml"]


def test_child_sitemaps_are_fetched_conditionally_too(site: Listings, tmp_path: Path) -> None:
    for path in ("/index.xml", "/one.xml", "/two.xml", "/private/three.xml"):
        site.validators[path] = [("ETag", f'"{path}"')]
    state = ListingState(tmp_path)
    first = _discover(site, "sitemap", "/index.xml", _settings(), state)
    second = _discover(site, "sitemap", "/index.xml", _settings(), state)
    assert second.found == first.found
    assert len(first.found) == 3
    assert sorted(site.not_modified) == sorted(["/index.xml", "/one.xml", "/two.xml", "/private/three.xml"])


def test_no_validators_means_no_state_and_full_fetches(site: Listings, tmp_path: Path) -> None:
    state = ListingState(tmp_path)
    _discover(site, "rss", "/feed.xml", _settings(), state)
    _discover(site, "rss", "/feed.xml", _settings(), state)
    assert site.not_modified == []
    assert state.load(site.base + "/feed.xml") is None


@pytest.mark.parametrize(
    "damage", ["garbage_json", "empty_body", "other_body", "missing_body", "wrong_version"]
)
def test_damaged_state_means_a_full_fetch_never_a_failure(
    site: Listings, tmp_path: Path, damage: str
) -> None:
    site.validators["/feed.xml"] = [("ETag", ETAG)]
    state = ListingState(tmp_path)
    first = _discover(site, "rss", "/feed.xml", _settings(), state)
    [meta] = list(state.folder.glob("*.json"))
    [body] = list(state.folder.glob("*.body.gz"))
    if damage == "garbage_json":
        meta.write_bytes(b"\x00{not json")
    elif damage == "empty_body":
        body.write_bytes(b"")
    elif damage == "other_body":
        import gzip

        body.write_bytes(gzip.compress(b"<rss/>"))
    elif damage == "missing_body":
        body.unlink()
    else:
        meta.write_text(meta.read_text().replace('"version": 1', '"version": 99'))
    second = _discover(site, "rss", "/feed.xml", _settings(), state)
    assert second.found == first.found
    assert site.not_modified == []
    assert "If-None-Match" not in site.asked("/feed.xml")[1]
    # ... and the full answer repaired the state: the third run is conditional again.
    _discover(site, "rss", "/feed.xml", _settings(), state)
    assert site.not_modified == ["/feed.xml"]


def test_the_state_file_names_hold_no_secret(site: Listings, tmp_path: Path) -> None:
    site.validators["/feed.xml"] = [("ETag", ETAG)]
    settings = _settings()
    url = site.base + "/feed.xml"
    state = ListingState(tmp_path)
    state.save(url + "?apikey=SECRET123", url, ETAG, None, b"<rss/>")
    stored = b"".join(p.name.encode() + p.read_bytes() for p in state.folder.iterdir())
    assert b"SECRET123" not in stored
    assert settings.secret_params  # the redaction the caller passes in comes from these


def test_the_discover_stage_reuses_the_stored_body_on_304(site: Listings, tmp_path: Path) -> None:
    site.validators["/feed.xml"] = [("ETag", ETAG)]
    settings = Settings.model_validate(
        {
            "sources": [
                {"id": "s", "name": "S", "discovery": {"kind": "rss", "url": site.base + "/feed.xml"}}
            ],
            "fetch": _settings().model_dump(),
        }
    )
    urls = []
    for run in ("r1", "r2"):
        day = Day.of("2026-11-18", run_id=run)
        discover_stage.run(settings, "s", day, tmp_path)
        published = RunPartition.of(Stage.DISCOVER, day, "s", tmp_path).published()
        urls.append([d.url for d in published.records(Kind.URLS, Discovered)])
    assert urls[0] == urls[1] == [site.base + "/a.html", site.base + "/b.html"]
    assert site.not_modified == ["/feed.xml"]


def test_listing_errors_never_quote_a_secret(site: Listings) -> None:
    site.robots_status = 503
    settings = _settings()
    session = make_session(settings)
    source = _source("rss", site.base + "/feed.xml?apikey=SECRET123")
    with pytest.raises(DiscoveryError) as raised:
        discover(source, START, END, session, settings, polite=Politeness(session, settings))
    assert "SECRET123" not in str(raised.value)
    assert raised.value.__cause__ is None
    site.robots_status, site.robots = 200, b"User-agent: *\nDisallow: /\n"
    with pytest.raises(ConfigError) as refused:
        discover(source, START, END, session, settings, polite=Politeness(session, settings))
    assert "SECRET123" not in str(refused.value)
    assert refused.value.__cause__ is None


def test_a_body_that_did_not_parse_is_never_stored(site: Listings, tmp_path: Path) -> None:
    """A feed cut off mid-transfer, stored with the whole feed's ETag, would be answered 304 and
    reused cut off until the feed changed: only a body that parsed is kept."""
    site.validators["/feed.xml"] = [("ETag", ETAG)]
    whole = _rss(site.base, ["/a.html", "/b.html"])
    site.override["/feed.xml"] = whole[: len(whole) // 2]
    state = ListingState(tmp_path)
    cut = _discover(site, "rss", "/feed.xml", _settings(), state)  # the items before the cut
    assert [d.url for d in cut.found] == [site.base + "/a.html"]
    assert [p.code for p in cut.problems] == [codes.FEED_PARSE_ERROR]
    assert state.load(site.base + "/feed.xml") is None
    del site.override["/feed.xml"]
    result = _discover(site, "rss", "/feed.xml", _settings(), state)
    assert "If-None-Match" not in site.asked("/feed.xml")[1]
    assert [d.url for d in result.found] == [site.base + "/a.html", site.base + "/b.html"]
    assert state.load(site.base + "/feed.xml") is not None
