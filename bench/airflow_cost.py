"""What running a day through Airflow costs beside running its stages in one process, and what
Celery workers change.

``measure_airflow(sources_file, day, home, mode, workers)`` runs the daily DAG for the data
interval starting ``day`` (``ds``) and returns the run's wall seconds (the DAG run's start to end
in Airflow's metadata database), every task instance's duration and queue wait, the articles and
rejects loaded, the stages' own seconds (their ``_manifest.json``), and peak RSS per task process
(sampled with psutil; the task runner titles its process ``airflow worker -- <task instance id>``).
Modes:

- ``dags-test``: ``airflow dags test`` in a throwaway home (SQLite metadata), every task in turn in
  one process: what ``make demo`` does;
- ``local``: a real scheduler with the LocalExecutor on a fresh PostgreSQL metadata database, the
  day run as a one-day backfill (``tests.e2e.airflow_cluster``, shared with the e2e tests);
- ``celery``: the same with the CeleryExecutor, Redis as broker and ``workers`` local Celery
  workers (two task slots each).

``measure_in_process(sources_file, day, home)`` is the reference: ``article-etl run`` of the same
day (every stage of every source in one process, no Airflow), with its wall time and peak RSS.

Every measurement gets a fresh PostgreSQL warehouse and landing zone, so each loads the same
rows from nothing. PostgreSQL comes from ``ARTICLE_ETL_BENCH_POSTGRES_URL`` (else
``ARTICLE_ETL_TEST_POSTGRES_URL``), Redis from ``ARTICLE_ETL_BENCH_REDIS_URL`` (default
127.0.0.1:6379/0). Nothing here asserts: speed is measured, not tested.

Usage::

    python -m bench.airflow_cost --sources F --day D --mode local        # one measurement, JSON
    python -m bench.airflow_cost --articles 1000 --day 2026-11-18 \\
        --mode in-process --mode dags-test --mode local --mode celery:1 --mode celery:2 \\
        --out bench/results/airflow-1000.json          # bench.corpus's day (4 sources), side by side
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: the repository (bench, tests) importable
    sys.path.insert(0, str(REPO))

MODES = ("dags-test", "local", "celery")
DB_PREFIX = os.environ.get("ARTICLE_ETL_BENCH_DB_PREFIX", "article_etl_bench")


def _admin_url() -> str:
    url = os.environ.get("ARTICLE_ETL_BENCH_POSTGRES_URL") or os.environ.get("ARTICLE_ETL_TEST_POSTGRES_URL")
    if not url:
        raise SystemExit(
            "bench.airflow_cost: set ARTICLE_ETL_BENCH_POSTGRES_URL (or ARTICLE_ETL_TEST_POSTGRES_URL) to a "
            "PostgreSQL server where it may create databases, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        )
    return url


class RssSampler:
    """Peak RSS and CPU seconds of the process tree under ``root``, sampled every ``interval``
    seconds in a thread: peak RSS per Airflow task process (keyed by task instance id, from the
    title the task runner gives it), peak RSS of the whole tree, and the CPU seconds (user +
    system) every process in it used. CPU time is what a shared machine does not distort: a run
    of 4 parallel tasks gets more of a busy machine's cores than one process, so wall time flatters
    it. ``include_root=False`` leaves out the root itself (the bench process, which also serves the
    corpus). Each process's last 0.25 s before it exits may go unseen."""

    def __init__(self, root: int, interval: float = 0.25, include_root: bool = True) -> None:
        self.root, self.interval, self.include_root = root, interval, include_root
        self.by_ti: dict[str, int] = {}
        self.tree_peak = 0
        self._cpu: dict[tuple[int, float], float] = {}  # (pid, create_time) -> user + system
        self._before: dict[tuple[int, float], float] = {}  # what the processes already up had used
        self._first = True
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def cpu_seconds(self) -> float:
        return round(sum(v - self._before.get(k, 0.0) for k, v in self._cpu.items()), 1)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psutil

        while not self._stop.wait(self.interval):
            try:
                root = psutil.Process(self.root)
                tree = [*([root] if self.include_root else []), *root.children(recursive=True)]
            except psutil.Error:
                continue
            total = 0
            for proc in tree:
                try:
                    with proc.oneshot():
                        rss = proc.memory_info().rss
                        cpu = proc.cpu_times()
                        self._cpu[(proc.pid, proc.create_time())] = cpu.user + cpu.system
                        title = proc.cmdline()[:1]
                except psutil.Error:
                    continue
                total += rss
                if title and title[0].startswith("airflow worker -- "):
                    ti = title[0].split("-- ", 1)[1].strip()
                    self.by_ti[ti] = max(self.by_ti.get(ti, 0), rss)
            self.tree_peak = max(self.tree_peak, total)
            if self._first:  # processes up before the run (Airflow's services): count from now
                self._before, self._first = dict(self._cpu), False


def _stage_seconds(home: Path) -> dict[str, float]:
    """The stages' own seconds (their manifests' ``seconds``), summed over sources, per stage."""
    out: dict[str, float] = {}
    for manifest in home.rglob("_manifest.json"):
        data = json.loads(manifest.read_text())
        stage = str(data.get("stage"))
        out[stage] = round(out.get(stage, 0.0) + float(data.get("seconds") or 0.0), 3)
    return out


def _warehouse_counts(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
                for t in ("articles", "rejects")
            }
    finally:
        engine.dispose()


def _task_rows(meta_url: str, rss: dict[str, int]) -> tuple[float, float, list[dict[str, Any]]]:
    """The DAG run's wall seconds (its start to end), the span from its first task's start to its
    last task's end, and its task instances (duration, queue wait, host, peak RSS)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(meta_url)
    try:
        with engine.connect() as conn:
            run = conn.execute(
                text(
                    "SELECT run_id, start_date, end_date FROM dag_run WHERE dag_id = 'article_etl_daily' "
                    "ORDER BY end_date DESC LIMIT 1"
                )
            ).one()
            rows = conn.execute(
                text(
                    "SELECT id, task_id, map_index, rendered_map_index, state, start_date, end_date, duration, "
                    "queued_dttm, hostname FROM task_instance WHERE run_id = :run ORDER BY start_date"
                ),
                {"run": run.run_id},
            ).all()
    finally:
        engine.dispose()

    def seconds(a: Any, b: Any) -> float | None:
        if a is None or b is None:
            return None
        if isinstance(a, str):  # SQLite hands back text
            from datetime import datetime

            a, b = datetime.fromisoformat(a), datetime.fromisoformat(b)
        return round((b - a).total_seconds(), 2)

    tasks = [
        {
            "task": r.task_id,
            "source": r.rendered_map_index if r.map_index is not None and r.map_index >= 0 else None,
            "state": r.state,
            "seconds": round(float(r.duration), 2) if r.duration is not None else None,
            "queued_seconds": seconds(r.queued_dttm, r.start_date),
            "host": r.hostname,
            "peak_rss_mb": round(rss[str(r.id)] / 2**20) if str(r.id) in rss else None,
        }
        for r in rows
    ]
    starts = [r.start_date for r in rows if r.start_date is not None]
    ends = [r.end_date for r in rows if r.end_date is not None]
    span = seconds(min(starts), max(ends)) if starts and ends else None
    return seconds(run.start_date, run.end_date) or 0.0, span or 0.0, tasks


@contextmanager
def _warehouse(kinds: tuple[str, ...]) -> Iterator[dict[str, str]]:
    from sqlalchemy import create_engine

    from tests.e2e.airflow_cluster import fresh_postgres_databases

    admin = create_engine(_admin_url())
    try:
        with fresh_postgres_databases(admin, DB_PREFIX, kinds) as urls:
            yield urls
    finally:
        admin.dispose()


def measure_in_process(sources_file: Path, day: str, home: Path) -> dict[str, Any]:
    """``article-etl run --ds day``: every stage of every source in one process, no Airflow."""
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    with _warehouse(("wh",)) as url:
        env = dict(os.environ, ARTICLE_ETL_SOURCES=str(sources_file), ARTICLE_ETL_HOME=str(home / "data"))
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "include"), env.get("PYTHONPATH", "")]))
        cli = str(Path(sys.executable).with_name("article-etl"))
        code, wall, rss = _sampled_run(
            [cli, "run", "--ds", day, "--warehouse", url["wh"]], env, home / "run.log"
        )
        if code != 0:
            raise RuntimeError(f"article-etl run exited {code}: {(home / 'run.log').read_text()[-3000:]}")
        return {
            "mode": "in-process",
            "wall_seconds": round(wall, 2),
            "stage_seconds": _stage_seconds(home / "data"),
            "peak_rss_mb": round(rss.tree_peak / 2**20),
            "cpu_seconds": rss.cpu_seconds,
            **_warehouse_counts(url["wh"]),
        }


def _sampled_run(argv: list[str], env: dict[str, str], log_path: Path) -> tuple[int, float, RssSampler]:
    """Run ``argv`` with its output in ``log_path``, sampling the process tree's memory and CPU:
    its exit code, wall seconds and the sampler."""
    start = time.perf_counter()
    with log_path.open("wb") as log:
        proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
        with RssSampler(root=proc.pid) as rss:
            code = proc.wait()
    return code, time.perf_counter() - start, rss


def measure_airflow(sources_file: Path, day: str, home: Path, mode: str, workers: int = 1) -> dict[str, Any]:
    """Run the daily DAG for ``ds=day`` on ``sources_file`` under ``home`` (emptied first) in
    ``mode`` ("dags-test", "local" or "celery" with ``workers`` Celery workers); see the module."""
    if mode not in MODES:
        raise ValueError(f"mode {mode!r}: use one of {', '.join(MODES)}")
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    ds = date.fromisoformat(day)
    settings = {"sources": str(sources_file), "home": str(home / "data")}
    if mode == "dags-test":
        from article_etl.localrun import DAG_ID, airflow_env, migrate

        with _warehouse(("wh",)) as url:
            env = airflow_env(home / "airflow", warehouse_url=url["wh"], **settings)
            migrate(env)
            airflow = str(Path(sys.executable).with_name("airflow"))
            argv = [airflow, "dags", "test", DAG_ID, (ds + timedelta(days=1)).isoformat()]
            code, outer, rss = _sampled_run(argv, env, home / "dags-test.log")
            if code != 0:
                raise RuntimeError(f"airflow dags test exited {code}: see {home / 'dags-test.log'}")
            # `dags test` gives its run the logical date as start: the process's wall time is the run's.
            _, span, tasks = _task_rows(f"sqlite:///{home / 'airflow' / 'airflow.db'}", rss.by_ti)
            wall = round(outer, 2)
            counts = _warehouse_counts(url["wh"])
        extra: dict[str, Any] = {"peak_rss_mb": round(rss.tree_peak / 2**20), "cpu_seconds": rss.cpu_seconds}
    else:
        from tests.e2e.airflow_cluster import airflow_cluster

        celery = mode == "celery"
        names = [f"w{i + 1}" for i in range(workers)] if celery else []
        broker = os.environ.get("ARTICLE_ETL_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
        with (
            _warehouse(("meta", "wh")) as url,
            airflow_cluster(
                home / "airflow",
                url["meta"],
                executor="CeleryExecutor" if celery else "LocalExecutor",
                broker=broker if celery else None,
                workers=names,
                warehouse_url=url["wh"],
                sources=settings["sources"],
                home=settings["home"],
            ) as cluster,
            # Everything this process started: the Airflow services, workers, tasks and CLI calls.
            RssSampler(root=os.getpid(), include_root=False) as rss,
        ):
            start = time.perf_counter()
            cluster.backfill(ds, ds, timeout=7200)
            outer = time.perf_counter() - start
            wall, span, tasks = _task_rows(url["meta"], rss.by_ti)
            counts = _warehouse_counts(url["wh"])
        extra = {"backfill_seconds": round(outer, 2), "cpu_seconds": rss.cpu_seconds}
        if celery:
            extra["workers"] = len(names)
    by_task: dict[str, float] = {}
    for t in tasks:
        by_task[t["task"]] = round(by_task.get(t["task"], 0.0) + (t["seconds"] or 0.0), 2)
    return {
        "mode": mode if mode != "celery" else f"celery:{workers}",
        "wall_seconds": wall,
        "task_span_seconds": span,
        **extra,
        "task_seconds_by_task": by_task,
        "stage_seconds": _stage_seconds(home / "data"),
        "tasks": tasks,
        **counts,
    }


def _machine() -> dict[str, Any]:
    from importlib.metadata import version

    load = os.getloadavg()
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "airflow": version("apache-airflow"),
        "great_expectations": version("great_expectations"),
        "load_average_at_start": [round(x, 2) for x in load],
        "note": "2 shared cores, other engineers' jobs running",
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="The cost of Airflow and GX beside the in-process stages.")
    p.add_argument("--sources", type=Path, help="a sources file (else --articles serves bench.corpus's day)")
    p.add_argument("--day", default="2026-11-18", help="the ds (interval start), YYYY-MM-DD")
    p.add_argument(
        "--mode",
        action="append",
        help="in-process | dags-test | local | celery[:WORKERS] (repeatable; default local)",
    )
    p.add_argument("--workers", type=int, default=1, help="Celery workers for --mode celery")
    p.add_argument("--articles", type=int, default=1000, help="corpus size (without --sources)")
    p.add_argument("--home", type=Path, default=REPO / ".article_etl" / "bench-airflow")
    p.add_argument("--out", type=Path, help="write the results JSON here too")
    p.add_argument(
        "--table", nargs="+", type=Path, help="only print the BENCHMARKS.md rows of these results files"
    )
    args = p.parse_args(argv)
    if args.table:
        for f in args.table:
            print(table(json.loads(f.read_text())))
        return 0
    # A kill (or a nohup'd run, where SIGINT is ignored) still stops the Airflow processes and drops
    # the databases this started: SIGTERM unwinds through their context managers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    modes = args.mode or ["local"]
    results: dict[str, Any] = {"day": args.day, "machine": _machine(), "runs": []}

    def run_all(sources: Path) -> None:
        for spec in modes:
            mode, _, n = spec.partition(":")
            workers = int(n) if n else args.workers
            where = args.home / spec.replace(":", "-")
            print(f"bench.airflow_cost: {spec} ...", file=sys.stderr, flush=True)
            if mode == "in-process":
                result = measure_in_process(sources, args.day, where)
            else:
                result = measure_airflow(sources, args.day, where, mode, workers)
            results["runs"].append(result)
            summary = {k: v for k, v in result.items() if k != "tasks"}
            print(json.dumps(summary), flush=True)

    if args.sources:
        results["sources_file"] = str(args.sources)
        run_all(args.sources.resolve())
    else:
        from bench.corpus import DS, sources_yaml
        from bench.day import corpus_site

        if args.day != DS:
            raise SystemExit(f"bench.airflow_cost: the generated corpus publishes on {DS}; give --day {DS}")
        results["corpus"] = {"articles": args.articles, "kind": "bench.corpus"}
        with corpus_site(args.articles, 0) as base:
            sources = args.home / "corpus" / "sources.yaml"
            sources.parent.mkdir(parents=True, exist_ok=True)
            sources.write_text(sources_yaml(base, args.articles), encoding="utf-8")
            run_all(sources)
    _ratios(results)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps({k: v for k, v in results.items() if k != "runs"}))
    return 0


def _ratios(results: dict[str, Any]) -> None:
    """Each Airflow run's wall time over the in-process run's, and Celery 2 workers over 1."""
    by_mode = {r["mode"]: r for r in results["runs"]}
    ref = by_mode.get("in-process")
    ratios: dict[str, float] = {}
    for mode, r in by_mode.items():
        if ref and mode != "in-process":
            ratios[f"{mode}/in-process"] = round(r["wall_seconds"] / ref["wall_seconds"], 2)
    if "celery:1" in by_mode and "celery:2" in by_mode:
        ratios["celery:2/celery:1"] = round(
            by_mode["celery:2"]["wall_seconds"] / by_mode["celery:1"]["wall_seconds"], 2
        )
    results["ratios"] = ratios


def table(results: dict[str, Any]) -> str:
    """The BENCHMARKS.md rows of one results file: per mode, wall time and CPU seconds with their
    ratios to the in-process run, the tasks' summed seconds against the stages' own, the articles
    and rejects loaded, and peak RSS."""
    ref = next((r for r in results["runs"] if r["mode"] == "in-process"), None)
    n = results.get("corpus", {}).get("articles", "?")
    lines = []
    for r in results["runs"]:
        task_sum = sum((r.get("task_seconds_by_task") or {}).values())
        stage_sum = sum((r.get("stage_seconds") or {}).values())
        wall = f"{r['wall_seconds']:.0f} ({r['wall_seconds'] / ref['wall_seconds']:.2f}x)" if ref else "n/a"
        cpu = r.get("cpu_seconds")
        cpu_cell = (
            f"{cpu:.1f} ({cpu / ref['cpu_seconds']:.2f}x)"
            if ref and cpu and ref.get("cpu_seconds")
            else "n/a"
        )
        rss = [t["peak_rss_mb"] for t in r.get("tasks", []) if t.get("peak_rss_mb")]
        peak = f"{max(rss)} (largest task)" if rss else f"{r.get('peak_rss_mb', '?')} (whole run)"
        tasks = f"{task_sum:.0f}" if r["mode"] != "in-process" else "–"
        lines.append(
            f"| {n:,} | {r['mode']} | {wall} | {cpu_cell} | {tasks} | {stage_sum:.0f} "
            f"| {r['articles']:,} / {r['rejects']:,} | {peak} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
