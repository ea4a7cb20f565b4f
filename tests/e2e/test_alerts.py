"""Loud failures: a recent day that loads nothing, and a source whose discovery fails.

Real ``airflow dags test`` runs against the demo site. The demo's articles are all on its demo
day, so a run for a recent day finds nothing anywhere: that must fail, not be green. A source
whose feed answers 404 fails its discover task; the failure alert must say so in one line and
leave a ``source_failed`` row in the warehouse, so the day is visible outside the task log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from article_etl.demo.catalog import SOURCES_FILE
from article_etl.demo.site import running_site
from article_etl.localrun import DagTestResult, airflow_env, dags_test, migrate
from article_etl.warehouse import get_engine
from article_etl.warehouse.schema import rejects

pytestmark = pytest.mark.e2e


@dataclass
class Alerted:
    engine: Engine
    empty_day: DagTestResult
    broken_feed: DagTestResult
    broken_ds: str


@pytest.fixture(scope="module")
def alerted(tmp_path_factory: pytest.TempPathFactory) -> Alerted:
    tmp = tmp_path_factory.mktemp("alerts")
    warehouse = f"sqlite:///{tmp / 'warehouse.db'}"
    broken = tmp / "sources.yaml"
    broken.write_text(
        SOURCES_FILE.read_text(encoding="utf-8").replace("/xijiang/rss.xml", "/xijiang/moved.xml"),
        encoding="utf-8",
    )
    today = datetime.now(UTC).date()
    with running_site() as base_url:
        common = {"home": str(tmp / "data"), "demo_url": base_url, "warehouse_url": warehouse}
        env = airflow_env(tmp / "airflow", sources=str(SOURCES_FILE), **common)
        migrate(env)
        empty = dags_test(env, today.isoformat())
        env = airflow_env(tmp / "airflow", sources=str(broken), **common)
        run_day = today - timedelta(days=3)
        failed = dags_test(env, run_day.isoformat(), conf={"sources": ["xijiang"]})
    return Alerted(get_engine(warehouse), empty, failed, (run_day - timedelta(days=1)).isoformat())


def test_a_recent_day_with_no_articles_fails_loudly(alerted: Alerted) -> None:
    assert alerted.empty_day.state == "failed", alerted.empty_day.output[-5000:]
    assert "no articles were loaded from any source" in alerted.empty_day.output


def test_a_failed_discovery_alerts_and_leaves_a_row_in_the_warehouse(alerted: Alerted) -> None:
    assert alerted.broken_feed.state == "failed"
    assert "article-etl alert: article_etl_daily.per_source.discover failed for source xijiang" in (
        alerted.broken_feed.output
    )
    with alerted.engine.connect() as conn:
        rows = conn.execute(
            select(rejects.c.ds, rejects.c.source_id, rejects.c.stage, rejects.c.url, rejects.c.detail).where(
                rejects.c.reason == "source_failed"
            )
        ).all()
    assert [(r.ds, r.source_id, r.stage) for r in rows] == [(alerted.broken_ds, "xijiang", "discover")]
    assert rows[0].url.endswith("/xijiang/moved.xml")
    assert "404" in rows[0].detail or "moved.xml" in rows[0].detail
