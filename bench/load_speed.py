"""Load speed per dialect: rows/s of ``load_partition`` (first load, then a re-run) at 10k and
100k articles, beside a raw PostgreSQL COPY of the same rows in the same run, and peak memory.

Each measurement runs in its own process so its peak RSS (``ru_maxrss``) is its own. Databases:
SQLite in a temp dir always; PostgreSQL / MariaDB from ARTICLE_ETL_TEST_POSTGRES_URL /
ARTICLE_ETL_TEST_MYSQL_URL (a fresh database each, dropped after). The full loads read the day
from a JSON-lines file, as the load stage does (written before the clock starts).

    .venv/bin/python bench/load_speed.py [10000 100000]
    LOAD_SPEED_KINDS=upsert_2000,upsert,copy .venv/bin/python bench/load_speed.py 100000
    .venv/bin/python bench/load_speed.py --same-process 100000 [REPS]   # PostgreSQL only
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def article(i: int):  # type: ignore[no-untyped-def]
    """Article ``i`` of the bench day (the same on every call)."""
    from article_etl.identity import article_id, canonical_url, content_hash
    from article_etl.records import Article

    base = datetime(2026, 11, 18, tzinfo=UTC)
    url = f"http://bench.example/{i}"
    canon = canonical_url(url)
    body = f"第{i}篇文章。" + "新闻正文内容，" * 40
    return Article(
        article_id=article_id(canon),
        source_id="bench",
        url=url,
        canonical_url=canon,
        title=f"标题 {i}",
        body=body,
        author="记者",
        published_at=base + timedelta(seconds=i % 86_400),
        site_name="bench",
        lang="zh",
        detected_encoding="utf-8",
        encoding_method="http",
        content_hash=content_hash(body),
        char_count=len(body),
        ds="2026-11-18",
        published_source="page",
        title_source="selector",
    )


def articles(n: int) -> list:  # type: ignore[type-arg]
    return [article(i) for i in range(n)]


class Day:
    """The bench day's articles in a JSON-lines file (written before the clock starts), read
    afresh on each pass as the load stage reads its published file: the full-load cases' peak
    RSS is the loader's own, not that of a list built for it."""

    def __init__(self, n: int, folder: Path) -> None:
        from article_etl.storage.files import write_jsonl

        self.path = folder / f"day-{n}.jsonl"
        write_jsonl(self.path, (article(i) for i in range(n)))

    def __iter__(self):  # type: ignore[no-untyped-def]
        from article_etl.records import Article
        from article_etl.storage.files import iter_jsonl

        return iter_jsonl(self.path, Article)


def child(kind: str, url: str, n: int) -> dict[str, float]:
    """One measurement (runs in a fresh process)."""
    from article_etl.config import Source
    from article_etl.warehouse import load_partition
    from article_etl.warehouse.door import prepare_warehouse

    engine = prepare_warehouse(url)
    if kind in ("upsert", "upsert_2000"):
        # The upsert path alone, on an empty table and again on a full one, as ``load_partition``
        # calls it (the day's presence probe first; the dialect's chunk size): the figure to set
        # beside raw COPY. ``upsert_2000`` is the path before issue #16's change, in the same run:
        # 2,000-row chunks, each probed for stored ids.
        from article_etl.warehouse.write import article_row

        rows = [article_row(a, "Asia/Shanghai") for a in articles(n)]
        times = []
        for _ in range(2):
            start = time.perf_counter()
            with engine.begin() as conn:
                _write(conn, kind, rows)
            times.append(time.perf_counter() - start)
        return {"seconds": times[0], "rerun_seconds": times[1]}
    if kind == "copy":
        from article_etl.warehouse.dialects.postgresql import copy_rows
        from article_etl.warehouse.schema import articles as table
        from article_etl.warehouse.write import article_row

        rows = [article_row(a, "Asia/Shanghai") for a in articles(n)]
        start = time.perf_counter()
        with engine.begin() as conn:
            copy_rows(conn, "articles", table, rows)
        return {"seconds": time.perf_counter() - start}
    folder = tempfile.TemporaryDirectory(prefix="load-speed-")
    day = Day(n, Path(folder.name))
    source = Source.model_validate(
        {
            "id": "bench",
            "name": "bench",
            "timezone": "Asia/Shanghai",
            "discovery": {"kind": "rss", "url": "http://x/"},
        }
    )
    times = []
    for _ in range(2):  # first load, then a re-run that must change nothing
        start = time.perf_counter()
        load_partition(
            engine,
            source=source,
            ds="2026-11-18",
            batch=day,
            partition_rejects=[],
            dq_rows=[],
            counts={},
            run_id="b",
        )
        times.append(time.perf_counter() - start)
    folder.cleanup()
    return {"seconds": times[0], "rerun_seconds": times[1]}


def fresh_database(kind: str, tmp: str) -> tuple[str, object]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from article_etl.warehouse import normalise_url

    name = f"article_etl_bench_{uuid.uuid4().hex[:8]}"
    if kind == "sqlite":
        return f"sqlite:///{tmp}/{name}.db", None
    env = (
        "ARTICLE_ETL_TEST_POSTGRES_URL"
        if kind in ("postgresql", "upsert", "upsert_2000", "copy")
        else "ARTICLE_ETL_TEST_MYSQL_URL"
    )
    admin = create_engine(os.environ[env], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(
            text(f"CREATE DATABASE {name}" + (" CHARACTER SET utf8mb4" if kind == "mariadb" else ""))
        )
    url = normalise_url(make_url(os.environ[env]).set(database=name).render_as_string(hide_password=False))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {name}" + (" WITH (FORCE)" if kind != "mariadb" else "")))

    return url, drop


def main(sizes: list[int]) -> None:
    kinds = ["sqlite"]
    if os.environ.get("ARTICLE_ETL_TEST_POSTGRES_URL"):
        kinds += ["postgresql", "upsert_2000", "upsert", "copy"]
    if os.environ.get("ARTICLE_ETL_TEST_MYSQL_URL"):
        kinds.append("mariadb")
    if os.environ.get("LOAD_SPEED_KINDS"):  # e.g. upsert_2000,upsert,copy: only these cases
        kinds = [k for k in kinds if k in os.environ["LOAD_SPEED_KINDS"].split(",")]
    print("| dialect | articles | load rows/s | re-run rows/s | peak RSS MB |")
    print("| --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            for kind in kinds:
                url, drop = fresh_database(kind, tmp)
                try:
                    proc = subprocess.run(
                        [sys.executable, __file__, "--child", kind, url, str(n)],
                        capture_output=True,
                        text=True,
                        check=True,
                    )
                finally:
                    if drop:
                        drop()  # type: ignore[operator]
                out = json.loads(proc.stdout.strip().splitlines()[-1])
                label = {
                    "copy": "PostgreSQL raw COPY into articles (reference)",
                    "upsert": "PostgreSQL upsert path only (10,000-row chunks, no probe on a new day)",
                    "upsert_2000": "PostgreSQL upsert path as before (2,000-row chunks, each probed)",
                    "postgresql": "PostgreSQL full load_partition",
                    "sqlite": "SQLite full load_partition",
                    "mariadb": "MariaDB full load_partition",
                }[kind]
                rerun = f"{n / out['rerun_seconds']:,.0f}" if "rerun_seconds" in out else "-"
                print(
                    f"| {label} | {n:,} | {n / out['seconds']:,.0f} | {rerun} | {out['rss_mb']:.0f} |",
                    flush=True,
                )


def same_process(n: int, reps: int) -> None:
    """Raw COPY, the upsert path as before issue #16's change (2,000-row chunks, each probed) and
    as now, each on a fresh PostgreSQL database, in one process on rows built once, ``reps``
    times with the order rotated: the pairs to compare on shared cores (separate processes minutes
    apart moved by 2x)."""
    from article_etl.warehouse.dialects.postgresql import copy_rows
    from article_etl.warehouse.door import prepare_warehouse
    from article_etl.warehouse.schema import articles as table
    from article_etl.warehouse.write import article_row

    rows = [article_row(a, "Asia/Shanghai") for a in articles(n)]

    def copy(engine: object) -> list[float]:
        start = time.perf_counter()
        with engine.begin() as conn:  # type: ignore[attr-defined]
            copy_rows(conn, "articles", table, rows)
        return [time.perf_counter() - start]

    def upsert(kind: str) -> object:
        def run(engine: object) -> list[float]:
            times = []
            for _ in range(2):
                start = time.perf_counter()
                with engine.begin() as conn:  # type: ignore[attr-defined]
                    _write(conn, kind, rows)
                times.append(time.perf_counter() - start)
            return times

        return run

    cases = {"copy": copy, "upsert_2000": upsert("upsert_2000"), "upsert": upsert("upsert")}
    print("| rep | case | first load s | re-run s | COPY s ÷ first load s | COPY s ÷ re-run s |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(reps):
            order = list(cases)[rep % 3 :] + list(cases)[: rep % 3]
            got: dict[str, list[float]] = {}
            for kind in order:
                url, drop = fresh_database("copy", tmp)
                engine = prepare_warehouse(url)
                try:
                    got[kind] = cases[kind](engine)  # type: ignore[operator]
                finally:
                    engine.dispose()
                    drop()  # type: ignore[operator]
            ref = got["copy"][0]
            for kind in cases:
                t = got[kind]
                rerun = f"{t[1]:.2f}" if len(t) > 1 else "–"
                rerun_ratio = f"{ref / t[1]:.2f}" if len(t) > 1 else "–"
                print(
                    f"| {rep + 1} | {kind} | {t[0]:.2f} | {rerun} | {ref / t[0]:.2f} | {rerun_ratio} |",
                    flush=True,
                )


def _write(conn: object, kind: str, rows: list) -> None:  # type: ignore[type-arg]
    """One write of ``rows`` by the upsert path: ``upsert`` as ``load_partition`` does it now,
    ``upsert_2000`` as before (2,000-row chunks, each probed for stored ids)."""
    from article_etl.warehouse.dialects import dialect_for
    from article_etl.warehouse.load import partition_has_articles
    from article_etl.warehouse.schema import articles as table
    from article_etl.warehouse.write import ARTICLE_KEEP, ARTICLE_KEYS, ARTICLE_LATEST, write_articles

    if kind == "upsert":
        write_articles(conn, rows, absent=not partition_has_articles(conn, "bench", "2026-11-18"))  # type: ignore[arg-type]
        return
    dialect = dialect_for(conn.dialect.name)  # type: ignore[attr-defined]
    for at in range(0, len(rows), 2_000):
        dialect.bulk_upsert(conn, table, rows[at : at + 2_000], ARTICLE_KEYS, ARTICLE_KEEP, ARTICLE_LATEST)  # type: ignore[arg-type]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--same-process"]:
        same_process(int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 3)
    elif sys.argv[1:2] == ["--child"]:
        kind, url, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
        result = child(kind, url, n)
        result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
    else:
        main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
