"""The one interface every warehouse dialect implements, and the capabilities it declares.

Modelled on how dlt declares a destination's capabilities: the loader never asks "is this
PostgreSQL?"; it asks the dialect to upsert, to bulk-load, to take the load lock, and reads
declared facts (how timestamps are stored, how many bind parameters a statement takes). A new
dialect is one new module in this package that defines ``DIALECT`` (see ``dialects/__init__``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, Table
from sqlalchemy.sql import ColumnElement

from article_etl.errors import PermanentError


class WarehouseSetupError(PermanentError):
    """The warehouse is reachable but set up so that loading would damage data (e.g. utf8mb3)."""


@dataclass(frozen=True)
class Capabilities:
    """What a dialect can do, declared once (read by the loader, the schema and the tests)."""

    timestamps: Literal["native", "iso_offset", "utc_naive"]
    bulk_load: Literal["copy", "multirow"]
    # The most bind parameters one statement may carry (chunks are sized from it).
    max_bind_params: int
    # Whether ON CONFLICT/DUPLICATE KEY can skip unchanged rows with a WHERE (else the
    # database itself writes nothing for identical values, as MySQL does).
    upsert_where: bool
    transactional_ddl: bool
    # The largest text value the article columns hold, in bytes (None: unbounded).
    max_text_bytes: int | None = None
    # Articles per load chunk (fitted, written and read back together). Each chunk costs round
    # trips; on PostgreSQL each is a COPY whose end stalls client and server, so it declares
    # more. Memory in flight is about this many articles (~7 KB each), still flat in the day.
    load_chunk_rows: int = 2_000


class Dialect:
    """Base dialect: generic SQLAlchemy behaviour; subclasses add their own words."""

    names: tuple[str, ...] = ()
    capabilities: Capabilities

    # -- upserts -------------------------------------------------------------------------------
    def insert(self, table: Table) -> Any:
        """The dialect's INSERT construct that supports an upsert clause."""
        raise NotImplementedError

    def greatest(self, a: ColumnElement[Any], b: ColumnElement[Any]) -> ColumnElement[Any]:
        raise NotImplementedError

    def upsert_statement(
        self, table: Table, keys: Sequence[str], keep: Sequence[str] = (), latest: Sequence[str] = ()
    ) -> Any:
        """INSERT ... ON CONFLICT/DUPLICATE KEY UPDATE for rows of ``table``.

        ``keep`` columns keep the stored value once set (first_seen); ``latest`` columns take the
        greater of stored and new (last_seen); every other column takes the new value. Where the
        dialect can (``upsert_where``) the update is skipped when nothing differs, so a re-run
        writes nothing.
        """
        raise NotImplementedError

    def chunks(self, table: Table, rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
        """``rows`` in slices small enough for one statement's bind parameters."""
        size = max(1, self.capabilities.max_bind_params // max(1, len(table.columns)))
        for start in range(0, len(rows), size):
            yield rows[start : start + size]

    def upsert(
        self,
        conn: Connection,
        table: Table,
        rows: Sequence[dict[str, Any]],
        keys: Sequence[str],
        keep: Sequence[str] = (),
        latest: Sequence[str] = (),
    ) -> None:
        """Upsert ``rows`` (statement per chunk, executemany): used for small tables and single rows."""
        if not rows:
            return
        stmt = self.upsert_statement(table, keys, keep, latest)
        for chunk in self.chunks(table, rows):
            conn.execute(stmt, list(chunk))

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
        """The fastest idempotent load of many rows the dialect has (default: ``upsert``).

        ``absent``: the caller knows no row's key is stored yet (and no key repeats), so a
        dialect may skip looking for them; a key that is there after all still loads correctly
        or fails as a refusal (the caller then redoes the rows one by one), never silently."""
        self.upsert(conn, table, rows, keys, keep, latest)

    def in_clauses(self, column: Any, values: Sequence[Any]) -> list[ColumnElement[bool]]:
        """``column IN values`` as one or more conditions, each within the dialect's parameter
        limit: one query per condition (the caller unions the results)."""
        size = 1_000
        return [column.in_(list(values[i : i + size])) for i in range(0, len(values), size)]

    # -- locks ---------------------------------------------------------------------------------
    def acquire_load_lock(self, conn: Connection) -> None:
        """Serialise loads for the rest of the transaction (nothing where the database already does)."""

    def release_load_lock(self, conn: Connection) -> None:
        """Free a session-scoped lock ``acquire_load_lock`` took (nothing for transaction locks)."""

    # -- the door ------------------------------------------------------------------------------
    def check_setup(self, conn: Connection, where: str) -> None:
        """Raise ``WarehouseSetupError`` (one line naming ``where`` and the fix) when loading into
        this database would damage data. Called before any page is fetched."""


def update_set(
    dialect: Dialect,
    table: Table,
    new: Any,
    keys: Sequence[str],
    keep: Sequence[str],
    latest: Sequence[str],
) -> dict[str, ColumnElement[Any]]:
    """The SET clause of an upsert: ``new`` is the dialect's handle on the incoming row's values."""
    from sqlalchemy import func

    out: dict[str, ColumnElement[Any]] = {}
    for col in table.columns:
        if col.name in keys:
            continue
        incoming = new[col.name]
        if col.name in keep:
            out[col.name] = func.coalesce(col, incoming)
        elif col.name in latest:
            out[col.name] = dialect.greatest(func.coalesce(col, incoming), incoming)
        else:
            out[col.name] = incoming
    return out
