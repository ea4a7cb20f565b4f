"""PostgreSQL: new rows by COPY straight into the table; rows already there and changed by COPY
into a temporary staging table, then one INSERT ... ON CONFLICT DO UPDATE ... WHERE changed; rows
already there and unchanged (a re-run's) are found by comparing stored values (text by md5) and
not sent at all. COPY is the fastest way rows enter PostgreSQL (executemany ran at about 0.6 of
its rate here); the set-based upsert from the staging table keeps the load idempotent and skips
rows whose values did not change, so a re-run writes nothing. Loads are serialised with a
transaction-scoped advisory lock; ``published_at`` is ``TIMESTAMPTZ``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Column, Connection, MetaData, String, Table, Text, bindparam, func, or_, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql import ColumnElement

from article_etl.warehouse.dialects.base import Capabilities, Dialect, update_set

LOCK_KEY = 0x41525445  # "ARTE": the advisory lock every load takes


class BulkLoadRefused(ValueError):
    """COPY refused a value (the caller redoes the batch row by row to find which)."""


class PostgreSQLDialect(Dialect):
    names = ("postgresql",)
    capabilities = Capabilities(
        timestamps="native",
        bulk_load="copy",
        max_bind_params=65_535,
        upsert_where=True,
        transactional_ddl=True,
        max_text_bytes=1_073_741_823,  # 1 GB per field
        # 50 COPYs of 2,000 rows for 100k articles stalled at each end (0.65-0.71 of one COPY
        # on a quiet machine); 10 of 10,000 keep ~70 MB more in flight (BENCHMARKS.md, #16).
        load_chunk_rows=10_000,
    )

    def insert(self, table: Table) -> Any:
        return postgresql.insert(table)

    def greatest(self, a: ColumnElement[Any], b: ColumnElement[Any]) -> ColumnElement[Any]:
        return func.greatest(a, b)

    def upsert_statement(
        self, table: Table, keys: Sequence[str], keep: Sequence[str] = (), latest: Sequence[str] = ()
    ) -> Any:
        stmt = postgresql.insert(table)
        set_ = update_set(self, table, stmt.excluded, keys, keep, latest)
        changed = or_(*(table.c[name].is_distinct_from(value) for name, value in set_.items()))
        return stmt.on_conflict_do_update(index_elements=list(keys), set_=set_, where=changed)

    def bulk_upsert(
        self,
        conn: Connection,
        table: Table,
        rows: Sequence[dict[str, Any]],
        keys: Sequence[str],
        keep: Sequence[str] = (),
        latest: Sequence[str] = (),
        *,
        absent: bool = False,
    ) -> None:
        if not rows:
            return
        if absent:  # none stored (the caller knows): COPY them all, no presence probe
            copy_rows(conn, table.name, table, rows)
            return
        # Rows whose key is not in the table yet go straight in with COPY (the load lock keeps
        # another load from adding them meanwhile; a unique clash fails the COPY, and the caller
        # redoes the batch row by row). Rows already there whose upsert would change nothing (a
        # re-run) are not sent at all: their stored values, text as md5, are compared first. Only
        # the rest pay for staging and ON CONFLICT.
        plan = _plan(table, keys, keep, latest)
        if len(keys) == 1 and plan is not None:
            stored = _stored(conn, self, table, keys[0], [r[keys[0]] for r in rows])
            fresh = [r for r in rows if r[keys[0]] not in stored]
            if fresh:
                copy_rows(conn, table.name, table, fresh)
            rows = [
                r for r in rows if (old := stored.get(r[keys[0]])) is not None and _would_change(plan, old, r)
            ]
            if not rows:
                return
        staging = copy_into_staging(conn, table, rows)
        cols = [c.name for c in table.columns]
        stmt = postgresql.insert(table).from_select(cols, select(*(staging.c[c] for c in cols)))
        set_ = update_set(self, table, stmt.excluded, keys, keep, latest)
        changed = or_(*(table.c[name].is_distinct_from(value) for name, value in set_.items()))
        conn.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=set_, where=changed))

    def in_clauses(self, column: Any, values: Sequence[Any]) -> list[ColumnElement[bool]]:
        """One ``= ANY(array)`` for any number of values: a single scan or index walk, whatever the
        planner's (possibly stale, right after a big first load) statistics say, instead of one per
        chunk (which turned a re-run of 100k rows quadratic)."""
        if not values:
            return []
        # One bind parameter holding the array (not one parameter per element: 65,535 at most).
        return [column == func.any(bindparam(None, list(values), type_=ARRAY(String())))]

    def acquire_load_lock(self, conn: Connection) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


_TEXT, _KEEP, _LATEST = range(3)


def _stored(
    conn: Connection, dialect: Dialect, table: Table, key: str, values: list[Any]
) -> dict[Any, tuple[Any, ...]]:
    """The stored rows of ``table`` whose ``key`` is in ``values`` (as tuples in column order), by
    key; text columns come as their md5 (32 characters instead of a whole article body)."""
    cols = [func.md5(c).label(c.name) if isinstance(c.type, Text) else c for c in table.columns]
    at = [c.name for c in table.columns].index(key)
    query = select(*cols).where(*dialect.in_clauses(table.c[key], values))
    return {row[at]: tuple(row) for row in conn.execute(query)}


class _Plan(NamedTuple):
    """How ``_would_change`` compares a row: the columns that take the new value, all at once
    (``new_of`` on the incoming dict, ``old_of`` on the stored tuple), then each other column by
    its rule: (name, position, ``_TEXT`` / ``_KEEP`` / ``_LATEST``)."""

    new_of: Callable[[dict[str, Any]], tuple[Any, ...]]
    old_of: Callable[[tuple[Any, ...]], tuple[Any, ...]]
    rest: list[tuple[str, int, int]]


def _plan(table: Table, keys: Sequence[str], keep: Sequence[str], latest: Sequence[str]) -> _Plan | None:
    """The comparison for an upsert with ``update_set``'s rules; None when a text column is kept
    or takes the latest value (its md5 cannot say which is greater)."""
    names: list[str] = []
    positions: list[int] = []
    rest: list[tuple[str, int, int]] = []
    for i, col in enumerate(table.columns):
        if col.name in keys:
            continue
        if isinstance(col.type, Text):
            if col.name in keep or col.name in latest:
                return None
            rest.append((col.name, i, _TEXT))
        elif col.name in keep or col.name in latest:
            rest.append((col.name, i, _KEEP if col.name in keep else _LATEST))
        else:
            names.append(col.name)
            positions.append(i)
    # An itemgetter of one key returns the bare value, not a tuple: then a tuple is built.
    new_of = itemgetter(*names) if len(names) > 1 else lambda row: tuple(row[n] for n in names)
    old_of = itemgetter(*positions) if len(positions) > 1 else lambda row: tuple(row[i] for i in positions)
    return _Plan(new_of, old_of, rest)


def _would_change(plan: _Plan, old: tuple[Any, ...], new: dict[str, Any]) -> bool:
    """Whether the upsert (``keep`` keeps a stored value, ``latest`` takes the greater, the rest
    take the new value) would change the stored row ``old``. In doubt (values that do not
    compare, a column missing from the row), yes: sending an unchanged row only costs time."""
    try:
        if plan.new_of(new) != plan.old_of(old):  # None == None: not distinct, as in SQL
            return True
        for name, i, rule in plan.rest:
            incoming, stored = new[name], old[i]
            if rule == _TEXT:
                value = (
                    None
                    if incoming is None
                    else hashlib.md5(str(incoming).encode("utf-8"), usedforsecurity=False).hexdigest()
                )
            elif rule == _KEEP:
                value = stored if stored is not None else incoming
            else:  # greatest(coalesce(stored, incoming), incoming): NULLs ignored, as PostgreSQL does
                value = incoming if stored is None else stored if incoming is None else max(stored, incoming)
            if value != stored:
                return True
    except (TypeError, KeyError):
        return True
    return False


def copy_into_staging(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> Table:
    """COPY ``rows`` into a temporary table shaped like ``table`` (dropped at commit); return it.

    Values go through each column's bind processing first (the same conversion an INSERT applies),
    so what COPY stores is what an INSERT would have stored.
    """
    name = f"_staging_{table.name}"
    conn.execute(
        text(f"CREATE TEMP TABLE IF NOT EXISTS {name} (LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DROP")
    )
    conn.execute(text(f"TRUNCATE {name}"))
    copy_rows(conn, name, table, rows)
    return Table(name, MetaData(), *(Column(c.name, c.type) for c in table.columns))


def copy_rows(conn: Connection, target: str, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """``COPY target (columns of table) FROM STDIN`` with ``rows``, on the connection's transaction."""
    import psycopg

    cols = [c for c in table.columns]
    dialect = conn.dialect
    binds = [c.type.bind_processor(dialect) for c in cols]
    names = ", ".join(f'"{c.name}"' for c in cols)
    raw = conn.connection.driver_connection
    try:
        with raw.cursor() as cur, cur.copy(f"COPY {target} ({names}) FROM STDIN") as copy:  # type: ignore[union-attr]
            for row in rows:
                values = [row.get(c.name) for c in cols]
                copy.write_row([b(v) if b is not None else v for b, v in zip(binds, values, strict=True)])
    except (psycopg.DataError, psycopg.IntegrityError, ValueError) as exc:
        raise BulkLoadRefused(
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        ) from exc


DIALECT = PostgreSQLDialect()
