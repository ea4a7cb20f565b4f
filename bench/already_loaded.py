"""What discover's already-loaded look-up costs (``warehouse.known.loaded_elsewhere``), beside a
primary-key-only look-up of the same URLs in the same run (the reference: what the match by
listed URL, ``articles.url`` for the source, adds).

A warehouse at schema revision 0002 (the last without ``ix_articles_url``) gets ``stored``
articles of one source under earlier days (PostgreSQL: by COPY, then ANALYZE); ``upgrade`` then
brings it to head, and its time is printed (building the index on a full table: how long 0003
holds its lock). A day then lists ``listed`` URLs, half of them stored. Best of three.

SQLite by default (a file in a temporary folder); ``--postgres URL`` (a server URL whose user may
create databases) runs each row in a fresh database there, dropped afterwards.

    .venv/bin/python bench/already_loaded.py [--postgres URL] [stored listed ...]
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _fill(url: str, stored: int) -> float:
    """``stored`` article rows of source ``bench`` (bench/load_speed.py's articles), days before,
    in a warehouse at revision 0002; then the upgrade to head, whose seconds are returned."""
    from sqlalchemy import insert, text

    from article_etl.warehouse import get_engine
    from article_etl.warehouse.dialects.postgresql import copy_rows
    from article_etl.warehouse.migrate import upgrade
    from article_etl.warehouse.schema import articles
    from bench.load_speed import article

    engine = get_engine(url)
    upgrade(engine, "0002")
    with engine.begin() as conn:
        for start in range(0, stored, 10_000):
            rows = []
            for i in range(start, min(start + 10_000, stored)):
                row = {k: v for k, v in vars(article(i)).items() if k in articles.c}
                row.update(ds="2026-11-10", simhash="0", repairs="", decode_damage=0)
                rows.append(row)
            if engine.dialect.name == "postgresql":
                copy_rows(conn, "articles", articles, rows)
            else:
                conn.execute(insert(articles), rows)
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE articles"))
    t0 = time.perf_counter()
    upgrade(engine)
    return time.perf_counter() - t0


@contextmanager
def _warehouse(postgres: str | None) -> Iterator[str]:
    """A fresh, empty warehouse URL: a SQLite file, or a new database on the PostgreSQL server."""
    if postgres is None:
        with tempfile.TemporaryDirectory(prefix="bench-known-") as tmp:
            yield f"sqlite:///{tmp}/w.db"
        return
    from bench.day import postgres_database

    with postgres_database(postgres) as url:
        assert url is not None
        yield url


def _best(call) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return min(times)


def _measure(stored: int, listed: int, postgres: str | None) -> str:
    """One table row: the look-up and the reference on a fresh warehouse of ``stored`` articles."""
    from sqlalchemy import select

    from article_etl.identity import article_id, canonical_url
    from article_etl.warehouse import get_engine
    from article_etl.warehouse.known import loaded_elsewhere
    from article_etl.warehouse.schema import articles

    with _warehouse(postgres) as url:
        built = _fill(url, stored)
        first = stored - listed // 2
        urls = [f"http://bench.example/{i}" for i in range(first, first + listed)]
        found = len(loaded_elsewhere(url, "bench", "2026-11-18", urls))
        ours = _best(lambda: loaded_elsewhere(url, "bench", "2026-11-18", urls))
        ids = sorted(article_id(canonical_url(u)) for u in urls)

        def pk_only() -> None:
            with get_engine(url).connect() as conn:
                for i in range(0, len(ids), 1_000):
                    chunk = articles.c.article_id.in_(ids[i : i + 1_000])
                    list(conn.execute(select(articles.c.article_id).where(chunk)))

        ref = _best(pk_only)
    return f"| {stored:,} | {listed:,} | {ours:.3f} | {ref:.3f} | {found:,} | {built:.2f} |"


def main(pairs: list[tuple[int, int]], postgres: str | None) -> None:
    print(
        "| articles stored | URLs listed (half stored) | loaded_elsewhere s | PK-only reference s | found "
        "| upgrade to head s |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for stored, listed in pairs:
        print(_measure(stored, listed, postgres), flush=True)


if __name__ == "__main__":
    argv = sys.argv[1:]
    server = None
    if argv[:1] == ["--postgres"]:
        server, argv = argv[1], argv[2:]
    args = [int(a) for a in argv] or [100_000, 1_000, 100_000, 10_000]
    main(list(zip(args[::2], args[1::2], strict=True)), server)
