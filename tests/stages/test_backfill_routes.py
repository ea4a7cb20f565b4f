"""Backfills that reach the past (issue #14): a source whose feed holds only the last three days
also has a sitemap with ``lastmod`` or a paginated listing with dates. A day ten days back is
found through those, the manifest says which route found each URL and that the feed did not
reach the day; yesterday comes from the feed, and the later routes are not even requested."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from article_etl.config import Settings
from article_etl.records import Discovered
from article_etl.report import day_report, format_report
from article_etl.run import Day
from article_etl.stages import clean, discover, fetch, load, validate
from article_etl.storage import Kind, RunPartition, Stage
from article_etl.warehouse import get_engine
from tests.conftest import serving
from tests.stages.backfill_site import DAYS, PER_DAY, TODAY, article_path, feed, news_site, sitemap
from tests.stages.helpers import article_rows

pytestmark = pytest.mark.timeout(180)

LISTING = {"kind": "listing", "item": "ul.news li", "links": "a", "date": "span.d", "next": "a.next"}


def _settings(base: str, second: dict[str, Any]) -> Settings:
    return Settings.model_validate(
        {
            "sources": [
                {
                    "id": "harbour",
                    "name": "Harbour News",
                    "lang": "en",
                    "timezone": "UTC",
                    "discovery": [{"kind": "rss", "url": base + "/feed.xml"}, second],
                }
            ],
            "checks": {"published_tolerance_hours": 0},
            "fetch": {
                "allow_private_networks": ["127.0.0.1/32"],
                "per_host_delay_seconds": 0,
                "per_host_concurrency": 4,
                "retries": 0,
            },
        }
    )


def _run(settings: Settings, ds: date, root: Path, warehouse: str) -> Day:
    day = Day.of(ds.isoformat(), run_id=f"backfill__{ds.isoformat()}")
    for stage in (discover, fetch, clean, validate):
        stage.run(settings, "harbour", day, root)
    load.run(settings, "harbour", day, warehouse, root)
    return day


@pytest.mark.parametrize("second", ["sitemap", "listing"])
def test_an_old_day_is_found_by_the_routes_that_reach_back_and_yesterday_by_thefeed(
    tmp_path: Path, second: str
) -> None:
    site = news_site()
    warehouse = f"sqlite:///{tmp_path / 'w.db'}"
    with serving(site) as base:
        site["/feed.xml"] = (200, [("Content-Type", "application/rss+xml")], feed(base))
        site["/sitemap.xml"] = (200, [("Content-Type", "application/xml")], sitemap(base))
        route = (
            {"kind": "sitemap", "url": base + "/sitemap.xml"}
            if second == "sitemap"
            else LISTING | {"url": base + "/list"}
        )
        settings = _settings(base, route)

        old = TODAY - timedelta(days=10)
        day = _run(settings, old, tmp_path, warehouse)
        found = RunPartition.of(Stage.DISCOVER, day, "harbour", tmp_path).published()
        urls = list(found.records(Kind.URLS, Discovered))
        assert sorted(u.url for u in urls) == sorted(base + article_path(old, k) for k in range(PER_DAY))
        assert {(u.route, u.route_index) for u in urls} == {(second, 1)}
        summary = found.manifest.extra["discovery"]
        assert summary["complete"] is True
        rss_route, other = summary["routes"]
        assert (rss_route["kind"], rss_route["ran"], rss_route["found"], rss_route["complete"]) == (
            "rss",
            True,
            0,
            False,
        )
        assert rss_route["listed"] == 3 * PER_DAY
        assert f"rss oldest item {DAYS[2].isoformat()} 09:00 UTC is after the day" in rss_route["reason"]
        assert (other["kind"], other["found"], other["complete"]) == (second, PER_DAY, True)
        assert summary["reason"].startswith("rss oldest item")
        assert second in summary["reason"]

        engine = get_engine(warehouse)
        loaded = [row for row in article_rows(engine)]
        assert len(loaded) == PER_DAY
        assert all(old.isoformat() in " ".join(str(v) for v in row) for row in loaded)
        report = format_report(old.isoformat(), day_report(engine, old.isoformat()))
        assert f"discovery: rss[0]=0 {second}[1]={PER_DAY}, day complete" in report

        site.asked.clear()
        yesterday = TODAY - timedelta(days=1)
        day = _run(settings, yesterday, tmp_path, warehouse)
        found = RunPartition.of(Stage.DISCOVER, day, "harbour", tmp_path).published()
        urls = list(found.records(Kind.URLS, Discovered))
        assert sorted(u.url for u in urls) == sorted(
            base + article_path(yesterday, k) for k in range(PER_DAY)
        )
        assert {(u.route, u.route_index) for u in urls} == {("rss", 0)}
        rss_route, other = found.manifest.extra["discovery"]["routes"]
        assert rss_route["complete"] is True
        assert "before the day" in rss_route["reason"]
        assert other["ran"] is False
        assert other["found"] == 0
        assert not [p for p in site.asked if p.startswith(("/sitemap", "/list"))]  # never requested
    report = format_report(yesterday.isoformat(), day_report(engine, yesterday.isoformat()))
    assert "discovery: rss[0]=2, day complete" in report
    assert len(article_rows(engine)) == 2 * PER_DAY  # the old day's articles are still there


def test_a_day_no_route_reaches_is_loaded_as_found_and_said_to_be_incomplete(tmp_path: Path) -> None:
    """A listing cut short by max_pages before the day: what was found is kept, and the manifest
    and the report say the day is not complete, with each route's reason."""
    site = news_site()
    warehouse = f"sqlite:///{tmp_path / 'w.db'}"
    with serving(site) as base:
        site["/feed.xml"] = (200, [("Content-Type", "application/rss+xml")], feed(base))
        settings = _settings(base, LISTING | {"url": base + "/list", "max_pages": 2})
        old = TODAY - timedelta(days=10)
        day = _run(settings, old, tmp_path, warehouse)
    summary = (
        RunPartition.of(Stage.DISCOVER, day, "harbour", tmp_path).published().manifest.extra["discovery"]
    )
    assert summary["complete"] is False
    assert summary["reason"].startswith("no route covers the day: rss oldest item")
    assert "listing stopped at max_pages=2" in summary["reason"]
    engine = get_engine(warehouse)
    assert article_rows(engine) == []
    report = format_report(old.isoformat(), day_report(engine, old.isoformat()))
    assert "rss[0]=0 listing[1]=0, day NOT complete" in report
