"""Faults: the fault site (``article_etl.demo.faults``) on loopback, through discover and fetch.

Each way a site misbehaves must end as the right reject (or a loaded page), with nothing lost:
every listed URL is a page or a reject, never neither, and a listing that cannot be read fails
the task instead of publishing "no URLs". The huge bodies and the gzip bomb are measured too:
they are refused at ``fetch.max_bytes`` while streaming, quickly, with memory flat.
"""

from __future__ import annotations

import contextlib
import resource
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from article_etl import codes
from article_etl.config import ConfigError, Settings
from article_etl.demo.faults import (
    LOADED,
    PAGE_FAULTS,
    UTF16_TEXT,
    FaultSettings,
    FaultSite,
    gzip_bomb,
    running_faults,
)
from article_etl.errors import PermanentError, TransientError
from article_etl.fetch.discovery import FeedMalformedError
from article_etl.records import Discovered, Page, Reject
from article_etl.run import Day
from article_etl.stages import discover, fetch
from article_etl.stages.fetch import SourceUnavailableError
from article_etl.storage import Kind, PartitionError, RunPartition, Stage

pytestmark = pytest.mark.timeout(60)

DAY = Day.of("2026-11-18", run_id="faults")
DEADLINE = 2.0
MAX_BYTES = 2_000_000  # above the bomb's ~1 MB on the wire: it is the inflated size that must stop it
# What the size-capped fetches may cost: a few times max_bytes, never the 300 MB or 1 GiB sent.
MEMORY_BOUND = 6 * MAX_BYTES
RSS_BOUND_KB = 64 * 1024


def _settings(feed: str, *, kind: str = "rss", max_articles: int = 500, **fetch: Any) -> Settings:
    return Settings.model_validate(
        {
            "sources": [
                {
                    "id": "s",
                    "name": "S",
                    "max_articles": max_articles,
                    "discovery": {"kind": kind, "url": feed},
                }
            ],
            "fetch": {
                "retries": 1,
                "timeout_seconds": 10,
                "deadline_seconds": DEADLINE,
                "max_retry_after_seconds": 0.5,
                "max_bytes": MAX_BYTES,
                "allow_private_networks": ["127.0.0.1/32"],
                "per_host_delay_seconds": 0,
                "per_host_concurrency": 8,
                "max_transient_failure_rate": 1.0,  # these tests look at the rejects themselves
                **fetch,
            },
        }
    )


def _feed(site: FaultSite, *links: str) -> str:
    """The site's feed listing ``links`` (paths on the site, or absolute URLs)."""
    return (
        f"{site.url}/feed.xml?{urlencode([('link', link) for link in links])}"
        if links
        else f"{site.url}/feed.xml"
    )


@pytest.fixture
def site() -> Iterator[FaultSite]:
    with running_faults(settings=FaultSettings(trickle_every=0.25)) as running:
        yield running


def _run(settings: Settings, root: Path) -> tuple[list[str], dict[str, Page], dict[str, Reject]]:
    """discover + fetch; (the listed URLs, pages by URL, fetch rejects by URL), nothing lost."""
    discover.run(settings, "s", DAY, root)
    listed = [
        d.url
        for d in RunPartition.of(Stage.DISCOVER, DAY, "s", root).published().records(Kind.URLS, Discovered)
    ]
    fetch.run(settings, "s", DAY, root)
    published = RunPartition.of(Stage.FETCH, DAY, "s", root).published()
    pages = {p.url: p for p in published.records(Kind.PAGES, Page)}
    rejects = {r.url: r for r in published.records(Kind.REJECTS, Reject)}
    assert len(listed) == len(set(listed))
    assert not set(pages) & set(rejects), "a URL is both a page and a reject"
    assert set(pages) | set(rejects) == set(listed), "a listed URL is neither a page nor a reject"
    return listed, pages, rejects


def test_every_page_fault_ends_as_its_reject_and_nothing_is_lost(site: FaultSite, tmp_path: Path) -> None:
    start = time.monotonic()
    listed, pages, rejects = _run(_settings(_feed(site)), tmp_path)
    elapsed = time.monotonic() - start
    assert sorted(listed) == sorted(site.url + f.path for f in PAGE_FAULTS)
    outcome = {
        url.removeprefix(site.url): (LOADED if url in pages else rejects[url].reason) for url in listed
    }
    assert outcome == {f.path: f.outcome for f in PAGE_FAULTS}
    assert elapsed < DEADLINE + 8, f"the faults took {elapsed:.1f}s: something waited past its deadline"

    def detail(path: str) -> str:
        return rejects[site.url + path].detail

    # Outages and broken answers say nothing about an article loaded before; too_large and
    # content_type are what the page is now.
    for path in ("/slow.html", "/trickle.html", "/truncated.html"):
        assert rejects[site.url + path].evidence == codes.EVIDENCE_TRANSIENT, path
    # A redirect loop is the URL's fault, not an outage: it does not count towards the outage rule.
    assert rejects[site.url + "/loop/a.html"].evidence == codes.EVIDENCE_NONE
    assert "fetch.deadline_seconds=2" in detail("/slow.html")
    assert "body cut short" in detail("/truncated.html")
    assert "redirect loop: more than 10 redirects" in detail("/loop/a.html")
    assert "Content-Length says 300000000 bytes" in detail("/huge.html")
    assert "decoded body passed it" in detail("/huge-stream.html")
    assert "decoded body passed it" in detail("/bomb.html")
    assert "application/pdf" in detail("/report.pdf")
    # Retried, each within the deadline: 500 then 200; 429 waited out at the Retry-After cap.
    assert site.requested("/flaky.html") == 2
    assert site.requested("/throttled.html") == 2
    assert 4 <= site.requested("/loop/a.html") + site.requested("/loop/b.html") <= 2 * 11
    # UTF-16 without a BOM is decoded, not passed on as NUL-riddled ASCII.
    for path, codec in (("/utf16.html", "utf-16-le"), ("/utf16be.html", "utf-16-be")):
        page = pages[site.url + path]
        assert (page.encoding, page.encoding_method) == (codec, "detected")
        assert UTF16_TEXT in page.html
        assert "\x00" not in page.html


def test_a_retry_after_past_the_deadline_is_a_timeout_at_once(site: FaultSite, tmp_path: Path) -> None:
    settings = _settings(_feed(site, "/throttled.html"), max_retry_after_seconds=60)
    start = time.monotonic()
    _, pages, rejects = _run(settings, tmp_path)
    assert time.monotonic() - start < DEADLINE  # not slept into the failure
    [reject] = rejects.values()
    assert (reject.reason, reject.evidence) == (codes.FETCH_TIMEOUT, codes.EVIDENCE_TRANSIENT)
    assert "waiting out Retry-After for 40s would pass it" in reject.detail
    assert pages == {}


def _peak_while(run: Any) -> tuple[int, int, float]:
    """(traced Python heap peak in bytes, growth of the process's max RSS in KiB, seconds)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    start = time.monotonic()
    try:
        run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss, time.monotonic() - start


@pytest.mark.parametrize("path", ["/huge.html", "/huge-stream.html", "/bomb.html"])
def test_huge_bodies_and_a_gzip_bomb_stop_at_the_cap_with_memory_flat(
    site: FaultSite, tmp_path: Path, path: str
) -> None:
    gzip_bomb(site.settings.bomb_bytes)  # built (and cached) before measuring
    settings = _settings(_feed(site, path))
    discover.run(settings, "s", DAY, tmp_path)
    peak, rss_growth, elapsed = _peak_while(lambda: fetch.run(settings, "s", DAY, tmp_path))
    [reject] = RunPartition.of(Stage.FETCH, DAY, "s", tmp_path).published().records(Kind.REJECTS, Reject)
    assert reject.reason == codes.TOO_LARGE
    assert peak < MEMORY_BOUND, f"{path}: {peak} bytes traced at peak for max_bytes={MAX_BYTES}"
    assert rss_growth < RSS_BOUND_KB, f"{path}: max RSS grew by {rss_growth} KiB"
    assert elapsed < 5, f"{path} took {elapsed:.1f}s to refuse"


@pytest.mark.parametrize(
    ("kind", "path", "why"),
    [
        ("rss", "/ok.html", "is not RSS/Atom"),
        ("sitemap", "/feeds/malformed.xml", "is not XML"),
        ("sitemap", "/feed.xml", "is not a sitemap (root element 'rss')"),
    ],
    ids=["rss-is-html", "sitemap-not-xml", "sitemap-is-rss"],
)
def test_a_malformed_listing_fails_discover_as_feed_malformed(
    site: FaultSite, tmp_path: Path, kind: str, path: str, why: str
) -> None:
    settings = _settings(site.url + path, kind=kind)
    with pytest.raises(FeedMalformedError) as caught:
        discover.run(settings, "s", DAY, tmp_path)
    message = str(caught.value)
    assert message.startswith(
        f"source s: feed_malformed: {'feed' if kind == 'rss' else 'sitemap'} {site.url}{path}"
    )
    assert why in message
    assert caught.value.code == codes.FEED_MALFORMED
    assert isinstance(caught.value, TransientError)  # retried: the next answer may parse
    with pytest.raises(PartitionError):  # nothing published: no later stage sees "no URLs"
        RunPartition.of(Stage.DISCOVER, DAY, "s", tmp_path).published()


def test_a_cut_off_feed_gives_its_items_and_a_feed_parse_error_reject(
    site: FaultSite, tmp_path: Path
) -> None:
    """A feed cut off mid-item still lists the items before the cut; the cut is a reject."""
    settings = _settings(site.url + "/feeds/malformed.xml", kind="rss")
    summary = discover.run(settings, "s", DAY, tmp_path)
    assert summary["count"] == 1
    part = RunPartition.of(Stage.DISCOVER, DAY, "s", tmp_path).published()
    assert [d.url for d in part.records(Kind.URLS, Discovered)] == [site.url + "/ok.html"]
    assert [r.reason for r in part.records(Kind.REJECTS, Reject)] == [codes.FEED_PARSE_ERROR]


def test_a_5000_item_feed_takes_max_articles_and_rejects_the_rest(site: FaultSite, tmp_path: Path) -> None:
    assert site.settings.feed_items == 5000
    settings = _settings(site.url + "/feeds/big.xml", max_articles=40, max_bytes=5_000_000)
    start = time.monotonic()
    discover.run(settings, "s", DAY, tmp_path)
    elapsed = time.monotonic() - start
    published = RunPartition.of(Stage.DISCOVER, DAY, "s", tmp_path).published()
    urls = [d.url for d in published.records(Kind.URLS, Discovered)]
    rejects = list(published.records(Kind.REJECTS, Reject))
    assert urls == [f"{site.url}/articles/{n}.html" for n in range(40)]
    assert len(rejects) == 5000 - 40
    assert {r.reason for r in rejects} == {codes.OVER_LIMIT}
    assert {r.url for r in rejects} == {f"{site.url}/articles/{n}.html" for n in range(40, 5000)}
    assert elapsed < 20, f"discovering 5,000 items took {elapsed:.1f}s"


def test_robots_disallow_all_rejects_every_page_and_requests_none(tmp_path: Path) -> None:
    # The feed comes from a second site that allows crawling: the pages' own host says no.
    with (
        running_faults(settings=FaultSettings(robots="disallow")) as site,
        running_faults() as listing,
    ):
        feed = _feed(listing, site.url + "/ok.html", site.url + "/flaky.html")
        _, pages, rejects = _run(_settings(feed), tmp_path)
        assert pages == {}
        assert {r.reason for r in rejects.values()} == {codes.ROBOTS_DISALLOWED}
        assert len(rejects) == 2
        assert site.requested("/ok.html") == site.requested("/flaky.html") == 0
        assert site.requested("/robots.txt") == 1


def test_a_feed_that_robots_disallows_fails_the_source_at_once_and_is_never_requested(
    tmp_path: Path,
) -> None:
    with running_faults(settings=FaultSettings(robots="disallow")) as site:
        feed = _feed(site, "/ok.html")
        with pytest.raises(ConfigError) as raised:
            discover.run(_settings(feed), "s", DAY, tmp_path)
        assert site.requested("/feed.xml") == 0
        assert site.requested("/robots.txt") == 1
    message = str(raised.value)
    assert isinstance(raised.value, PermanentError)  # no retry loop: orchestration fails it at once
    assert "\n" not in message
    assert message.startswith(f"source s: rss {feed} is disallowed by the site's robots.txt")
    assert "list another feed or sitemap in discovery.url" in message
    with pytest.raises(PartitionError):
        RunPartition.of(Stage.DISCOVER, DAY, "s", tmp_path).published()


def test_robots_503_on_the_feed_host_is_transient_and_the_feed_is_not_requested(tmp_path: Path) -> None:
    with running_faults(settings=FaultSettings(robots="unavailable")) as site:
        with pytest.raises(TransientError, match=r"robots\.txt .* answered HTTP 503"):
            discover.run(_settings(_feed(site, "/ok.html")), "s", DAY, tmp_path)
        assert site.requested("/feed.xml") == 0


def test_redirect_loops_do_not_count_towards_the_outage_rule(site: FaultSite, tmp_path: Path) -> None:
    # Every page loops: under the default 50% rule an outage would fail the task; loops do not.
    settings = _settings(_feed(site, "/loop/a.html", "/loop/b.html"), max_transient_failure_rate=0.5)
    _, pages, rejects = _run(settings, tmp_path)
    assert pages == {}
    assert {(r.reason, r.evidence) for r in rejects.values()} == {(codes.FETCH_ERROR, codes.EVIDENCE_NONE)}
    manifest = RunPartition.of(Stage.FETCH, DAY, "s", tmp_path).published().manifest
    assert manifest.counts["transient"] == 0


def test_robots_503_is_transient_and_the_outage_rule_fails_the_task(tmp_path: Path) -> None:
    with (
        running_faults(settings=FaultSettings(robots="unavailable")) as site,
        running_faults() as listing,
    ):
        feed = _feed(listing, site.url + "/ok.html", site.url + "/flaky.html")
        settings = _settings(feed, max_transient_failure_rate=0.5)
        discover.run(settings, "s", DAY, tmp_path)
        with pytest.raises(SourceUnavailableError, match="2 of 2 pages failed"):
            fetch.run(settings, "s", DAY, tmp_path)
        # One fetch of robots.txt for the run (its 503 retried once), not one per page.
        assert site.requested("/robots.txt") == 1 + settings.fetch.retries
        with pytest.raises(PartitionError):  # nothing published: what earlier runs loaded is kept
            RunPartition.of(Stage.FETCH, DAY, "s", tmp_path).published()
        # Under a threshold that lets them through they are transient fetch errors naming robots.txt.
        _, pages, rejects = _run(_settings(feed), tmp_path)
        assert site.requested("/ok.html") == site.requested("/flaky.html") == 0
    assert pages == {}
    assert {(r.reason, r.evidence) for r in rejects.values()} == {
        (codes.FETCH_ERROR, codes.EVIDENCE_TRANSIENT)
    }
    assert all("robots.txt" in r.detail and "answered HTTP 503" in r.detail for r in rejects.values())


def test_private_addresses_and_a_redirect_to_one_are_refused_before_any_request(
    site: FaultSite, tmp_path: Path
) -> None:
    with contextlib.ExitStack() as stack:
        private = [stack.enter_context(running_faults("127.0.0.2"))]
        with contextlib.suppress(OSError):  # no IPv6 here: 127.0.0.2 and the redirect still count
            private.append(stack.enter_context(running_faults("::1")))
        links = [f"{p.url}/ok.html" for p in private]
        links.append(f"/redirect?to={quote(private[0].url + '/ok.html', safe='')}")
        listed, pages, rejects = _run(_settings(_feed(site, *links)), tmp_path)
        assert len(listed) == len(links)
        assert pages == {}
        assert {r.reason for r in rejects.values()} == {codes.PRIVATE_ADDRESS}
        for p in private:
            assert sum(p.hits.values()) == 0, f"{p.url} received a request: {dict(p.hits)}"
        assert site.requested("/redirect") == 1
        details = sorted(r.detail for r in rejects.values())
        assert sum("refused to connect to 127.0.0.2, a loopback address" in d for d in details) == 2
        if len(private) == 2:
            assert any("refused to connect to ::1, a loopback address" in d for d in details)
