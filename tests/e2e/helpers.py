"""What the end-to-end tests share: a throwaway Airflow on the demo site, and server start-up."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from article_etl.demo.catalog import DEMO_DAY, SOURCES_FILE
from article_etl.localrun import airflow_env, migrate

# `airflow dags test DAG X` runs the interval that ends at X: this date loads the demo day.
DEMO_RUN_DATE = (DEMO_DAY + timedelta(days=1)).isoformat()


def demo_airflow(
    tmp: Path, demo_url: str, warehouse: str, sources: Path = SOURCES_FILE, **airflow: str
) -> dict[str, str]:
    """The environment of a migrated Airflow home under ``tmp`` whose runs fetch the demo site at
    ``demo_url`` and load ``warehouse``; ``airflow`` adds or overrides variables (AIRFLOW__...)."""
    env = airflow_env(
        tmp / "airflow",
        home=str(tmp / "data"),
        sources=str(sources),
        demo_url=demo_url,
        warehouse_url=warehouse,
    )
    env.update(airflow)
    migrate(env)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_healthy(base_url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float = 120) -> None:
    """Wait for an Airflow API server to answer its health check; fail with its log if it dies."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the API server exited ({proc.returncode}): {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/api/v2/monitor/health", timeout=2):
                return
        except OSError:
            time.sleep(1)
    pytest.fail(f"the API server did not answer in {seconds:.0f} s: {log.read_text()[-3000:]}")
