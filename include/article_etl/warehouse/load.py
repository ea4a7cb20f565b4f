"""Load one day of one source into the warehouse, idempotently, in one transaction.

Articles are upserted on ``article_id`` (a hash of the canonical URL), so a re-run or backfill
of a day rewrites the same rows. The partition's rejects, quality results and counts are
replaced whole, for the same reason. Before committing, the loaded text is read back and
compared with what was written: a database or connection in the wrong charset (MySQL ``utf8``
instead of ``utf8mb4``, a LATIN1 PostgreSQL database) shows up as ``roundtrip_mismatch``
instead of as silently damaged articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, select, text
from sqlalchemy.dialects import mysql, postgresql, sqlite

from article_etl.config import Source
from article_etl.codes import DUPLICATE, ROUNDTRIP_MISMATCH
from article_etl.identity import distance
from article_etl.records import Article, Reject
from article_etl.warehouse.schema import articles, dq_results, pipeline_runs, rejects, sources

NEAR_DUPLICATE_DAYS = timedelta(days=3)
_LOCK_KEY = 0x41525445  # "ARTE": the advisory lock every load takes
_TEXT_COLUMNS = ("title", "body", "author", "site_name")


@dataclass(frozen=True)
class LoadResult:
    """What one load did, for XCom and the report."""

    loaded: int
    rejected: int


def load_partition(
    engine: Engine,
    *,
    source: Source,
    ds: str,
    batch: Sequence[Article],
    partition_rejects: Sequence[Reject],
    dq_rows: Sequence[dict[str, Any]],
    counts: dict[str, dict[str, float]],
    run_id: str | None,
    near_duplicate_max_distance: int = -1,
) -> LoadResult:
    """Upsert ``batch`` and replace the partition's rejects, dq results and counts."""
    with engine.connect() as conn:
        try:
            with conn.begin():
                _serialise_loads(conn)
                _upsert(
                    conn,
                    sources,
                    [
                        {
                            "source_id": source.id,
                            "name": source.name,
                            "lang": source.lang,
                            "timezone": source.timezone,
                        }
                    ],
                    ["source_id"],
                )
                keep, dup_rejects = _split_warehouse_duplicates(
                    conn, batch, ds, run_id, near_duplicate_max_distance
                )
                # A re-run may reject a page this day loaded before (say it now fails a check): its row goes,
                # and its reject row says why. A page the re-run does not mention at all (the feed has since
                # dropped it) keeps its row: nothing leaves the warehouse without a reject saying why.
                rejected_urls = {r.url for r in (*partition_rejects, *dup_rejects)}
                keep_ids = [a.article_id for a in keep]
                if rejected_urls:
                    conn.execute(
                        delete(articles).where(
                            articles.c.source_id == source.id,
                            articles.c.ds == ds,
                            articles.c.url.in_(rejected_urls),
                            articles.c.article_id.notin_(keep_ids),
                        )
                    )
                rows = [_article_row(a) for a in keep]
                if rows:
                    _upsert(conn, articles, rows, ["article_id"])
                damaged = _roundtrip_mismatches(conn, keep, ds, run_id)
                if damaged:
                    conn.execute(delete(articles).where(articles.c.article_id.in_(list(damaged))))
                mismatched = list(damaged.values())
                all_rejects = [*partition_rejects, *dup_rejects, *mismatched]
                conn.execute(delete(rejects).where(rejects.c.ds == ds, rejects.c.source_id == source.id))
                if all_rejects:
                    conn.execute(rejects.insert(), [_reject_row(r, run_id) for r in all_rejects])
                conn.execute(
                    delete(dq_results).where(dq_results.c.ds == ds, dq_results.c.source_id == source.id)
                )
                if dq_rows:
                    conn.execute(dq_results.insert(), list(dq_rows))
                counts = {
                    **counts,
                    "load": {
                        **counts.get("load", {}),
                        "loaded": len(keep) - len(mismatched),
                        "rejected": len(dup_rejects) + len(mismatched),
                    },
                }
                conn.execute(
                    delete(pipeline_runs).where(
                        pipeline_runs.c.ds == ds, pipeline_runs.c.source_id == source.id
                    )
                )
                metric_rows = [
                    {
                        "ds": ds,
                        "source_id": source.id,
                        "stage": stage,
                        "metric": metric,
                        "value": float(value),
                    }
                    for stage, metrics in counts.items()
                    for metric, value in metrics.items()
                ]
                if metric_rows:
                    conn.execute(pipeline_runs.insert(), metric_rows)
        finally:
            _release_load_lock(conn)
    return LoadResult(loaded=len(keep) - len(mismatched), rejected=len(all_rejects))


def _serialise_loads(conn: Connection) -> None:
    """One load at a time per warehouse on server databases, for the rest of the transaction:
    two sources loading the same wire story at once would each miss the other's uncommitted copy.
    (SQLite already serialises writers.)"""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    elif conn.dialect.name in ("mysql", "mariadb"):
        # Named locks belong to the session, which the pool keeps: _release_load_lock frees it.
        conn.execute(text("SELECT GET_LOCK('article_etl_load', 600)"))


def _release_load_lock(conn: Connection) -> None:
    if conn.dialect.name in ("mysql", "mariadb"):
        conn.execute(text("SELECT RELEASE_LOCK('article_etl_load')"))
        conn.commit()


def _split_warehouse_duplicates(
    conn: Connection, batch: Sequence[Article], ds: str, run_id: str | None, near_max: int
) -> tuple[list[Article], list[Reject]]:
    """Articles the warehouse already holds under another article_id become duplicate rejects:
    the same text (content hash), or nearly the same text published within a few days (SimHash,
    at most ``near_max`` bits apart; -1 turns that off). This day's own rows of this source are
    not compared with, since this load replaces them."""
    if not batch:
        return [], []
    source_id = batch[0].source_id
    others = ~((articles.c.source_id == source_id) & (articles.c.ds == ds))
    exact = {
        row.content_hash: row
        for row in conn.execute(
            select(articles.c.content_hash, articles.c.article_id, articles.c.url).where(
                others, articles.c.content_hash.in_({a.content_hash for a in batch})
            )
        )
    }
    # The same article (same canonical URL) already loaded for another day or source, e.g. an
    # undated feed entry seen again the next day: it stays where it was first loaded.
    elsewhere = {
        row.article_id: row
        for row in conn.execute(
            select(articles.c.article_id, articles.c.ds, articles.c.source_id).where(
                others, articles.c.article_id.in_({a.article_id for a in batch})
            )
        )
    }
    near: list[Any] = []
    dated = [a.published_at for a in batch if a.published_at is not None]
    if near_max >= 0 and dated:
        near = list(
            conn.execute(
                select(articles.c.article_id, articles.c.url, articles.c.simhash).where(
                    others,
                    articles.c.simhash != "",
                    articles.c.published_at >= min(dated) - NEAR_DUPLICATE_DAYS,
                    articles.c.published_at <= max(dated) + NEAR_DUPLICATE_DAYS,
                )
            )
        )
    keep: list[Article] = []
    out: list[Reject] = []
    for art in batch:
        owner = exact.get(art.content_hash)
        detail = None
        if (first := elsewhere.get(art.article_id)) is not None:
            detail = f"already in the warehouse, loaded for ds={first.ds} from source {first.source_id}"
        elif owner is not None and owner.article_id != art.article_id:
            detail = f"same text as {owner.url} (article {owner.article_id}), already in the warehouse"
        elif art.simhash:
            close = min(
                (
                    (distance(art.simhash, row.simhash), row)
                    for row in near
                    if row.article_id != art.article_id
                ),
                default=None,
                key=lambda pair: pair[0],
            )
            if close is not None and close[0] <= near_max:
                detail = (
                    f"near-duplicate of {close[1].url} (article {close[1].article_id}), already in the warehouse: "
                    f"SimHash {close[0]} of 64 bits apart (checks.near_duplicate_max_distance is {near_max})"
                )
        if detail is None:
            keep.append(art)
        else:
            out.append(
                Reject(
                    ds=ds,
                    stage="load",
                    source_id=art.source_id,
                    url=art.url,
                    reason=DUPLICATE,
                    detail=detail,
                    run_id=run_id,
                )
            )
    return keep, out


def _roundtrip_mismatches(
    conn: Connection, batch: Sequence[Article], ds: str, run_id: str | None
) -> dict[str, Reject]:
    """Read the text columns back and compare; returns a reject per damaged article_id."""
    if not batch:
        return {}
    by_id = {a.article_id: a for a in batch}
    cols = [articles.c.article_id, *(articles.c[name] for name in _TEXT_COLUMNS)]
    out: dict[str, Reject] = {}
    for row in conn.execute(select(*cols).where(articles.c.article_id.in_(list(by_id)))):
        art = by_id[row.article_id]
        for name in _TEXT_COLUMNS:
            written, read = getattr(art, name), getattr(row, name)
            if written != read:
                where = next(
                    (i for i, (a, b) in enumerate(zip(written or "", read or "", strict=False)) if a != b),
                    min(len(written or ""), len(read or "")),
                )
                out[art.article_id] = Reject(
                    ds=ds,
                    stage="load",
                    source_id=art.source_id,
                    url=art.url,
                    reason=ROUNDTRIP_MISMATCH,
                    detail=f"{name} read back differs from what was written at char {where} "
                    "(check the database and connection charset, e.g. utf8mb4 for MySQL)",
                    run_id=run_id,
                )
                break
    return out


def _article_row(art: Article) -> dict[str, Any]:
    return {
        "article_id": art.article_id,
        "source_id": art.source_id,
        "url": art.url,
        "canonical_url": art.canonical_url,
        "title": art.title,
        "body": art.body,
        "author": art.author,
        "published_at": art.published_at,
        "site_name": art.site_name,
        "lang": art.lang,
        "detected_encoding": art.detected_encoding,
        "encoding_method": art.encoding_method,
        "content_hash": art.content_hash,
        "simhash": art.simhash,
        "char_count": art.char_count,
        "repairs": ",".join(art.repairs),
        "ds": art.ds,
    }


def _reject_row(rej: Reject, run_id: str | None) -> dict[str, Any]:
    return {
        "ds": rej.ds,
        "stage": rej.stage,
        "source_id": rej.source_id,
        "url": rej.url,
        "reason": rej.reason,
        "detail": rej.detail,
        "raw_ref": rej.raw_ref,
        "run_id": rej.run_id or run_id,
    }


def _upsert(conn: Connection, table: Any, rows: list[dict[str, Any]], keys: list[str]) -> None:
    """INSERT ... ON CONFLICT/DUPLICATE KEY UPDATE in the dialect's own words."""
    name = conn.dialect.name
    updates = [c.name for c in table.columns if c.name not in keys]
    stmt: Any
    if name in ("postgresql", "sqlite"):
        insert = postgresql.insert(table) if name == "postgresql" else sqlite.insert(table)
        stmt = insert.on_conflict_do_update(
            index_elements=keys, set_={c: insert.excluded[c] for c in updates}
        )
    elif name in ("mysql", "mariadb"):
        my_insert = mysql.insert(table)
        stmt = my_insert.on_duplicate_key_update({c: my_insert.inserted[c] for c in updates})
    else:
        raise NotImplementedError(
            f"warehouse dialect {name!r} is not supported; use SQLite, PostgreSQL or MySQL"
        )
    conn.execute(stmt, rows)
