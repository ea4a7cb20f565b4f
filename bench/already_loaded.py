"""What discover's already-loaded look-up costs (``warehouse.known.loaded_elsewhere``), beside a
primary-key-only look-up of the same URLs in the same run (the reference: what the match by
listed URL, ``articles.url`` for the source, adds).

A SQLite warehouse (migrated by ``prepare_warehouse``) gets ``stored`` articles of one source
under earlier days; a day then lists ``listed`` URLs, half of them stored. Best of three.

    .venv/bin/python bench/already_loaded.py [stored listed ...]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _fill(url: str, stored: int) -> None:
    """``stored`` article rows of source ``bench`` (bench/load_speed.py's articles), days before."""
    from sqlalchemy import insert

    from article_etl.warehouse import get_engine
    from article_etl.warehouse.door import prepare_warehouse
    from article_etl.warehouse.schema import articles
    from bench.load_speed import article

    prepare_warehouse(url)
    with get_engine(url).begin() as conn:
        for start in range(0, stored, 10_000):
            rows = []
            for i in range(start, min(start + 10_000, stored)):
                row = {k: v for k, v in vars(article(i)).items() if k in articles.c}
                row.update(ds="2026-11-10", simhash="0", repairs="", decode_damage=0)
                rows.append(row)
            conn.execute(insert(articles), rows)


def _best(call) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return min(times)


def _measure(stored: int, listed: int) -> str:
    """One table row: the look-up and the reference on a fresh warehouse of ``stored`` articles."""
    from sqlalchemy import select

    from article_etl.identity import article_id, canonical_url
    from article_etl.warehouse import get_engine
    from article_etl.warehouse.known import loaded_elsewhere
    from article_etl.warehouse.schema import articles

    with tempfile.TemporaryDirectory(prefix="bench-known-") as tmp:
        url = f"sqlite:///{tmp}/w.db"
        _fill(url, stored)
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
    return f"| {stored:,} | {listed:,} | {ours:.3f} | {ref:.3f} | {found:,} |"


def main(pairs: list[tuple[int, int]]) -> None:
    print(
        "| articles stored | URLs listed (half stored) | loaded_elsewhere s | PK-only reference s | found |"
    )
    print("| ---: | ---: | ---: | ---: | ---: |")
    for stored, listed in pairs:
        print(_measure(stored, listed), flush=True)


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]] or [100_000, 1_000, 100_000, 10_000]
    main(list(zip(args[::2], args[1::2], strict=True)))
