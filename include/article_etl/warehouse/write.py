"""Write articles so that one refused row costs that row, not the batch.

The batch goes in as one multi-row upsert. If the database refuses it for a row's data (a
constraint, a value it cannot store), the upsert is redone one row at a time, each row in its own
savepoint, and each row refused again becomes a ``warehouse_refused`` reject (evidence "none": an
article loaded earlier under the same id keeps its row) whose detail has the database's message.
Anything else the database raises (``OperationalError``: lock waits, timeouts, lost connections)
is not the row's fault and propagates, so the load fails whole and the task retries.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError

from article_etl.codes import EVIDENCE_NONE, WAREHOUSE_REFUSED
from article_etl.records import Article, Reject
from article_etl.warehouse.schema import articles

log = logging.getLogger(__name__)

_MESSAGE_MAX = 500


def upsert_isolated(
    conn: Connection, batch: list[Article], ds: str, run_id: str | None
) -> tuple[list[Article], list[Reject]]:
    """One bulk upsert; if the database refuses it for a row's data, each row in its own
    savepoint, so the refused rows become ``warehouse_refused`` rejects and the others load."""
    rows = [article_row(a) for a in batch]
    try:
        with conn.begin_nested():
            upsert(conn, articles, rows, ["article_id"])
        return batch, []
    except (StatementError, UnicodeError) as exc:
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
                upsert(conn, articles, [row], ["article_id"])
        except (StatementError, UnicodeError) as exc:
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


def article_row(art: Article) -> dict[str, Any]:
    """The ``articles`` row for an article (already fitted by ``warehouse.fit``)."""
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


def upsert(conn: Connection, table: Any, rows: list[dict[str, Any]], keys: list[str]) -> None:
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
