"""The daily DAG scaled out on Celery: two workers, two days at once, the same warehouse.

What the compose stack and a cluster run, on this machine: CeleryExecutor with the machine's
Redis as broker, a fresh PostgreSQL metadata database (also the result backend), an API server,
scheduler and dag-processor, and two Celery workers started and stopped by the test. A backfill of
two demo days runs with both runs active at once; each day's rows must equal those of
`airflow dags test` runs of the same days into another fresh warehouse, and the task instances
must show that both workers ran tasks. The workers share one landing zone, as a cluster's workers
share a volume: a task's `clean` may run on another worker than its `fetch`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from article_etl.demo.catalog import SOURCES_FILE
from article_etl.demo.site import running_site
from article_etl.localrun import DAG_ID, airflow_env, dags_test, migrate
from article_etl.warehouse import get_engine
from tests.conftest import REPO, reachable_engine
from tests.e2e.airflow_cluster import airflow_cluster, fresh_postgres_databases
from tests.e2e.test_scheduler_backfill import DAYS, _rows_by_day

# Five Airflow processes and two day-runs on 2 cores: minutes.
pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.timeout(1800)]

WORKERS = ("w1", "w2")


def redis_url() -> str:
    """The machine's Redis (ARTICLE_ETL_TEST_REDIS_URL, default 127.0.0.1:6379 db 0): skip when it
    does not answer, unless CI requires services (then fail)."""
    import redis

    url = os.environ.get("ARTICLE_ETL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    host = make_url(url.replace("redis://", "postgresql://", 1)).host or ""
    assert host in ("127.0.0.1", "localhost", "::1"), f"the test Redis must be on loopback, not {host}"
    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except Exception as exc:
        if os.environ.get("ARTICLE_ETL_REQUIRE_SERVICES"):
            pytest.fail(f"Redis at {url} is unreachable: {exc}")
        pytest.skip(f"Redis at {url} is unreachable (set ARTICLE_ETL_TEST_REDIS_URL): {exc}")
    return url


@dataclass
class ScaledOut:
    reference: dict[str, tuple[list[tuple[str, ...]], ...]]
    celery: dict[str, tuple[list[tuple[str, ...]], ...]]
    most_running: int
    hosts: dict[str, int]
    queues: set[str]
    queue: str  # the cluster's own queue


@pytest.fixture(scope="module")
def scaled_out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScaledOut]:
    broker = redis_url()
    admin = reachable_engine("ARTICLE_ETL_TEST_POSTGRES_URL", "PostgreSQL")
    tmp = tmp_path_factory.mktemp("celery")
    try:
        with (
            fresh_postgres_databases(admin, "article_etl_cel", ("meta", "ref", "wh")) as url,
            running_site() as demo_url,
        ):
            common = {"sources": str(SOURCES_FILE), "demo_url": demo_url}
            ref_env = airflow_env(tmp / "ref", home=str(tmp / "ref-data"), warehouse_url=url["ref"], **common)
            migrate(ref_env)
            for day in DAYS:
                result = dags_test(ref_env, (day + timedelta(days=1)).isoformat())
                assert result.state == "success", result.output[-5000:]
            reference = _rows_by_day(get_engine(url["ref"]))

            with airflow_cluster(
                tmp / "airflow",
                url["meta"],
                executor="CeleryExecutor",
                broker=broker,
                workers=WORKERS,
                home=str(tmp / "data"),
                warehouse_url=url["wh"],
                sources=str(SOURCES_FILE),
                demo_url=demo_url,
            ) as cluster:
                most = cluster.backfill(DAYS[0], DAYS[-1])
                celery_rows = _rows_by_day(get_engine(url["wh"]))
                meta = create_engine(url["meta"])
                with meta.connect() as conn:
                    hosts: dict[str, int] = dict(
                        conn.execute(
                            text(
                                "SELECT hostname, count(*) FROM task_instance WHERE dag_id = :dag "
                                "AND run_id LIKE 'backfill__%' AND state = 'success' GROUP BY hostname"
                            ),
                            {"dag": DAG_ID},
                        ).all()
                    )
                    queues = {
                        str(q)
                        for (q,) in conn.execute(
                            text("SELECT DISTINCT queue FROM task_instance WHERE dag_id = :dag"),
                            {"dag": DAG_ID},
                        )
                    }
                meta.dispose()
                yield ScaledOut(reference, celery_rows, most, hosts, queues, str(cluster.queue))
    finally:
        admin.dispose()


def test_two_runs_were_active_at_once(scaled_out: ScaledOut) -> None:
    assert scaled_out.most_running >= 2


def test_both_workers_ran_tasks(scaled_out: ScaledOut) -> None:
    assert set(scaled_out.hosts) == set(WORKERS), scaled_out.hosts
    assert scaled_out.queues, "no task instances"
    assert scaled_out.queues == {scaled_out.queue}, scaled_out.queues


def test_each_day_equals_dags_test(scaled_out: ScaledOut) -> None:
    assert any(rows[0] for rows in scaled_out.reference.values()), "the reference loaded nothing"
    for ds, rows in scaled_out.reference.items():
        assert scaled_out.celery[ds] == rows, ds


def test_compose_workers_and_this_test_share_the_executor_settings() -> None:
    """The settings this test proves are the ones docker-compose.yaml gives its services."""
    compose = (Path(REPO) / "docker-compose.yaml").read_text()
    for setting in (
        "AIRFLOW__CORE__EXECUTOR: CeleryExecutor",
        "AIRFLOW__CELERY__BROKER_URL: redis://",
        "AIRFLOW__CELERY__RESULT_BACKEND: db+postgresql+psycopg://",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC: postgresql+psycopg://",
    ):
        assert setting in compose, setting
