"""Running a day through the stage modules, without Airflow, against the demo site."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from article_etl.config import Settings, load_settings
from article_etl.demo.catalog import DEMO_DAY, SOURCES_FILE
from article_etl.run import Day
from article_etl.stages import clean, discover, fetch, load, validate
from article_etl.warehouse.schema import articles, rejects

DS = DEMO_DAY.isoformat()


WORDS = [
    "harbor",
    "council",
    "ferry",
    "winter",
    "library",
    "budget",
    "school",
    "street",
    "market",
    "weather",
    "bridge",
    "river",
    "festival",
    "museum",
    "station",
    "garden",
    "theatre",
    "hospital",
    "election",
    "police",
    "fire",
    "rail",
    "tunnel",
    "park",
    "island",
    "fishing",
    "storm",
    "tide",
    "lighthouse",
    "volunteer",
    "concert",
    "bakery",
    "factory",
]


def distinct_paragraphs(seed: object, chars: int = 1200, words: int = 40) -> list[str]:
    """Made-up English paragraphs, different for every seed, so no two test pages are duplicates
    or near-duplicates of each other."""
    rng = random.Random(str(seed))
    paragraphs: list[str] = []
    while sum(len(p) for p in paragraphs) < chars:
        paragraphs.append(" ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + ".")
    return paragraphs


def rss(links: list[str]) -> bytes:
    """An RSS feed listing ``links``, every one published on the demo day."""
    items = "".join(
        f"<item><title>{link}</title><link>{link}</link><pubDate>Wed, 18 Nov 2026 09:00:00 +0000</pubDate></item>"
        for link in links
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def feed_source(base: str) -> dict[str, Any]:
    """A sources file (as a dict) with one source, ``bay``, reading ``{base}/feed.xml`` on
    loopback with no retries and no delay: the shape the day-level tests run against."""
    return {
        "sources": [
            {
                "id": "bay",
                "name": "Bay",
                "lang": "en",
                "discovery": {"kind": "rss", "url": f"{base}/feed.xml"},
                "max_reject_rate": 1.0,
            }
        ],
        "fetch": {"retries": 0, "allow_private_networks": ["127.0.0.1/32"], "per_host_delay_seconds": 0},
    }


def demo_settings(base_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The demo's sources file pointed at a running demo site, with no waiting on retries."""
    monkeypatch.setenv("ARTICLE_ETL_DEMO_URL", base_url)
    settings = load_settings(SOURCES_FILE)
    settings.fetch.retries = 0
    return settings


def run_day(settings: Settings, run_id: str, warehouse: str, root: Path, source_id: str) -> dict[str, Any]:
    """Every stage of the demo day for one source, as the DAG's task group runs them."""
    day = Day.of(DS, run_id=run_id)
    for stage in (discover, fetch, clean, validate):
        stage.run(settings, source_id, day, root)
    return load.run(settings, source_id, day, warehouse, root)


def article_rows(engine: Engine) -> list[tuple[object, ...]]:
    """Every article row, as comparable tuples."""
    with engine.connect() as conn:
        return sorted(tuple(str(v) for v in row) for row in conn.execute(select(articles)))


def reject_reasons(engine: Engine) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for row in conn.execute(select(rejects.c.url, rejects.c.reason)):
            out.setdefault(row.url, []).append(row.reason)
    return out
