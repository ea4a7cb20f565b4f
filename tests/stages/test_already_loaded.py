"""Already-loaded URLs are not fetched again unless the run asks for a refresh.

A loopback site whose feed has no dates (so every listed link is taken and the page's own date
decides), with a request log: day 1 loads A and M (M behind a redirect, so stored under another
id than its listed URL's: matched by the listed URL); day 2's feed lists A, M and B, and neither
A nor M is requested (counted and listed as already loaded, said by the report) while B is loaded; a refresh of day 2
requests A again; re-running day 1 refetches A, its own URL, and skips B, which day 2 loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from article_etl import cli
from article_etl.config import Settings
from article_etl.records import AlreadyLoaded
from article_etl.report import day_report, format_report
from article_etl.run import Day
from article_etl.stages import clean, discover, fetch, load, validate
from article_etl.storage import Kind, Stage, latest_published
from article_etl.warehouse import get_engine
from article_etl.warehouse.known import loaded_elsewhere
from article_etl.warehouse.schema import articles
from tests.conftest import serving
from tests.stages.helpers import feed_source
from tests.stages.test_bad_values import _page

DAY1, DAY2 = "2026-11-17", "2026-11-18"
HTML = [("Content-Type", "text/html; charset=utf-8")]


def _feed(base: str, names: list[str]) -> bytes:
    """An RSS feed without dates, as many sites send: the page's own date decides the day."""
    items = "".join(f"<item><title>{n}</title><link>{base}/{n}</link></item>" for n in names)
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def _settings(base: str) -> Settings:
    return Settings.model_validate(feed_source(base))


def _run(
    settings: Settings, ds: str, run_id: str, warehouse: str, zone: Path, *, refresh: bool = False
) -> dict[str, Any]:
    """Every stage of one day for source bay, as the DAG's task group runs them."""
    day = Day.of(ds, run_id=run_id)
    discover.run(settings, "bay", day, zone, warehouse=warehouse, refresh=refresh)
    for stage in (fetch, clean, validate):
        stage.run(settings, "bay", day, zone)
    return load.run(settings, "bay", day, warehouse, zone)


def _stored(warehouse: str) -> dict[str, str]:
    """URL path -> the ds its article is filed under."""
    with get_engine(warehouse).connect() as conn:
        return {r.url.rsplit("/", 1)[-1]: r.ds for r in conn.execute(select(articles.c.url, articles.c.ds))}


def test_a_url_another_day_loaded_is_not_fetched_again_unless_refresh_is_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    zone = tmp_path / "zone"
    monkeypatch.setenv("ARTICLE_ETL_HOME", str(zone))
    warehouse = f"sqlite:///{tmp_path / 'w.db'}"
    log: list[str] = []
    routes: dict[str, Any] = {}
    with serving(routes, log) as base:
        routes.update(
            {
                "/robots.txt": (200, [("Content-Type", "text/plain")], b"User-agent: *\nAllow: /\n"),
                "/feed.xml": (
                    200,
                    [("Content-Type", "application/rss+xml")],
                    _feed(base, ["a.html", "moved.html"]),
                ),
                "/moved.html": (301, [("Location", f"{base}/new/moved.html")], b""),
                "/new/moved.html": (
                    200,
                    HTML,
                    _page("m", 23, jsonld={"datePublished": f"{DAY1}T10:00:00+00:00"}),
                ),
                "/a.html": (200, HTML, _page("a", 21, jsonld={"datePublished": f"{DAY1}T09:00:00+00:00"})),
                "/b.html": (200, HTML, _page("b", 22, jsonld={"datePublished": f"{DAY2}T09:00:00+00:00"})),
            }
        )
        settings = _settings(base)

        # Day 1: the first run, into a warehouse with no file yet; nothing is skipped.
        assert _run(settings, DAY1, "d1", warehouse, zone)["loaded"] == 2
        assert "/a.html" in log
        assert _stored(warehouse) == {"a.html": DAY1, "moved.html": DAY1}

        # Day 2: the feed lists yesterday's A and today's B. A is not requested.
        routes["/feed.xml"] = (
            200,
            [("Content-Type", "application/rss+xml")],
            _feed(base, ["a.html", "moved.html", "b.html"]),
        )
        log.clear()
        summary = _run(settings, DAY2, "d2", warehouse, zone)
        assert "/a.html" not in log
        assert "/moved.html" not in log
        assert "/b.html" in log
        assert summary["loaded"] == 1
        assert summary["reject_rate"] == 0.0  # a skipped URL is no reject
        assert _stored(warehouse) == {"a.html": DAY1, "moved.html": DAY1, "b.html": DAY2}
        listed = latest_published(Stage.DISCOVER, DAY2, "bay", zone)
        assert listed.manifest.counts["already_loaded"] == 2
        assert listed.manifest.counts["out"] == 1
        assert listed.manifest.counts["in"] == 3
        skipped = list(listed.records(Kind.ALREADY_LOADED, AlreadyLoaded))
        assert [(s.url, s.loaded_ds, s.route) for s in skipped] == [
            (f"{base}/a.html", DAY1, "rss"),
            (f"{base}/moved.html", DAY1, "rss"),
        ]
        engine = get_engine(warehouse)
        report = format_report(DAY2, day_report(engine, DAY2))
        assert "already loaded under other days, not fetched again: 2" in report
        assert "a.html" not in report  # not quarantined: it is no reject
        assert "already loaded" not in format_report(DAY1, day_report(engine, DAY1))
        with engine.connect() as conn:  # seen again on day 2, though not fetched: last_seen moves
            seen = {
                r.url.rsplit("/", 1)[-1]: (str(r.first_seen), str(r.last_seen))
                for r in conn.execute(select(articles))
            }
        assert seen["a.html"] == seen["moved.html"] == (DAY1, DAY2)

        # Day 2 with refresh, from the command line: A and M are requested again. Day 1's rows stay
        # where they were first loaded (the load's rule for an article another day holds).
        sources = tmp_path / "sources.yaml"
        sources.write_text(yaml.safe_dump(feed_source(base)), encoding="utf-8")
        monkeypatch.setenv("ARTICLE_ETL_SOURCES", str(sources))
        log.clear()
        assert cli.main(["run", "--ds", DAY2, "--refresh", "--warehouse", warehouse]) == 0
        assert "/a.html" in log
        assert "/b.html" in log
        refreshed = latest_published(Stage.DISCOVER, DAY2, "bay", zone)
        assert refreshed.manifest.counts["already_loaded"] == 0
        assert refreshed.manifest.extra["refresh"] is True
        assert _stored(warehouse) == {"a.html": DAY1, "moved.html": DAY1, "b.html": DAY2}
        assert "already loaded" not in format_report(DAY2, day_report(engine, DAY2))

        # The same command without --refresh skips A again.
        log.clear()
        assert cli.main(["run", "--ds", DAY2, "--warehouse", warehouse]) == 0
        assert "/a.html" not in log
        assert "/b.html" in log
        capsys.readouterr()

        # Re-running day 1 refetches its own A (updates land); B belongs to day 2 and is skipped.
        log.clear()
        assert _run(settings, DAY1, "d1-again", warehouse, zone)["loaded"] == 2
        assert "/a.html" in log
        assert "/moved.html" in log
        assert "/b.html" not in log
        assert _stored(warehouse) == {"a.html": DAY1, "moved.html": DAY1, "b.html": DAY2}


def test_a_missing_warehouse_skips_nothing_and_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "none" / "w.db"
    assert loaded_elsewhere(f"sqlite:///{missing}", "bay", DAY2, ["http://127.0.0.1/a.html"]) == {}
    assert not missing.exists()
    assert not missing.parent.exists()
