"""Every DAG file parses, carries what operators rely on, and stays light to parse."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"
HEAVY = ("great_expectations", "pandas", "trafilatura", "readability", "sqlalchemy", "bs4", "lxml.html")


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    import os

    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow")))
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_no_import_errors(dagbag) -> None:  # type: ignore[no-untyped-def]
    assert dagbag.import_errors == {}
    assert "article_etl_daily" in dagbag.dags


def test_every_dag_has_owner_tags_retries_and_docs(dagbag) -> None:  # type: ignore[no-untyped-def]
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags, f"{dag_id} has no tags"
        assert len(dag.doc_md or "") > 50, f"{dag_id} has no doc_md"
        for task in dag.tasks:
            assert task.owner not in (None, "", "airflow"), f"{dag_id}.{task.task_id} has no owner"
            assert task.retries >= 1, f"{dag_id}.{task.task_id} has no retries"


def test_daily_dag_shape(dagbag) -> None:  # type: ignore[no-untyped-def]
    dag = dagbag.dags["article_etl_daily"]
    assert dag.catchup is False
    # A cron with real data intervals: Airflow 3's bare "@daily" would give zero-length intervals.
    assert type(dag.timetable).__name__ == "CronDataIntervalTimetable"
    assert dag.timetable.expression in ("@daily", "0 0 * * *")
    ids = {t.task_id for t in dag.tasks}
    for stage in ("discover", "fetch", "clean", "validate", "load"):
        assert f"per_source.{stage}" in ids
    order = [
        "per_source.discover",
        "per_source.fetch",
        "per_source.clean",
        "per_source.validate",
        "per_source.load",
    ]
    for up, down in itertools.pairwise(order):
        assert down in dag.get_task(up).downstream_task_ids


@pytest.mark.parametrize("dag_file", sorted(DAGS.glob("*.py")), ids=lambda p: p.name)
def test_dag_file_imports_nothing_heavy(dag_file: Path) -> None:
    """Parse the DAG file in a fresh interpreter (with Airflow already loaded, as in the DAG
    processor) and list which heavy modules it pulled in: there must be none."""
    code = (
        "import sys, json, runpy, airflow.sdk\n"
        f"before = set(sys.modules)\nrunpy.run_path({str(dag_file)!r})\n"
        f"print(json.dumps(sorted(m for m in set(sys.modules) - before if m.split('.')[0] in {list(h.split('.')[0] for h in HEAVY)!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_every_task_is_bounded_and_fetch_runs_in_its_pool(dagbag) -> None:  # type: ignore[no-untyped-def]
    """No task may run forever; fetch tasks share the pool the project's set-up creates."""
    from article_etl.pools import FETCH_POOL

    dag = dagbag.dags["article_etl_daily"]
    for task in dag.tasks:
        assert task.execution_timeout is not None, f"{task.task_id} has no execution_timeout"
    assert dag.get_task("per_source.fetch").pool == FETCH_POOL


def test_the_local_set_up_creates_the_fetch_pool(tmp_path: Path) -> None:
    """What `make demo` and the end-to-end tests start from: the pool exists with its slots."""
    from article_etl.localrun import airflow_env, migrate
    from article_etl.pools import FETCH_POOL

    env = airflow_env(tmp_path / "airflow")
    migrate(env)
    out = subprocess.run(
        [str(Path(sys.executable).with_name("airflow")), "pools", "get", FETCH_POOL, "-o", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    listing = json.loads(next(line for line in out.stdout.splitlines() if line.startswith("[")))
    assert listing[0]["pool"] == FETCH_POOL
    assert int(listing[0]["slots"]) == 4


def test_the_daily_dag_offers_replay_off_by_default(dagbag) -> None:  # type: ignore[no-untyped-def]
    """The trigger form's ``replay`` switch: off unless a person turns it on."""
    from article_etl.dag_params import REPLAY_PARAM

    param = dagbag.dags["article_etl_daily"].params.get_param(REPLAY_PARAM)
    assert param.value is False
    assert param.schema["type"] == "boolean"


def test_the_daily_dag_offers_refresh_off_by_default(dagbag) -> None:  # type: ignore[no-untyped-def]
    """The trigger form's ``refresh`` switch: already-loaded URLs are skipped unless it is on."""
    from article_etl.dag_params import REFRESH_PARAM

    param = dagbag.dags["article_etl_daily"].params.get_param(REFRESH_PARAM)
    assert param.value is False
    assert param.schema["type"] == "boolean"
