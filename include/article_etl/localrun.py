"""Run the DAG the way a user does on a laptop: ``airflow dags test`` with a throwaway AIRFLOW_HOME.

Both ``make demo`` and the end-to-end tests go through here, so the demo a user sees and the run
CI checks are the same run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from article_etl.config import INCLUDE_DIR
from article_etl.pools import FETCH_POOL, FETCH_POOL_DESCRIPTION, fetch_pool_slots

REPO_DIR = INCLUDE_DIR.parent
DAGS_DIR = REPO_DIR / "dags"
DAG_ID = "article_etl_daily"


@dataclass(frozen=True)
class DagTestResult:
    """How an ``airflow dags test`` run ended, with its full output kept for the person reading."""

    returncode: int
    state: str | None
    output: str


def airflow_env(airflow_home: Path, **article_etl: str) -> dict[str, str]:
    """The environment for a local Airflow: its own home, our DAGs, sized for a 2-core laptop.

    ``article_etl`` keyword arguments become ARTICLE_ETL_* variables (``home=...`` ->
    ``ARTICLE_ETL_HOME``).
    """
    env = dict(os.environ)
    env.update(
        {
            "AIRFLOW_HOME": str(airflow_home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            "GX_ANALYTICS_ENABLED": "False",
            # One try per task: a local run should show a failure now, not after minutes of retry backoff.
            "ARTICLE_ETL_TASK_RETRIES": env.get("ARTICLE_ETL_TASK_RETRIES", "0"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(INCLUDE_DIR), env.get("PYTHONPATH", "")])),
        }
    )
    for key, value in article_etl.items():
        env[f"ARTICLE_ETL_{key.upper()}"] = value
    return env


def _airflow() -> str:
    return str(Path(sys.executable).with_name("airflow"))


def migrate(env: dict[str, str]) -> None:
    """Create the throwaway metadata database (``airflow db migrate``) and the fetch pool."""
    Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    pool = ["pools", "set", FETCH_POOL, str(fetch_pool_slots()), FETCH_POOL_DESCRIPTION]
    for args in (["db", "migrate"], pool):
        proc = subprocess.run([_airflow(), *args], env=env, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(
                f"airflow {' '.join(args[:2])} failed in {env['AIRFLOW_HOME']}:\n{proc.stdout}\n{proc.stderr}"
            )


def dags_test(
    env: dict[str, str], logical_date: str, timeout: float = 900, conf: dict[str, object] | None = None
) -> DagTestResult:
    """``airflow dags test article_etl_daily <logical_date>`` (with ``conf`` as the run's params)
    and the state the run ended in."""
    proc = subprocess.run(
        [_airflow(), "dags", "test", DAG_ID, logical_date, *(["-c", json.dumps(conf)] if conf else [])],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = proc.stdout + proc.stderr
    runs = subprocess.run(
        [_airflow(), "dags", "list-runs", DAG_ID, "-o", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    state = None
    # The CLI may log before it prints the JSON: take the line that is the JSON list.
    listing = next((line for line in runs.stdout.splitlines() if line.startswith("[")), None)
    try:
        listed = json.loads(listing or "[]")
        matching = [r for r in listed if str(r.get("logical_date", "")).startswith(logical_date[:10])]
        state = (matching or listed or [{}])[0].get("state")
    except json.JSONDecodeError:
        output += f"\n(could not read the run state: {runs.stdout}{runs.stderr})"
    return DagTestResult(returncode=proc.returncode, state=state, output=output)
