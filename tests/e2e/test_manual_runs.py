"""Runs a person starts by hand: one source picked in the trigger form, and a day years back.

Both used to go wrong: a one-source run failed its report task (a mapped group of one hands over
a dict, not a list), and any day before the DAG's hard-coded start date ran zero tasks and was
reported green. Real ``airflow dags test`` runs against the demo site, real SQLite warehouse.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from article_etl.demo.site import running_site
from article_etl.localrun import DagTestResult, dags_test
from article_etl.warehouse import get_engine
from article_etl.warehouse.schema import articles, pipeline_runs
from tests.e2e.helpers import DEMO_RUN_DATE, demo_airflow

pytestmark = pytest.mark.e2e

ONE_SOURCE = "xijiang"
OLD_DAY = "2022-02-14"  # the run for the interval that ends then: ds=2022-02-13


@dataclass
class ManualRuns:
    airflow_home: Path
    engine: Engine
    one_source: DagTestResult
    old_day: DagTestResult


@pytest.fixture(scope="module")
def manual(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ManualRuns]:
    tmp = tmp_path_factory.mktemp("manual")
    warehouse = f"sqlite:///{tmp / 'warehouse.db'}"
    with running_site() as base_url:
        env = demo_airflow(tmp, base_url, warehouse)
        one = dags_test(env, DEMO_RUN_DATE, conf={"sources": [ONE_SOURCE]})
        old = dags_test(env, OLD_DAY)
        yield ManualRuns(tmp / "airflow", get_engine(warehouse), one, old)


def _map_names(airflow_home: Path, logical_day: str) -> set[str]:
    """The names the UI shows for the mapped tasks of the run with this logical date."""
    with sqlite3.connect(airflow_home / "airflow.db") as db:
        rows = db.execute(
            "SELECT ti.rendered_map_index FROM task_instance ti JOIN dag_run r ON r.run_id = ti.run_id"
            " WHERE ti.map_index >= 0 AND r.logical_date LIKE ?",
            (f"{logical_day}%",),
        ).fetchall()
    return {r[0] for r in rows}


def test_a_run_for_one_source_succeeds_and_loads_only_that_source(manual: ManualRuns) -> None:
    assert manual.one_source.state == "success", manual.one_source.output[-8000:]
    assert f"{ONE_SOURCE}: loaded" in manual.one_source.output
    with manual.engine.connect() as conn:
        sources = set(conn.execute(select(articles.c.source_id)).scalars())
    assert sources == {ONE_SOURCE}


def test_mapped_tasks_are_named_by_their_source(manual: ManualRuns) -> None:
    assert _map_names(manual.airflow_home, DEMO_RUN_DATE) == {ONE_SOURCE}
    assert _map_names(manual.airflow_home, OLD_DAY) == {"xijiang", "luoyang", "harbor"}


def test_a_day_in_2022_runs_every_stage(manual: ManualRuns) -> None:
    assert manual.old_day.state == "success", manual.old_day.output[-8000:]
    with manual.engine.connect() as conn:
        ran = set(conn.execute(select(pipeline_runs.c.source_id).where(pipeline_runs.c.ds == "2022-02-13")))
    assert {r[0] for r in ran} == {"xijiang", "luoyang", "harbor"}
