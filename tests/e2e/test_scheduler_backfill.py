"""Airflow's own backfill, run by a real scheduler, gives exactly what `airflow dags test` gives.

A LocalExecutor scheduler, dag-processor and API server run on a PostgreSQL metadata database (a
fresh database on the machine's server: SQLite's locks are what broke backfills before) and load
a fresh PostgreSQL warehouse. `airflow backfill create` covers two demo days with both runs active
at once; each day's rows must equal those of `dags test` runs of the same days into another fresh
warehouse, and re-running a backfilled day (`--reprocess-behavior completed`) changes nothing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.engine import make_url

from article_etl.demo.catalog import DEMO_DAY, SOURCES_FILE
from article_etl.demo.site import running_site
from article_etl.localrun import DAG_ID, airflow_env, dags_test, migrate
from article_etl.warehouse import get_engine
from article_etl.warehouse.schema import articles, pipeline_runs, rejects
from tests.conftest import reachable_engine
from tests.e2e.helpers import free_port, wait_until_healthy

# Three Airflow processes and two day-runs on 2 cores: minutes, not the default 10-minute test limit.
pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.timeout(1800)]

DAYS = [DEMO_DAY - timedelta(days=1), DEMO_DAY]
AIRFLOW = str(Path(sys.executable).with_name("airflow"))


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


def _runs(env: dict[str, str]) -> list[dict[str, str]]:
    proc = subprocess.run(
        [AIRFLOW, "dags", "list-runs", DAG_ID, "-o", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("[")), "[]")
    return list(json.loads(line))


def _backfill_and_wait(env: dict[str, str], *extra: str, timeout: float = 900) -> int:
    """Create a backfill of DAYS and wait until each day's run has finished after it was created
    (a re-run with ``--reprocess-behavior completed`` clears and re-runs the same runs); returns
    the most runs seen running at once."""
    command = [AIRFLOW, "backfill", "create", "--dag-id", DAG_ID, "--from-date", DAYS[0].isoformat(),
               "--to-date", DAYS[-1].isoformat(), "--max-active-runs", "2", *extra]  # fmt: skip
    # A backfill whose runs just ended is marked complete by the scheduler within 30 s; until then
    # Airflow refuses a second one for the DAG (AlreadyRunningBackfill).
    asked = datetime.now(UTC)
    for _ in range(90):
        created = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if created.returncode == 0:
            break
        said = created.stdout + created.stderr
        assert "AlreadyRunningBackfill" in said or "already a running backfill" in said, said[-3000:]
        time.sleep(2)
    else:
        pytest.fail("the previous backfill was never marked complete")
    deadline, most = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        runs = [r for r in _runs(env) if str(r.get("run_id", "")).startswith("backfill__")]
        most = max(most, sum(1 for r in runs if r.get("state") == "running"))
        ended = [
            r
            for r in runs
            if r.get("state") in ("success", "failed")
            and r.get("end_date")
            and datetime.fromisoformat(str(r["end_date"])) > asked
        ]
        if len(ended) >= len(DAYS):
            states = sorted(str(r.get("state")) for r in ended)
            assert set(states) == {"success"}, f"backfill runs ended {states}"
            return most
        time.sleep(2)
    pytest.fail(f"the backfill did not finish within {timeout:.0f} s: {_runs(env)}")


@dataclass
class Backfilled:
    reference: dict[str, tuple[list[tuple[str, ...]], ...]]
    after_backfill: dict[str, tuple[list[tuple[str, ...]], ...]]
    after_rerun: dict[str, tuple[list[tuple[str, ...]], ...]]
    most_running: int


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backfilled]:
    admin = reachable_engine("ARTICLE_ETL_TEST_POSTGRES_URL", "PostgreSQL")
    names = {k: f"article_etl_bf_{k}_{uuid.uuid4().hex[:8]}" for k in ("meta", "ref", "wh")}
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name in names.values():
            conn.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    url = {
        k: make_url(admin.url).set(database=n).render_as_string(hide_password=False) for k, n in names.items()
    }
    tmp = tmp_path_factory.mktemp("backfill")
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with running_site() as demo_url:
            common = {"sources": str(SOURCES_FILE), "demo_url": demo_url}
            # The reference: `dags test` of each day (SQLite metadata, its own home and warehouse).
            ref_env = airflow_env(tmp / "ref", home=str(tmp / "ref-data"), warehouse_url=url["ref"], **common)
            migrate(ref_env)
            for day in DAYS:
                result = dags_test(ref_env, (day + timedelta(days=1)).isoformat())
                assert result.state == "success", result.output[-5000:]
            reference = _rows_by_day(get_engine(url["ref"]))

            api_port = free_port()
            env = airflow_env(tmp / "airflow", home=str(tmp / "data"), warehouse_url=url["wh"], **common)
            env.update(
                {
                    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": url["meta"],
                    # psycopg 3 serves Airflow's async engine too (its default would be asyncpg).
                    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": url["meta"],
                    "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
                    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
                    "AIRFLOW__API__PORT": str(api_port),
                    "AIRFLOW__API__HOST": "127.0.0.1",
                    "AIRFLOW__API_AUTH__JWT_SECRET": uuid.uuid4().hex * 2,
                    "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
                    "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
                    "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
                    # Only the backfill's runs: no scheduled run of today competing for the 2 cores.
                    "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
                }
            )
            migrate(env)
            subprocess.run([AIRFLOW, "dags", "reserialize"], env=env, check=True, capture_output=True)
            subprocess.run([AIRFLOW, "dags", "unpause", DAG_ID], env=env, check=True, capture_output=True)
            for name in ("api-server", "scheduler", "dag-processor"):
                with (tmp / f"{name}.log").open("wb") as log:
                    procs.append(
                        subprocess.Popen(
                            [AIRFLOW, name],
                            env=env,
                            stdout=log,
                            stderr=subprocess.STDOUT,
                            start_new_session=True,
                        )
                    )
                if name == "api-server":  # tasks report to it: it must answer before the first task runs
                    wait_until_healthy(f"http://127.0.0.1:{api_port}", procs[0], tmp / "api-server.log")
            most = _backfill_and_wait(env)
            warehouse = get_engine(url["wh"])
            after = _rows_by_day(warehouse)
            _backfill_and_wait(env, "--reprocess-behavior", "completed")
            yield Backfilled(reference, after, _rows_by_day(warehouse), most)
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for name in names.values():
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_two_backfill_runs_were_active_at_once(backfilled: Backfilled) -> None:
    assert backfilled.most_running >= 2


def test_each_backfilled_day_equals_dags_test(backfilled: Backfilled) -> None:
    assert backfilled.reference[DEMO_DAY.isoformat()][0], "the reference loaded nothing"
    for ds, rows in backfilled.reference.items():
        assert backfilled.after_backfill[ds] == rows, ds


def test_re_running_a_backfilled_day_changes_nothing(backfilled: Backfilled) -> None:
    assert backfilled.after_rerun == backfilled.after_backfill
