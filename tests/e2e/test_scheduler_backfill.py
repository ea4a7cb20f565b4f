"""Airflow's own backfill, run by a real scheduler, gives exactly what `airflow dags test` gives.

A LocalExecutor scheduler, dag-processor and API server run on a PostgreSQL metadata database (a
fresh database on the machine's server: SQLite's locks are what broke backfills before) and load
a fresh PostgreSQL warehouse. `airflow backfill create` covers two demo days with both runs active
at once; each day's rows must equal those of `dags test` runs of the same days into another fresh
warehouse, and re-running a backfilled day (`--reprocess-behavior completed`) changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from article_etl.demo.catalog import DEMO_DAY, SOURCES_FILE
from article_etl.demo.site import running_site
from article_etl.localrun import airflow_env, dags_test, migrate
from article_etl.warehouse import get_engine
from article_etl.warehouse.schema import articles, pipeline_runs, rejects
from tests.conftest import reachable_engine
from tests.e2e.airflow_cluster import airflow_cluster, fresh_postgres_databases

# Three Airflow processes and two day-runs on 2 cores: minutes, not the default 10-minute test limit.
pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.timeout(1800)]

DAYS = [DEMO_DAY - timedelta(days=1), DEMO_DAY]


def _rows_by_day(engine: Engine) -> dict[str, tuple[list[tuple[str, ...]], ...]]:
    """Every data row but surrogate keys and run ids (which rightly name the run), per ds."""
    out: dict[str, tuple[list[tuple[str, ...]], ...]] = {}
    with engine.connect() as conn:
        for day in DAYS:
            ds = day.isoformat()
            out[ds] = tuple(
                sorted(
                    tuple(str(v) for v in r)
                    for r in conn.execute(
                        select(*[c for c in t.columns if c.name not in ("id", "run_id")]).where(t.c.ds == ds)
                    )
                )
                for t in (articles, rejects, pipeline_runs)
            )
    return out


@dataclass
class Backfilled:
    reference: dict[str, tuple[list[tuple[str, ...]], ...]]
    after_backfill: dict[str, tuple[list[tuple[str, ...]], ...]]
    after_rerun: dict[str, tuple[list[tuple[str, ...]], ...]]
    most_running: int


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backfilled]:
    admin = reachable_engine("ARTICLE_ETL_TEST_POSTGRES_URL", "PostgreSQL")
    tmp = tmp_path_factory.mktemp("backfill")
    try:
        with (
            fresh_postgres_databases(admin, "article_etl_bf", ("meta", "ref", "wh")) as url,
            running_site() as demo_url,
        ):
            common = {"sources": str(SOURCES_FILE), "demo_url": demo_url}
            # The reference: `dags test` of each day (SQLite metadata, its own home and warehouse).
            ref_env = airflow_env(tmp / "ref", home=str(tmp / "ref-data"), warehouse_url=url["ref"], **common)
            migrate(ref_env)
            for day in DAYS:
                result = dags_test(ref_env, (day + timedelta(days=1)).isoformat())
                assert result.state == "success", result.output[-5000:]
            reference = _rows_by_day(get_engine(url["ref"]))

            with airflow_cluster(
                tmp / "airflow",
                url["meta"],
                home=str(tmp / "data"),
                warehouse_url=url["wh"],
                sources=str(SOURCES_FILE),
                demo_url=demo_url,
            ) as cluster:
                most = cluster.backfill(DAYS[0], DAYS[-1])
                warehouse = get_engine(url["wh"])
                after = _rows_by_day(warehouse)
                cluster.backfill(DAYS[0], DAYS[-1], "--reprocess-behavior", "completed")
                yield Backfilled(reference, after, _rows_by_day(warehouse), most)
    finally:
        admin.dispose()


def test_two_backfill_runs_were_active_at_once(backfilled: Backfilled) -> None:
    assert backfilled.most_running >= 2


def test_each_backfilled_day_equals_dags_test(backfilled: Backfilled) -> None:
    assert backfilled.reference[DEMO_DAY.isoformat()][0], "the reference loaded nothing"
    for ds, rows in backfilled.reference.items():
        assert backfilled.after_backfill[ds] == rows, ds


def test_re_running_a_backfilled_day_changes_nothing(backfilled: Backfilled) -> None:
    assert backfilled.after_rerun == backfilled.after_backfill
