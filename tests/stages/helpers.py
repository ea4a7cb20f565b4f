"""Running a day through the stage modules, without Airflow, against the demo site."""

from __future__ import annotations

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
