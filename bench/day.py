"""`make bench [N=10000]`: a whole day of N articles through every stage, each beside its floor.

One run: the corpus site (``bench.corpus``) starts in its own process on 127.0.0.1; each stage
(discover, fetch, clean, validate, load into SQLite, load into PostgreSQL) runs for every source
of the day as ``article-etl run`` runs it (``stage.run(settings, source, day, root)``), each in a
fresh interpreter so its peak RSS (``ru_maxrss`` of the process and of the processes it waited
for, such as the clean stage's extraction worker) is its own. Then the floors and references run
on the same pages and rows, also each in its own interpreter: a bare ``requests`` loop over the
URLs discover listed (fetch), a bare lxml and a bare Lexbor parse, trafilatura and Resiliparse on
the pages fetch published (clean), Great Expectations on a suite with no expectations over the
rows clean published (validate), a raw PostgreSQL COPY of the rows validate published (load), and
the DAG file's parse time. Airflow's own cost comes from ``bench.airflow_cost`` when it is there.

Results go to ``bench/results/bench-N.json``; the BENCHMARKS.md section between the
``bench-day`` markers is rewritten from it, and ``docs/bench-scaling.png`` is drawn from every
results file present. Speed is measured here, never asserted.

    .venv/bin/python -m bench.day 10000            # what `make bench` runs
    .venv/bin/python -m bench.day 30 --quick --out /tmp/x.json --no-docs   # a smoke run
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS_DIR = REPO / "bench" / "results"
BENCHMARKS = REPO / "BENCHMARKS.md"
PLOT = REPO / "docs" / "bench-scaling.png"
RUN_ID = "bench"
SEED = 16
CONCURRENCY = 4  # fetch.per_host_concurrency in the day's sources file, and the requests floor's threads
REFERENCE_SAMPLE = 2_000  # trafilatura and Resiliparse run on every k-th page, up to this many
POSTGRES_ENV = "ARTICLE_ETL_TEST_POSTGRES_URL"

STAGES = ("discover", "fetch", "clean", "validate", "load_sqlite", "load_postgresql")
REFERENCES = (
    "fetch_requests",
    "parse_lxml",
    "parse_lexbor",
    "trafilatura",
    "resiliparse",
    "gx_noop",
    "copy_postgresql",
)
# Which stage each reference stands beside, and what it is, for the table.
REFERENCE_OF = {
    "fetch_requests": ("fetch", f"bare `requests` loop, {CONCURRENCY} threads, same URLs"),
    "parse_lxml": ("clean", "bare lxml parse (floor), same decoded pages"),
    "parse_lexbor": ("clean", "bare Lexbor parse, selectolax (floor), same decoded pages"),
    "trafilatura": ("clean", "trafilatura extraction, same decoded pages"),
    "resiliparse": ("clean", "Resiliparse main-content extraction, same decoded pages"),
    "gx_noop": ("validate", "GX on a suite with no expectations, same rows"),
    "copy_postgresql": ("load_postgresql", "raw PostgreSQL COPY of the same rows into `articles`"),
}
START_MARK = "<!-- bench-day:start (rewritten by `make bench`; edit bench/day.py, not this) -->"
END_MARK = "<!-- bench-day:end -->"
SCALING_START = "<!-- bench-scaling:start (rewritten by `make bench`) -->"
SCALING_END = "<!-- bench-scaling:end -->"


# ------------------------------------------------------------------ child side (one measurement)


def _peak_mb() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    waited = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "peak_rss_mb": round(max(own, waited), 1),
        "own_rss_mb": round(own, 1),
        "children_rss_mb": round(waited, 1),
    }


def _day() -> Any:
    from article_etl.run import Day
    from bench.corpus import DS

    return Day.of(DS, run_id=RUN_ID)


def _published(stage: str, source_id: str, root: Path) -> Any:
    from article_etl.storage import RunPartition, Stage

    return RunPartition.of(Stage(stage), _day(), source_id, root).published()


def run_stage(name: str, sources_file: Path, root: Path, warehouse: str | None) -> dict[str, Any]:
    """One stage over every source of the day, timed around the stage calls only (imports and
    interpreter start are in ``process_seconds``, measured by the parent)."""
    from article_etl.config import load_settings
    from article_etl.extract.budget import stop_parked_worker
    from article_etl.stages import clean, discover, fetch, load, validate

    settings = load_settings(sources_file)
    module = {"discover": discover, "fetch": fetch, "clean": clean, "validate": validate}.get(name, load)
    day = _day()
    summaries = {}
    cpu = time.process_time()  # all threads of this process: the work, whatever the machine's load
    children = _children_cpu()
    start = time.perf_counter()
    for src in settings.sources:
        if module is load:
            assert warehouse is not None
            summaries[src.id] = load.run(settings, src.id, day, warehouse, root)
        else:
            summaries[src.id] = module.run(settings, src.id, day, root)  # type: ignore[attr-defined]
    # The clean stage's extraction worker outlives each source's run (parked for the next one):
    # stopping it is the stage's cost, and its CPU time counts once it has been waited for.
    stop_parked_worker()
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    children_cpu = _children_cpu() - children
    # The load's own account of its time, one manifest per source (read after the clock stopped).
    manifests = (
        [_published("load", src.id, root).manifest for src in settings.sources] if module is load else []
    )
    counts: dict[str, int] = {}
    for summary in summaries.values():
        for key in ("count", "loaded", "rejected"):
            if isinstance(summary.get(key), int):
                counts[key] = counts.get(key, 0) + summary[key]
    row: dict[str, Any] = {
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
        # Processes the stage started and waited for (the clean stage's extraction workers).
        "children_cpu_seconds": round(children_cpu, 3),
        "counts": counts,
    }
    if manifests:
        row.update(load_phases(manifests))
    return row


def load_phases(manifests: list[Any]) -> dict[str, Any]:
    """What the load stage recorded of its own time (its manifests' ``extra["phases"]``, summed
    over the sources) and how many articles it read (``counts["in"]``): the upsert path's row and
    the whole stage's split come from these."""
    from article_etl.stages.load import PHASES_AFTER_LOAD, PHASES_BEFORE_LOAD
    from article_etl.warehouse.load import LOAD_PHASES

    phases: dict[str, float] = {}
    for manifest in manifests:
        for phase, secs in manifest.extra.get("phases", {}).items():
            phases[phase] = phases.get(phase, 0.0) + secs
    order = [*PHASES_BEFORE_LOAD, *LOAD_PHASES, *PHASES_AFTER_LOAD]
    ranked = sorted(
        phases, key=lambda p: order.index(p) if p in order else len(order)
    )  # the manifest sorts keys
    return {
        "phases": {p: round(phases[p], 3) for p in ranked},
        "articles_in": sum(m.counts.get("in", 0) for m in manifests),
        "manifest_seconds": round(sum(m.seconds for m in manifests), 3),
    }


def _children_cpu() -> float:
    """CPU seconds (user + system) of the child processes that ended and were waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _pages(root: Path, sources: list[str]) -> Iterator[Any]:
    from article_etl.records import Page
    from article_etl.storage import Kind

    for sid in sources:
        yield from _published("fetch", sid, root).records(Kind.PAGES, Page)


def run_reference(name: str, sources_file: Path, root: Path, warehouse: str | None) -> dict[str, Any]:
    """One floor or reference on what the stages read (the same pages and rows)."""
    from article_etl.config import load_settings

    settings = load_settings(sources_file)
    ids = [s.id for s in settings.sources]
    if name == "fetch_requests":
        return _requests_loop(root, ids)
    if name in ("parse_lxml", "parse_lexbor", "trafilatura", "resiliparse"):
        return _extraction(name, root, ids)
    if name == "gx_noop":
        return _gx_noop(root, ids)
    if name == "copy_postgresql":
        assert warehouse is not None
        return _raw_copy(root, ids, warehouse, {s.id: s.timezone for s in settings.sources})
    raise ValueError(name)


def _requests_loop(root: Path, ids: list[str]) -> dict[str, Any]:
    """GET every URL discover listed with a plain ``requests`` session per thread: no robots,
    no politeness, no WARC, no decoding. What HTTP alone costs on this machine."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import requests

    from article_etl.records import Discovered
    from article_etl.storage import Kind

    urls = [d.url for sid in ids for d in _published("discover", sid, root).records(Kind.URLS, Discovered)]
    local = threading.local()

    def get(url: str) -> int:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        resp = session.get(url, timeout=20)
        return len(resp.content)

    start = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        size = sum(pool.map(get, urls))
    return {
        "seconds": round(time.perf_counter() - start, 3),
        "items": len(urls),
        "megabytes": round(size / 1e6, 1),
    }


def _extraction(name: str, root: Path, ids: list[str]) -> dict[str, Any]:
    """A parse or an extractor over the decoded pages fetch published (2xx HTML only, as clean
    sees them). trafilatura and Resiliparse run on every k-th page (at most REFERENCE_SAMPLE):
    their rate per page is what is compared."""
    total = sum(1 for _ in _pages(root, ids))
    step = 1 if name.startswith("parse_") else max(1, -(-total // REFERENCE_SAMPLE))
    if name == "parse_lxml":
        from article_etl.extract.tree import parse

        def work(html: str, url: str) -> object:
            return parse(html)
    elif name == "parse_lexbor":
        from selectolax.lexbor import LexborHTMLParser

        def work(html: str, url: str) -> object:
            return LexborHTMLParser(html)
    elif name == "trafilatura":
        import trafilatura

        def work(html: str, url: str) -> object:
            return trafilatura.bare_extraction(html, url=url, with_metadata=True)
    else:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree

        def work(html: str, url: str) -> object:
            return extract_plain_text(HTMLTree.parse(html), main_content=True)

    done = 0
    seconds = cpu_seconds = 0.0
    for i, page in enumerate(_pages(root, ids)):
        if i % step or not page.html:
            continue
        cpu = time.process_time()
        start = time.perf_counter()
        with contextlib.suppress(Exception):  # a third-party crash on one page must not end the run
            work(page.html, page.url)
        seconds += time.perf_counter() - start
        cpu_seconds += time.process_time() - cpu
        done += 1
    return {
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
        "items": done,
        "every_kth_page": step,
    }


def _gx_noop(root: Path, ids: list[str]) -> dict[str, Any]:
    """The validate stage's GX path (``SuiteRun``, chunked, Data Docs) with a suite that expects
    nothing, over the rows clean published: GX's own cost, before any check."""
    from article_etl.quality.rules import RuleContext, article_rows
    from article_etl.quality.suites import Suite
    from article_etl.quality.validation import DEFAULT_CHUNK_ROWS, SuiteRun, _runtime
    from article_etl.records import Article
    from article_etl.stages.validate import batched
    from article_etl.storage import Kind

    day = _day()
    docs = Path(tempfile.mkdtemp(prefix="bench-gx-"))
    setup = time.perf_counter()
    _runtime(docs)  # GX import and context: the validate stage pays it inside its run too
    start = time.perf_counter()
    rows = 0
    for sid in ids:
        run = SuiteRun(
            Suite("bench_noop", "url", ()),
            context=RuleContext(window=(day.start, day.end)),
            docs_folder=docs,
            run_name="bench",
            batch_name=sid,
        )
        articles = _published("clean", sid, root).records(Kind.ARTICLES, Article)
        for chunk in batched(articles, DEFAULT_CHUNK_ROWS):
            run.chunk(chunk, article_rows(chunk))
            rows += len(chunk)
        run.finish()
    end = time.perf_counter()
    return {"seconds": round(end - setup, 3), "validate_seconds": round(end - start, 3), "items": rows}


def _raw_copy(root: Path, ids: list[str], url: str, zones: dict[str, str]) -> dict[str, Any]:
    """``COPY articles FROM STDIN`` of the rows validate published, in one transaction, into an
    empty warehouse: no staging table, no upsert, no rejects, no read-back. The load's floor."""
    from article_etl.records import Article
    from article_etl.storage import Kind
    from article_etl.warehouse.dialects.postgresql import copy_rows
    from article_etl.warehouse.door import prepare_warehouse
    from article_etl.warehouse.schema import articles as table
    from article_etl.warehouse.write import article_row

    engine = prepare_warehouse(url)
    start = time.perf_counter()
    rows = 0
    with engine.begin() as conn:
        for sid in ids:
            batch = []
            for art in _published("validate", sid, root).records(Kind.ARTICLES, Article):
                batch.append(article_row(art, zones[sid]))
                if len(batch) == 2_000:
                    copy_rows(conn, "articles", table, batch)
                    rows, batch = rows + len(batch), []
            copy_rows(conn, "articles", table, batch)
            rows += len(batch)
    return {"seconds": round(time.perf_counter() - start, 3), "items": rows}


def child_main(argv: list[str]) -> None:
    kind, name, sources_file, root = argv[0], argv[1], Path(argv[2]), Path(argv[3])
    warehouse = argv[4] if len(argv) > 4 else None
    import logging

    logging.basicConfig(level=logging.WARNING)
    run = run_stage if kind == "stage" else run_reference
    profile_to = os.environ.get("BENCH_PROFILE_TO")
    if profile_to:  # --profile: the same run under pyinstrument, its profiles written beside
        result = _profiled(run, (name, sources_file, root, warehouse), Path(profile_to))
    else:
        result = run(name, sources_file, root, warehouse)
    result.update(_peak_mb())
    print("BENCH-RESULT " + json.dumps(result), flush=True)


def _profiled(run: Any, args: tuple[Any, ...], out: Path) -> dict[str, Any]:
    """``run(*args)`` under pyinstrument (a sampling profiler, wall clock, 1 ms): the call tree as
    text in ``out`` and as HTML beside it. The clean stage's extraction workers are separate
    processes: each runs under its own profiler (``bench.profile_worker``) and their sessions,
    merged, go to ``<out stem>-worker.txt`` and ``.html``."""
    from pyinstrument import Profiler
    from pyinstrument.renderers import ConsoleRenderer, HTMLRenderer

    from bench.profile_worker import combined, profiling_workers

    prefix = out.with_name(f"{out.stem}-worker")
    for old in out.parent.glob(f"{prefix.name}-*.pyisession"):
        old.unlink()
    profiler = Profiler(interval=0.001)
    with profiling_workers(prefix):
        profiler.start()
        try:
            result: dict[str, Any] = run(*args)
        finally:
            profiler.stop()
    sessions = [("", profiler.last_session), ("-worker", combined(prefix))]
    for suffix, session in sessions:
        if session is None:
            continue
        text = ConsoleRenderer(unicode=True, color=False, show_all=False, short_mode=False).render(session)
        out.with_name(f"{out.stem}{suffix}.txt").write_text(text, encoding="utf-8")
        out.with_name(f"{out.stem}{suffix}.html").write_text(HTMLRenderer().render(session), encoding="utf-8")
    return result


# ------------------------------------------------------------------ parent side


def _child(
    kind: str, name: str, sources_file: Path, root: Path, warehouse: str | None, log: Path
) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; its stderr goes to ``log``."""
    cmd = [sys.executable, "-m", "bench.day", "--child", kind, name, str(sources_file), str(root)]
    if warehouse:
        cmd.append(warehouse)
    env = dict(os.environ, ARTICLE_ETL_HOME=str(root), GX_ANALYTICS_ENABLED="False", PYTHONPATH=str(REPO))
    start = time.perf_counter()
    with log.open("a") as err:
        err.write(f"\n=== {kind} {name}\n")
        err.flush()
        proc = subprocess.run(
            cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=err, text=True, check=False
        )
    process_seconds = time.perf_counter() - start
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH-RESULT ")), None)
    if proc.returncode != 0 or line is None:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:]
        return {
            "error": f"failed (exit {proc.returncode}): " + " ".join(tail)[-300:],
            "process_seconds": round(process_seconds, 2),
        }
    result: dict[str, Any] = json.loads(line.removeprefix("BENCH-RESULT "))
    result["process_seconds"] = round(process_seconds, 2)
    return result


@contextlib.contextmanager
def corpus_site(n: int, seed: int) -> Iterator[str]:
    """The corpus site in its own process (its CPU is not the client's GIL); yields the base URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.corpus", "serve", str(n), str(seed)],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        base = proc.stdout.readline().strip()
        if not base.startswith("http://127.0.0.1:"):
            raise RuntimeError(
                f"the corpus site did not start (said {base!r}); run python -m bench.corpus serve {n}"
            )
        yield base
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def postgres_database(admin_url: str | None = None) -> Iterator[str | None]:
    """A fresh PostgreSQL database on ``admin_url``'s server (default
    $ARTICLE_ETL_TEST_POSTGRES_URL), dropped after; None when neither is set (the PostgreSQL rows
    then say "not measured")."""
    admin_url = admin_url or os.environ.get(POSTGRES_ENV)
    if not admin_url:
        yield None
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from article_etl.warehouse import normalise_url

    name = f"bench_day_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalise_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield normalise_url(make_url(admin_url).set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


def airflow_rows(sources_file: Path, home: Path, modes: list[str]) -> dict[str, Any]:
    """The whole daily DAG through Airflow, from ``bench.airflow_cost.measure_airflow`` (another
    engineer's module) when it is importable; otherwise each mode says "not measured". A mode is
    ``dags-test``, ``local`` or ``celery:W`` (W local Celery workers)."""
    if not modes:
        return {}
    try:
        from bench.airflow_cost import measure_airflow  # type: ignore[import-not-found,unused-ignore]
    except ImportError as exc:
        return {
            mode: {"error": f"not measured: bench.airflow_cost is not available ({exc})"} for mode in modes
        }
    from bench.corpus import DS

    out: dict[str, Any] = {}
    for mode in modes:
        kind, _, workers = mode.partition(":")
        print(f"bench: airflow {mode} ...", file=sys.stderr, flush=True)
        try:
            out[mode] = dict(
                measure_airflow(sources_file, DS, home / f"airflow-{kind}{workers}", kind, int(workers or 1))
            )
        except Exception as exc:  # one mode failing is a row that says so, not a lost run
            out[mode] = {"error": f"failed: {type(exc).__name__}: {exc}"[:400]}
        print(
            f"bench: airflow {mode}: {out[mode].get('wall_seconds', out[mode].get('error'))}", file=sys.stderr
        )
    return out


def versions() -> dict[str, str]:
    names = (
        "apache-airflow",
        "great-expectations",
        "lxml",
        "selectolax",
        "trafilatura",
        "resiliparse",
        "requests",
        "SQLAlchemy",
        "psycopg",
    )
    out = {"python": platform.python_version()}
    for name in names:
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[name] = metadata.version(name)
    return out


def _commit() -> str:
    proc = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False
    )
    return proc.stdout.strip() or "unknown"


def machine() -> str:
    mem = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next(
            (
                ln.split(":", 1)[1].strip()
                for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")
            ),
            "",
        )
    return (
        f"{platform.machine()}, {os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}"
    )


def measure(
    n: int, seed: int, quick: bool, work: Path, jobs: int = 1, airflow: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The whole run: stages, references, DAG parse, Airflow; the JSON document."""
    from bench.corpus import DS, expected_cases, sources_yaml

    root = work / "home"
    root.mkdir(parents=True)
    log = work / "stderr.log"
    result: dict[str, Any] = {
        "n": n,
        "seed": seed,
        "ds": DS,
        "command": f"make bench N={n}" if not quick else f"python -m bench.day {n} --quick",
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "machine_note": "2 shared cores, other engineers' jobs running",
        "commit": _commit(),
        "load_average_at_start": [round(x, 1) for x in os.getloadavg()],
        "versions": versions(),
        "corpus_cases": expected_cases(seed, n),
        "stages": {},
        "references": {},
    }
    started = time.perf_counter()
    with corpus_site(n, seed) as base, postgres_database() as pg:
        sources_file = work / "sources.yaml"
        sources_file.write_text(sources_yaml(base, n, CONCURRENCY), encoding="utf-8")
        sqlite_url = f"sqlite:///{work / 'warehouse.db'}"
        for name in STAGES:
            warehouse = sqlite_url if name == "load_sqlite" else pg if name == "load_postgresql" else None
            if name == "load_postgresql" and pg is None:
                result["stages"][name] = {"error": f"not measured: {POSTGRES_ENV} is not set"}
                continue
            print(f"bench: stage {name} ...", file=sys.stderr, flush=True)
            result["stages"][name] = _child("stage", name, sources_file, root, warehouse, log)
            print(f"bench: stage {name}: {json.dumps(result['stages'][name])}", file=sys.stderr, flush=True)
        with postgres_database() as pg_copy:

            def reference(name: str) -> dict[str, Any]:
                if name == "copy_postgresql" and pg_copy is None:
                    return {"error": f"not measured: {POSTGRES_ENV} is not set"}
                print(f"bench: reference {name} ...", file=sys.stderr, flush=True)
                row = _child("reference", name, sources_file, root, pg_copy, work / f"stderr-{name}.log")
                print(f"bench: reference {name}: {json.dumps(row)}", file=sys.stderr, flush=True)
                return row

            # One at a time unless told (--jobs, for the smoke test): side by side they would share the cores.
            with ThreadPoolExecutor(jobs) as pool:
                result["references"] = dict(zip(REFERENCES, pool.map(reference, REFERENCES), strict=True))
        result["airflow"] = airflow_rows(sources_file, work, list(airflow))
    from bench.run import dag_parse_seconds

    parse = sorted(dag_parse_seconds(runs=1 if quick else 5))
    result["dag_parse_seconds"] = {
        "median": round(parse[len(parse) // 2], 4),
        "max": round(parse[-1], 4),
        "runs": len(parse),
    }
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    return result


# ------------------------------------------------------------------ the table and the plot


def _rate(n: int, row: dict[str, Any]) -> float | None:
    return n / row["seconds"] if "seconds" in row and row["seconds"] > 0 else None


def _fmt_rate(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:,.0f}" if rate >= 100 else f"{rate:,.1f}"


def stage_sum(result: dict[str, Any]) -> tuple[float, str]:
    """Seconds of one day's stages in process: discover to validate and one load (PostgreSQL's
    when measured, as the Airflow runs load into PostgreSQL; else SQLite's)."""
    stages = result["stages"]
    load = "load_postgresql" if "seconds" in stages.get("load_postgresql", {}) else "load_sqlite"
    names = ("discover", "fetch", "clean", "validate", load)
    return sum(stages[k]["seconds"] for k in names if "seconds" in stages.get(k, {})), load


def upsert_path(row: dict[str, Any]) -> dict[str, Any] | None:
    """The upsert path inside a load stage's row: the seconds of its phases that do what a raw
    COPY of the same rows does (``article_etl.warehouse.load.UPSERT_PATH``: read the published
    articles, make rows, write them) and the articles read. None for a run that did not record
    phases (results from before they were)."""
    from article_etl.warehouse.load import UPSERT_PATH

    phases = row.get("phases") or {}
    if not all(p in phases for p in UPSERT_PATH) or not row.get("articles_in"):
        return None
    return {
        "seconds": sum(phases[p] for p in UPSERT_PATH),
        "items": row["articles_in"],
        "phases": UPSERT_PATH,
    }


def phase_split(stage: str, row: dict[str, Any]) -> str | None:
    """One line under the table: where a load stage's seconds went, phase by phase (from its
    manifests), and what no phase covers (publishing the attempt, the reject-rate gate)."""
    phases = row.get("phases")
    if not phases or "seconds" not in row:
        return None
    outside = row["seconds"] - sum(phases.values())
    parts = ", ".join(f"{name} {secs:.2f}" for name, secs in phases.items())
    return (
        f"Where `{stage}`'s {row['seconds']:.1f} s went (phases from its manifests, summed over the "
        f"sources, s): {parts}; outside the phases {outside:.2f}."
    )


def _fmt_ratio(ratio: float) -> str:
    return f"{ratio:.2f}" if ratio >= 0.1 else f"{ratio:.3f}" if ratio >= 0.001 else f"{ratio:.1e}"


def table(result: dict[str, Any]) -> str:
    """The BENCHMARKS.md section for one run (markdown, without the markers)."""
    n = result["n"]
    lines = [
        f"## A day of {n:,} articles — `make bench`",
        "",
        f"Measured {result['started']} by `{result['command']}` (`bench/day.py`; JSON: "
        f"`bench/results/bench-{n}.json`). Machine: {result['machine']}; {result['machine_note']}. "
        f"Versions: " + ", ".join(f"{k} {v}" for k, v in result["versions"].items()) + ".",
        "",
        f"The corpus (`bench/corpus.py`, seed {result['seed']}): {n:,} pages of one day on four sites "
        "(GBK with a lying meta, Big5, UTF-8, English), rendered from the demo templates, served on "
        "127.0.0.1 by a threaded server in its own process with no politeness delay "
        f"(per-host concurrency {CONCURRENCY}); pages by case: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(result["corpus_cases"].items(), key=lambda kv: -kv[1]))
        + ". Articles/s is always N divided by the seconds of the stage calls (every stage is "
        "charged for the whole day, so rows compare); *process s* adds the interpreter start and "
        "imports. Peak RSS is the stage's process or the largest process it waited for.",
        "",
        "| stage | articles/s | s (process s) | peak RSS MB | floor / reference on the same pages or rows | ref items/s | ref peak RSS MB | stage ÷ ref |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    refs_of: dict[str, list[str]] = {}
    for ref, (stage, _) in REFERENCE_OF.items():
        refs_of.setdefault(stage, []).append(ref)
    for stage in STAGES:
        row = result["stages"].get(stage, {})
        rate = _rate(n, row)
        figures = (
            f"{_fmt_rate(rate)} | {row['seconds']:.1f} ({row['process_seconds']:.1f}) | {row['peak_rss_mb']:,.0f}"
            if "seconds" in row
            else f"{row.get('error', 'not measured')} | — | —"
        )
        refs = refs_of.get(stage) or [None]
        for i, ref in enumerate(refs):
            head = f"{stage} | {figures}" if i == 0 else "〃 | | |"
            if ref is None:
                lines.append(f"| {head} | — | | | |")
                continue
            rrow = result["references"].get(ref, {})
            label = REFERENCE_OF[ref][1]
            if "seconds" not in rrow:
                lines.append(f"| {head} | {label}: {rrow.get('error', 'not measured')} | | | |")
                continue
            rrate = rrow["items"] / rrow["seconds"] if rrow["seconds"] > 0 else None
            if rrow.get("every_kth_page", 1) > 1:
                label += f" (every {rrow['every_kth_page']}th page: {rrow['items']:,})"
            ratio = _fmt_ratio(rate / rrate) if rate and rrate else "—"
            lines.append(f"| {head} | {label} | {_fmt_rate(rrate)} | {rrow['peak_rss_mb']:,.0f} | {ratio} |")
            path = upsert_path(row) if ref == "copy_postgresql" else None
            if path is not None:
                prate = path["items"] / path["seconds"] if path["seconds"] > 0 else None
                pratio = _fmt_ratio(prate / rrate) if prate and rrate else "—"
                lines.append(
                    f"| PostgreSQL upsert path (inside the load stage: {' + '.join(path['phases'])}) | "
                    f"{_fmt_rate(prate)} | {path['seconds']:.1f} | 〃 | {label} | {_fmt_rate(rrate)} | "
                    f"{rrow['peak_rss_mb']:,.0f} | {pratio} |"
                )
    in_process, load_used = stage_sum(result)
    lines.append(
        f"| **sum of the stages** (discover … validate, {load_used}) | "
        f"{_fmt_rate(n / in_process if in_process else None)} | {in_process:.1f} | | | | | |"
    )
    for mode, row in result.get("airflow", {}).items():
        if "wall_seconds" in row:
            ratio = row["wall_seconds"] / in_process if in_process else 0
            lines.append(
                f"| whole DAG via Airflow, `{mode}` | {_fmt_rate(n / row['wall_seconds'])} | {row['wall_seconds']:.1f} | "
                f"{row.get('peak_rss_mb', '—')} | sum of the in-process stages above | {_fmt_rate(n / in_process)} | | {ratio:.2f} |"
            )
        else:
            lines.append(
                f"| whole DAG via Airflow, `{mode}` | {row.get('error', 'not measured')} | | | | | | |"
            )
    parse = result["dag_parse_seconds"]
    lines.append(
        f"| DAG file parse (`bench.run.dag_parse_seconds`) | — | {parse['median']:.3f} (max {parse['max']:.3f}, {parse['runs']} runs) | | target < 1 s | | | |"
    )
    split = [phase_split(stage, result["stages"][stage]) for stage in STAGES if stage.startswith("load")]
    if any(split):
        lines += [""] + [line for line in split if line]
    load = result.get("load_average_at_start")
    lines += [
        "",
        f"Whole `make bench` run: {result['wall_seconds']:.0f} s"
        + (f"; commit `{result['commit']}`" if "commit" in result else "")
        + (f"; load average at start {load[0]}" if load else "")
        + ".",
    ]
    lines += ["", "Targets (issue #16), as measured in this run:", ""] + [f"- {t}" for t in targets(result)]
    lines += ["", "Across N, with the plot: see *`make bench` across N* below."]
    return "\n".join(lines)


def targets(result: dict[str, Any]) -> list[str]:
    """Each target of the issue with this run's figure: met, missed, or not measured."""
    n, stages, refs = result["n"], result["stages"], result["references"]
    out = []

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**missed**"

    clean, traf = stages.get("clean", {}), refs.get("trafilatura", {})
    if "seconds" in clean and "seconds" in traf:
        ratio = (n / clean["seconds"]) / (traf["items"] / traf["seconds"])
        out.append(f"clean at ≥ 3× trafilatura: {ratio:.2f}× — {verdict(ratio >= 3)}")
    load, copy = stages.get("load_postgresql", {}), refs.get("copy_postgresql", {})
    path = upsert_path(load)
    if "seconds" in load and "seconds" in copy:
        whole = (n / load["seconds"]) / (copy["items"] / copy["seconds"])
        if path is None:
            out.append(
                f"PostgreSQL load at ≥ 0.8 of raw COPY: the upsert path was not recorded in this run "
                f"(the whole load stage: {whole:.2f}) — not measured"
            )
        else:
            ratio = (path["items"] / path["seconds"]) / (copy["items"] / copy["seconds"])
            out.append(
                f"PostgreSQL load at ≥ 0.8 of raw COPY: {ratio:.2f} (the upsert path inside the load stage: "
                f"{', '.join(path['phases'])} of the same rows; the whole load stage {whole:.2f}, "
                f"its fixed costs split out under the table) — {verdict(ratio >= 0.8)}"
            )
    else:
        out.append("PostgreSQL load at ≥ 0.8 of raw COPY: not measured (set ARTICLE_ETL_TEST_POSTGRES_URL)")
    peak = max((r.get("peak_rss_mb", 0) for r in stages.values()), default=0)
    out.append(f"no task above 1 GB RSS: largest stage {peak:,.0f} MB at N={n:,} — {verdict(peak < 1024)}")
    parse = result["dag_parse_seconds"]["median"]
    out.append(f"DAG parse under 1 s: {parse:.3f} s — {verdict(parse < 1)}")
    total, _ = stage_sum(result)
    out.append(
        f"a 100k-article day within one hour: {total:.0f} s in-process for {n:,} "
        f"→ {total * 100_000 / n / 60:.0f} min per 100k at this rate — {verdict(total * 100_000 / n < 3600)}"
    )
    local = result.get("airflow", {}).get("local", {})
    if "wall_seconds" in local and total:
        over = local["wall_seconds"] / total - 1
        out.append(
            f"Airflow + GX overhead under 30% of in-process stage time: {over:.0%} — {verdict(over < 0.3)}"
        )
    elif not result.get("airflow"):
        out.append("Airflow + GX overhead under 30%: not measured (this run skipped Airflow: `AIRFLOW=`)")
    else:
        why = local.get("error", "no `local` mode in this run")
        out.append(f"Airflow + GX overhead under 30%: not measured ({why})")
    return out


def write_section(result: dict[str, Any], path: Path = BENCHMARKS) -> None:
    """Replace this N's section between its markers (or append it), keeping every other size's."""
    text = path.read_text(encoding="utf-8")
    size = f"N={result['n']} -->"
    start, end = START_MARK.replace("-->", size), END_MARK.replace("-->", size)
    block = f"{start}\n{table(result)}\n{end}"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    elif SCALING_START in text:  # a new size goes before the across-N section
        head, rest = text.split(SCALING_START, 1)
        text = head + block + "\n\n" + SCALING_START + rest
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def _runs(results_dir: Path = RESULTS_DIR) -> list[dict[str, Any]]:
    files = sorted(results_dir.glob("bench-*.json"))
    return sorted((json.loads(f.read_text(encoding="utf-8")) for f in files), key=lambda r: r["n"])


def scaling_table(runs: list[dict[str, Any]]) -> str:
    """Per stage: ms per article and peak RSS at every N measured, and the marginal cost between
    the two largest N (seconds added per article added): the fixed start-up cost drops out of it,
    so it is the figure to extrapolate to a larger day."""
    sizes = [r["n"] for r in runs]
    head = " | ".join(f"ms/article at {n:,}" for n in sizes)
    cpu_head = " | ".join(f"CPU ms/article at {n:,}" for n in sizes)
    rss = " | ".join(f"peak MB at {n:,}" for n in sizes)
    lines = [
        "## `make bench` across N — time per article and memory",
        "",
        "Rewritten from every `bench/results/bench-N.json` by each `make bench` run. Marginal ms/article is "
        "(seconds at the larger N − seconds at the smaller) ÷ (the difference in N): the cost of one more "
        "article once start-up (imports, the GX context, the extraction worker) is paid. CPU ms/article is "
        "the stage process's own CPU time (all its threads) plus, where the run recorded it, the "
        "processes it waited for (the clean stage's extraction worker; runs before `cleanfast` did not "
        "record it, so their clean CPU leaves extraction out); never the corpus site's: on shared cores wall time moves with the other jobs' load, CPU time with the work "
        "(a wall time that grows with N while CPU stays flat is the machine, not the stage).",
        "",
        "Runs in this table (each N is its latest `make bench` run; they may differ in commit and in "
        "the machine's load, so compare a stage across N with these in mind): "
        + "; ".join(_run_note(r) for r in runs)
        + ".",
        "",
        f"| stage | {head} | marginal ms/article | {cpu_head} | {rss} |",
        "| --- |" + " ---: |" * (3 * len(sizes) + 1),
    ]
    for stage in STAGES:
        rows = [r["stages"].get(stage, {}) for r in runs]
        per = " | ".join(
            f"{row['seconds'] * 1000 / r['n']:.1f}" if "seconds" in row else "—"
            for r, row in zip(runs, rows, strict=True)
        )
        mem = " | ".join(f"{row['peak_rss_mb']:,.0f}" if "seconds" in row else "—" for row in rows)
        cpu = " | ".join(
            f"{(row['cpu_seconds'] + row.get('children_cpu_seconds', 0.0)) * 1000 / r['n']:.1f}"
            if "cpu_seconds" in row
            else "—"
            for r, row in zip(runs, rows, strict=True)
        )
        measured = [(r["n"], row["seconds"]) for r, row in zip(runs, rows, strict=True) if "seconds" in row]
        marginal = "—"
        if len(measured) >= 2 and measured[-1][0] > measured[-2][0]:
            (n0, s0), (n1, s1) = measured[-2], measured[-1]
            marginal = f"{(s1 - s0) * 1000 / (n1 - n0):.1f}"
        lines.append(f"| {stage} | {per} | {marginal} | {cpu} | {mem} |")
    lines += ["", "![time per article and peak RSS per stage against N](docs/bench-scaling.png)"]
    return "\n".join(lines)


def _run_note(run: dict[str, Any]) -> str:
    """Which run an N's column comes from: its commit, start and the load average at the start."""
    load = run.get("load_average_at_start") or ["?"]
    return f"{run['n']:,} at `{run.get('commit', '?')}`, {run.get('started', '?')[:16]}, load {load[0]}"


def write_scaling(path: Path = BENCHMARKS) -> None:
    """Replace the across-N section between its markers (or append it)."""
    runs = _runs()
    if not runs:
        return
    start, end = SCALING_START, SCALING_END
    text = path.read_text(encoding="utf-8")
    block = f"{start}\n{scaling_table(runs)}\n{end}"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def plot(results_dir: Path = RESULTS_DIR, out: Path = PLOT) -> Path | None:
    """Time per article and peak RSS per stage against N, from every bench-N.json present."""
    runs = _runs(results_dir)
    if not runs:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(11, 4.2))
    for stage in STAGES:
        points = [(r["n"], r["stages"][stage]) for r in runs if "seconds" in r["stages"].get(stage, {})]
        if not points:
            continue
        ns = [p[0] for p in points]
        ax_t.plot(ns, [p[1]["seconds"] * 1000 / p[0] for p in points], marker="o", label=stage)
        ax_m.plot(ns, [p[1]["peak_rss_mb"] for p in points], marker="o", label=stage)
    for ax, label in ((ax_t, "ms per article (stage calls)"), (ax_m, "peak RSS, MB")):
        ax.set_xscale("log")
        ax.set_xlabel("articles in the day (N)")
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
    ax_t.set_yscale("log")
    from matplotlib.ticker import ScalarFormatter

    for axis in (ax_t.xaxis, ax_t.yaxis, ax_m.xaxis):
        axis.set_major_formatter(ScalarFormatter())
    ax_m.axhline(1024, color="grey", linestyle="--", linewidth=1)
    ax_m.legend(fontsize=8)
    fig.suptitle("make bench: cost per article and memory per stage against N (2 shared cores)")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=90)
    plt.close(fig)
    return out


def profile_stage(stage: str, work: Path | None, n: int, seed: int) -> int:
    """Run one stage (or reference) again in an earlier run's kept folder, under pyinstrument:
    the profile behind a missed target (``DIR/profile-STAGE.txt`` and ``.html``; for clean also
    ``profile-clean-worker.*``, its extraction workers). Stages from clean on read only the kept
    landing zone."""
    if work is None or not (work / "sources.yaml").exists():
        raise SystemExit(
            f"--profile needs --keep DIR of an earlier `bench.day N --keep DIR` run (got {work})"
        )
    if stage in ("discover", "fetch", "fetch_requests"):
        raise SystemExit(
            f"--profile {stage}: it needs the corpus site of that run, which is gone; profile clean and later"
        )
    kind = "stage" if stage in STAGES else "reference"
    out = work / f"profile-{stage}.txt"
    os.environ["BENCH_PROFILE_TO"] = str(out)
    warehouse = f"sqlite:///{work / 'profile-warehouse.db'}" if stage.startswith("load") else None
    if stage in ("load_postgresql", "copy_postgresql"):
        with postgres_database() as pg:
            row = _child(kind, stage, work / "sources.yaml", work / "home", pg, work / "profile.log")
    else:
        row = _child(kind, stage, work / "sources.yaml", work / "home", warehouse, work / "profile.log")
    print(json.dumps(row))
    print(out.read_text(encoding="utf-8") if out.exists() else f"no profile: see {work / 'profile.log'}")
    worker = out.with_name(f"{out.stem}-worker.txt")
    if worker.exists():
        print(f"=== the extraction workers of this run (merged; also {worker.with_suffix('.html')})")
        print(worker.read_text(encoding="utf-8"))
    return 0 if "error" not in row else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.day", description=__doc__.split("\n", 1)[0])
    parser.add_argument("n", type=int, nargs="?", default=10_000, help="articles in the day (default 10000)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--quick", action="store_true", help="one DAG parse, no Airflow runs (for the smoke test)"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="references side by side (smoke test only: figures then share the cores)",
    )
    parser.add_argument(
        "--airflow",
        default="dags-test,local",
        help="Airflow runs of the same day, comma-separated: dags-test, local, celery:1, celery:2 ('' for none)",
    )
    parser.add_argument(
        "--render",
        action="store_true",
        help="only rewrite BENCHMARKS.md and the plot from bench/results/*.json",
    )
    parser.add_argument(
        "--profile",
        metavar="STAGE",
        help="with --keep DIR of an earlier run: run STAGE again there under pyinstrument, print its call tree",
    )
    parser.add_argument("--out", type=Path, help="the JSON file (default bench/results/bench-N.json)")
    parser.add_argument(
        "--no-docs", action="store_true", help="write only the JSON: leave BENCHMARKS.md and the plot"
    )
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (default: a temporary one)"
    )
    args = parser.parse_args(argv)
    if args.render:
        for file in sorted(RESULTS_DIR.glob("bench-*.json")):
            write_section(json.loads(file.read_text(encoding="utf-8")))
        write_scaling()
        plot()
        return 0
    if args.profile:
        return profile_stage(args.profile, args.keep, args.n, args.seed)
    if args.n < 8:
        parser.error("N must be at least 8 (two pages per site)")
    with contextlib.ExitStack() as stack:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=False)  # never mixes with an earlier run's files
            work = args.keep
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"bench-day-{args.n}-")))
        modes = tuple(m for m in args.airflow.split(",") if m) if not args.quick else ()
        result = measure(args.n, args.seed, args.quick, work, args.jobs, modes)
    out = args.out or RESULTS_DIR / f"bench-{args.n}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(result))
    if not args.no_docs:
        write_section(result)
        write_scaling()
        plot()
    failed = [
        k
        for part in ("stages", "references")
        for k, v in result[part].items()
        if "error" in v and not v["error"].startswith("not measured")
    ]
    if failed:
        print(
            f"bench: these measurements failed (see their error in {out}): {', '.join(failed)}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child_main(sys.argv[2:])
    else:
        raise SystemExit(main())
