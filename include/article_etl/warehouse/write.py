"""Write articles so that one refused row costs that row, not the batch.

The batch goes in through the dialect's bulk upsert (PostgreSQL: COPY into a staging table, then
INSERT ... ON CONFLICT; SQLite and MariaDB: multi-row upserts), in chunks. If the database refuses it for a row's data (a
constraint, a value it cannot store), the upsert is redone one row at a time, each row in its own
savepoint, and each row refused again becomes a ``warehouse_refused`` reject (evidence "none": an
article loaded earlier under the same id keeps its row) whose detail has the database's message.
Anything else the database raises (``OperationalError``: lock waits, timeouts, lost connections)
is not the row's fault and propagates, so the load fails whole and the task retries.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError

from article_etl.codes import EVIDENCE_NONE, WAREHOUSE_REFUSED
from article_etl.records import Article, Reject
from article_etl.warehouse.dialects import dialect_for
from article_etl.warehouse.schema import articles

log = logging.getLogger(__name__)

_MESSAGE_MAX = 500
# first_seen is set once; last_seen only moves forward (both are days of the data interval).
ARTICLE_KEYS = ("article_id",)
ARTICLE_KEEP = ("first_seen",)
ARTICLE_LATEST = ("last_seen",)


def upsert_isolated(
    conn: Connection,
    batch: list[Article],
    ds: str,
    run_id: str | None,
    timezone: str = "UTC",
    *,
    absent: bool = False,
) -> tuple[list[Article], list[Reject]]:
    """One bulk upsert; if the database refuses it for a row's data, each row in its own
    savepoint, so the refused rows become ``warehouse_refused`` rejects and the others load.
    ``absent``: see :func:`write_articles` (the row-by-row retry never assumes it)."""
    rows = [article_row(a, timezone) for a in batch]
    try:
        with conn.begin_nested():
            write_articles(conn, rows, absent=absent)
        return batch, []
    except (StatementError, ValueError) as exc:
        if not _is_data_error(exc):
            raise
        log.warning(
            "the warehouse refused the batch of %d articles (%s); loading them one by one",
            len(rows),
            _one_line(exc),
        )
    stored: list[Article] = []
    refused: list[Reject] = []
    for art, row in zip(batch, rows, strict=True):
        try:
            with conn.begin_nested():
                upsert(conn, articles, [row], ARTICLE_KEYS, ARTICLE_KEEP, ARTICLE_LATEST)
        except (StatementError, ValueError) as exc:
            if not _is_data_error(exc):
                raise
            refused.append(
                Reject.of_article(
                    art,
                    ds=ds,
                    stage="load",
                    reason=WAREHOUSE_REFUSED,
                    detail=f"the warehouse refused the row: {_one_line(exc)}",
                    run_id=run_id,
                    evidence=EVIDENCE_NONE,
                )
            )
        else:
            stored.append(art)
    return stored, refused


def _is_data_error(exc: BaseException) -> bool:
    """Whether the database (or its driver) refused a value, rather than failed to run at all.

    Constraint and value errors are the row's; an ``OperationalError`` (lock wait, timeout, lost
    connection) or any other database error is not, and must fail the load so the task retries.
    Drivers raise encoding errors before the statement is sent, unwrapped (psycopg, pymysql and
    sqlite3 on a lone surrogate) or wrapped in a ``StatementError`` by a bind processor.
    """
    if isinstance(exc, DataError | IntegrityError):
        return True
    if type(exc).__name__ == "BulkLoadRefused":  # a dialect's bulk path refused a value
        return True
    if isinstance(exc, DBAPIError):
        return False
    if isinstance(exc, StatementError):
        return isinstance(exc.orig, ValueError)
    return isinstance(exc, UnicodeError)


def _one_line(exc: BaseException) -> str:
    """The database's own message, first line only (a StatementError's text repeats the SQL and
    every parameter, bodies included)."""
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    line = lines[0] if lines else type(orig).__name__
    return line if len(line) <= _MESSAGE_MAX else line[: _MESSAGE_MAX - 1] + "…"


def article_row(art: Article, timezone: str = "UTC") -> dict[str, Any]:
    """The ``articles`` row for an article (already fitted by ``warehouse.fit``).

    ``published_at`` is stored in the source's time zone (where the dialect keeps offsets) and
    ``published_date`` is its calendar day there: the day a reader of that source would name.
    ``first_seen`` / ``last_seen`` are the load's ``ds``: the upsert keeps the first and moves the
    last forward, so a re-run of a day changes neither.
    """
    published = art.published_at
    local: date | None = None
    if published is not None and published.tzinfo is not None:
        published = published.astimezone(ZoneInfo(timezone))
        local = published.date()
    seen = date.fromisoformat(art.ds) if art.ds else None
    return {
        "article_id": art.article_id,
        "source_id": art.source_id,
        "url": art.url,
        "canonical_url": art.canonical_url,
        "title": art.title,
        "body": art.body,
        "author": art.author,
        "published_at": published,
        "site_name": art.site_name,
        "lang": art.lang,
        "detected_encoding": art.detected_encoding,
        "encoding_method": art.encoding_method,
        "content_hash": art.content_hash,
        "simhash": art.simhash,
        "char_count": art.char_count,
        "repairs": ",".join(art.repairs),
        "ds": art.ds,
        "published_date": local,
        "published_source": art.published_source,
        "title_source": art.title_source,
        "decode_damage": art.decode_damage,
        "first_seen": seen,
        "last_seen": seen,
    }


def write_articles(conn: Connection, rows: Sequence[dict[str, Any]], *, absent: bool = False) -> None:
    """The dialect's bulk upsert of article rows, its ``load_chunk_rows`` at a time, on the open
    transaction. ``absent``: the caller knows no row's ``article_id`` is stored and none repeats
    (see :func:`article_etl.warehouse.load.load_partition`), so the dialect may skip looking."""
    dialect = dialect_for(conn.dialect.name)
    size = dialect.capabilities.load_chunk_rows
    for start in range(0, len(rows), size):
        dialect.bulk_upsert(
            conn,
            articles,
            rows[start : start + size],
            ARTICLE_KEYS,
            ARTICLE_KEEP,
            ARTICLE_LATEST,
            absent=absent,
        )


def upsert(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    keep: Sequence[str] = (),
    latest: Sequence[str] = (),
) -> None:
    """INSERT ... ON CONFLICT/DUPLICATE KEY UPDATE in the dialect's own words."""
    dialect_for(conn.dialect.name).upsert(conn, table, rows, keys, keep, latest)
