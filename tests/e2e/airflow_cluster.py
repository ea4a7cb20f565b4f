"""A real Airflow on a fresh PostgreSQL metadata database: API server, scheduler, dag-processor and,
for the CeleryExecutor, Celery workers on the machine's Redis; and backfills run on it.

One set-up for the scheduler backfill test, the Celery scale-out test and ``bench/airflow_cost.py``
(which imports it the way ``bench/gx_cost.py`` imports ``tests.warehouse.helpers``). It lives here,
beside the end-to-end tests that first needed it, and not in ``include/article_etl``: the package
never starts Airflow's services, a deployment does. It imports neither pytest nor Airflow (Airflow
runs as subprocesses), so a bench run pulls in no test machinery; failures raise ``RuntimeError``
with the tail of the log that explains them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from article_etl.localrun import DAG_ID, REPO_DIR, airflow_env, migrate
from tests.e2e.celery_hostname import WORKER_NAME_ENV

AIRFLOW = str(Path(sys.executable).with_name("airflow"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_healthy(base_url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float = 120) -> None:
    """Wait for an Airflow API server to answer its health check; raise with its log if it dies."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the API server exited ({proc.returncode}): {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/api/v2/monitor/health", timeout=2):
                return
        except OSError:
            time.sleep(1)
    raise RuntimeError(f"the API server did not answer in {seconds:.0f} s: {log.read_text()[-3000:]}")


@contextmanager
def fresh_postgres_databases(admin: Engine, prefix: str, kinds: Sequence[str]) -> Iterator[dict[str, str]]:
    """One new UTF-8 database per kind on ``admin``'s server (``{prefix}_{kind}_{random}``), as
    psycopg URLs with the password kept; all dropped afterwards, connections or not."""
    names = {k: f"{prefix}_{k}_{uuid.uuid4().hex[:8]}" for k in kinds}
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name in names.values():
            conn.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    try:
        yield {
            k: make_url(admin.url)
            .set(drivername="postgresql+psycopg", database=n)
            .render_as_string(hide_password=False)
            for k, n in names.items()
        }
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for name in names.values():
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@dataclass
class Cluster:
    """A running Airflow: its environment (for CLI calls), its metadata URL and its processes."""

    env: dict[str, str]
    meta_url: str
    logs: Path
    queue: str | None = None  # the Celery queue of this cluster's tasks
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def runs(self) -> list[dict[str, Any]]:
        """The daily DAG's runs (run id, state, end date), read from the metadata database: a
        query, where ``airflow dags list-runs`` would start a whole Airflow CLI every poll."""
        from sqlalchemy import create_engine

        engine = create_engine(self.meta_url)
        try:
            with engine.connect() as conn:
                rows = conn.execute(
                    text("SELECT run_id, state, end_date FROM dag_run WHERE dag_id = :dag"), {"dag": DAG_ID}
                ).all()
        finally:
            engine.dispose()
        return [{"run_id": r.run_id, "state": r.state, "end_date": r.end_date} for r in rows]

    def backfill(self, first: date, last: date, *extra: str, timeout: float = 900) -> int:
        """``airflow backfill create`` of the days ``first``..``last`` (both run at once at most two
        at a time), waiting until each day's run has finished after it was created (a re-run with
        ``--reprocess-behavior completed`` clears and re-runs the same runs); returns the most runs
        seen running at once. Raises when a run fails or time runs out."""
        command = [AIRFLOW, "backfill", "create", "--dag-id", DAG_ID, "--from-date", first.isoformat(),
                   "--to-date", last.isoformat(), "--max-active-runs", "2", *extra]  # fmt: skip
        days = (last - first).days + 1
        # A backfill whose runs just ended is marked complete by the scheduler within 30 s; until
        # then Airflow refuses a second one for the DAG (AlreadyRunningBackfill).
        asked = datetime.now(UTC)
        for _ in range(90):
            created = subprocess.run(command, env=self.env, capture_output=True, text=True, check=False)
            if created.returncode == 0:
                break
            said = created.stdout + created.stderr
            if "AlreadyRunningBackfill" not in said and "already a running backfill" not in said:
                raise RuntimeError(f"airflow backfill create failed: {said[-3000:]}")
            time.sleep(2)
        else:
            raise RuntimeError("the previous backfill was never marked complete")
        deadline, most = time.monotonic() + timeout, 0
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    log = (self.logs / f"{name}.log").read_text()[-3000:]
                    raise RuntimeError(
                        f"airflow {name} exited ({proc.returncode}) during the backfill: {log}"
                    )
            runs = [r for r in self.runs() if str(r.get("run_id", "")).startswith("backfill__")]
            most = max(most, sum(1 for r in runs if r.get("state") == "running"))
            ended = [
                r
                for r in runs
                if r.get("state") in ("success", "failed") and r.get("end_date") and r["end_date"] > asked
            ]
            if len(ended) >= days:
                states = sorted(str(r.get("state")) for r in ended)
                if set(states) != {"success"}:
                    raise RuntimeError(f"backfill runs ended {states}; logs in {self.logs}")
                return most
            time.sleep(2)
        raise RuntimeError(f"the backfill did not finish within {timeout:.0f} s: {self.runs()}")


@contextmanager
def airflow_cluster(
    logs: Path,
    meta_url: str,
    *,
    executor: str = "LocalExecutor",
    broker: str | None = None,
    workers: Sequence[str] = (),
    worker_concurrency: int = 2,
    extra_env: dict[str, str] | None = None,
    **article_etl: str,
) -> Iterator[Cluster]:
    """Start Airflow on the PostgreSQL database ``meta_url`` (migrated here) with our DAG unpaused
    and only the runs asked for (no scheduled run competes); stop every process it started after.

    ``article_etl`` are ARTICLE_ETL_* settings (``home``, ``sources``, ``warehouse_url``, ...).
    With ``executor="CeleryExecutor"``, ``broker`` is the Redis URL, the metadata database is also
    Celery's result backend (as in docker-compose.yaml), tasks go to a queue of the cluster's own
    (other work on the same Redis can neither take them nor give it its own) and one Celery worker
    per name in ``workers`` runs ``worker_concurrency`` tasks at once; task instances record the
    worker's name as their host (``tests.e2e.celery_hostname``), as on a cluster of hosts.
    """
    logs.mkdir(parents=True, exist_ok=True)
    meta_url = make_url(meta_url).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    api_port = free_port()
    env = airflow_env(logs / "airflow", **article_etl)
    env.update(
        {
            "AIRFLOW__CORE__EXECUTOR": executor,
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": meta_url,
            # psycopg 3 serves Airflow's async engine too (its default would be asyncpg).
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": meta_url,
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
            "AIRFLOW__API__PORT": str(api_port),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API_AUTH__JWT_SECRET": uuid.uuid4().hex * 2,
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_HOST": "127.0.0.1",
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            # Only the runs asked for: no scheduled run of today competing for the 2 cores.
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            # The package, and the repository for the Celery workers' hostname_callable.
            "PYTHONPATH": os.pathsep.join([str(REPO_DIR / "include"), str(REPO_DIR)]),
        }
    )
    queue = f"article_etl_q_{uuid.uuid4().hex[:8]}"
    if executor == "CeleryExecutor":
        if not broker:
            raise ValueError("the CeleryExecutor needs a broker URL (Redis)")
        env.update(
            {
                "AIRFLOW__CELERY__BROKER_URL": broker,
                "AIRFLOW__CELERY__RESULT_BACKEND": f"db+{meta_url}",
                "AIRFLOW__OPERATORS__DEFAULT_QUEUE": queue,
            }
        )
    env.update(extra_env or {})
    cluster = Cluster(
        env=env, meta_url=meta_url, logs=logs, queue=queue if executor == "CeleryExecutor" else None
    )

    def start(name: str, command: list[str], proc_env: dict[str, str]) -> subprocess.Popen[bytes]:
        with (logs / f"{name}.log").open("wb") as log:
            proc = subprocess.Popen(
                command, env=proc_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        cluster.procs[name] = proc
        return proc

    try:
        migrate(env)
        subprocess.run([AIRFLOW, "dags", "reserialize"], env=env, check=True, capture_output=True)
        subprocess.run([AIRFLOW, "dags", "unpause", DAG_ID], env=env, check=True, capture_output=True)
        api = start("api-server", [AIRFLOW, "api-server", "-w", "1"], env)
        # Tasks report to the API server: it must answer before the first one runs.
        wait_until_healthy(f"http://127.0.0.1:{api_port}", api, logs / "api-server.log")
        if executor == "CeleryExecutor":
            for name in workers:
                worker_env = env | {
                    # Each worker's log server on a port of its own (all default to 8793).
                    "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
                    "AIRFLOW__CORE__HOSTNAME_CALLABLE": "tests.e2e.celery_hostname.worker_name",
                    WORKER_NAME_ENV: name,
                }
                command = [
                    AIRFLOW,
                    "celery",
                    "worker",
                    "-H",
                    f"{name}@%h",
                    "-q",
                    queue,
                    "-c",
                    str(worker_concurrency),
                ]
                start(f"worker-{name}", [*command, "--without-mingle", "--without-gossip"], worker_env)
        for name in ("scheduler", "dag-processor"):
            start(name, [AIRFLOW, name], env)
        yield cluster
    finally:
        for proc in cluster.procs.values():
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in cluster.procs.values():
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        if executor == "CeleryExecutor" and broker:
            _drop_queue(broker, queue)


def _drop_queue(broker: str, queue: str) -> None:
    """Remove the cluster's queue and kombu's bindings of it (``_kombu.binding.Q`` and the like)."""
    try:
        import redis

        client = redis.Redis.from_url(broker)
        ours = list(client.scan_iter(match=f"*{queue}*"))
        if ours:
            client.delete(*ours)
    except Exception:  # cleanup only: the queue is empty once its runs finished
        pass
