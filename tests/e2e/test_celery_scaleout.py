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
import signal
import subprocess
import uuid
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
from tests.e2e.celery_hostname import WORKER_NAME_ENV
from tests.e2e.helpers import free_port, wait_until_healthy
from tests.e2e.test_scheduler_backfill import (
    AIRFLOW,
    DAYS,
    _backfill_and_wait,
    _rows_by_day,
)

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


@pytest.fixture(scope="module")
def scaled_out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScaledOut]:
    broker = redis_url()
    admin = reachable_engine("ARTICLE_ETL_TEST_POSTGRES_URL", "PostgreSQL")
    names = {k: f"article_etl_cel_{k}_{uuid.uuid4().hex[:8]}" for k in ("meta", "ref", "wh")}
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name in names.values():
            conn.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    url = {
        k: make_url(admin.url).set(database=n).render_as_string(hide_password=False) for k, n in names.items()
    }
    # A queue of our own: other work on the same Redis can neither take our tasks nor give us its.
    queue = f"article_etl_test_{uuid.uuid4().hex[:8]}"
    tmp = tmp_path_factory.mktemp("celery")
    procs: list[subprocess.Popen[bytes]] = []

    def start(name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        with (tmp / f"{name}.log").open("wb") as log:
            proc = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        procs.append(proc)
        return proc

    try:
        with running_site() as demo_url:
            common = {"sources": str(SOURCES_FILE), "demo_url": demo_url}
            ref_env = airflow_env(tmp / "ref", home=str(tmp / "ref-data"), warehouse_url=url["ref"], **common)
            migrate(ref_env)
            for day in DAYS:
                result = dags_test(ref_env, (day + timedelta(days=1)).isoformat())
                assert result.state == "success", result.output[-5000:]
            reference = _rows_by_day(get_engine(url["ref"]))

            api_port = free_port()
            meta_url = (
                make_url(url["meta"])
                .set(drivername="postgresql+psycopg")
                .render_as_string(hide_password=False)
            )
            env = airflow_env(tmp / "airflow", home=str(tmp / "data"), warehouse_url=url["wh"], **common)
            env.update(
                {
                    "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
                    "AIRFLOW__CELERY__BROKER_URL": broker,
                    # Celery's database result backend in the metadata database, as in compose.
                    "AIRFLOW__CELERY__RESULT_BACKEND": f"db+{meta_url}",
                    "AIRFLOW__OPERATORS__DEFAULT_QUEUE": queue,
                    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": meta_url,
                    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": meta_url,
                    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
                    "AIRFLOW__API__PORT": str(api_port),
                    "AIRFLOW__API__HOST": "127.0.0.1",
                    "AIRFLOW__API_AUTH__JWT_SECRET": uuid.uuid4().hex * 2,
                    "AIRFLOW__LOGGING__WORKER_LOG_SERVER_HOST": "127.0.0.1",
                    "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
                    "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
                    "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
                    # The package, and the repository for the workers' hostname_callable.
                    "PYTHONPATH": os.pathsep.join([str(REPO / "include"), str(REPO)]),
                }
            )
            migrate(env)
            subprocess.run([AIRFLOW, "dags", "reserialize"], env=env, check=True, capture_output=True)
            subprocess.run([AIRFLOW, "dags", "unpause", DAG_ID], env=env, check=True, capture_output=True)
            api = start("api-server", [AIRFLOW, "api-server", "-w", "1"], env)
            # Tasks report to the API server: it must answer before the first one runs.
            wait_until_healthy(f"http://127.0.0.1:{api_port}", api, tmp / "api-server.log")
            for name in WORKERS:
                worker_env = env | {
                    # Each worker's log server on a port of its own (both default to 8793).
                    "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
                    "AIRFLOW__CORE__HOSTNAME_CALLABLE": "tests.e2e.celery_hostname.worker_name",
                    WORKER_NAME_ENV: name,
                }
                command = [AIRFLOW, "celery", "worker", "-H", f"{name}@%h", "-q", queue, "-c", "2"]
                start(f"worker-{name}", [*command, "--without-mingle", "--without-gossip"], worker_env)
            for name in ("scheduler", "dag-processor"):
                start(name, [AIRFLOW, name], env)

            most = _backfill_and_wait(env)
            celery_rows = _rows_by_day(get_engine(url["wh"]))
            meta = create_engine(url["meta"])
            with meta.connect() as conn:
                hosts = dict(
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
                        text("SELECT DISTINCT queue FROM task_instance WHERE dag_id = :dag"), {"dag": DAG_ID}
                    )
                }
            meta.dispose()
            yield ScaledOut(reference, celery_rows, most, hosts, queues)
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        try:
            import redis

            client = redis.Redis.from_url(broker)
            # The queue and kombu's bindings of it (`_kombu.binding.Q`, `_kombu.binding_permanent.Q`).
            ours = list(client.scan_iter(match=f"*{queue}*"))
            if ours:
                client.delete(*ours)
        except Exception:  # cleanup only: the queue is empty once its runs finished
            pass
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for name in names.values():
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_two_runs_were_active_at_once(scaled_out: ScaledOut) -> None:
    assert scaled_out.most_running >= 2


def test_both_workers_ran_tasks(scaled_out: ScaledOut) -> None:
    assert set(scaled_out.hosts) == set(WORKERS), scaled_out.hosts
    assert scaled_out.queues, "no task instances"
    assert all(q.startswith("article_etl_test_") for q in scaled_out.queues), scaled_out.queues


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
