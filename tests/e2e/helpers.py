"""What the end-to-end tests share: a throwaway Airflow on the demo site (servers and ports:
``tests.e2e.airflow_cluster``)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

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
