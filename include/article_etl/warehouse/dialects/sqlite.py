"""SQLite: the laptop warehouse. One writer at a time (the database serialises writers, so no
load lock), timestamps as ISO 8601 text with their offset, multi-row INSERT ... ON CONFLICT."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, func, or_
from sqlalchemy.dialects import sqlite
from sqlalchemy.sql import ColumnElement

from article_etl.warehouse.dialects.base import Capabilities, Dialect, update_set


class SQLiteDialect(Dialect):
    names = ("sqlite",)
    capabilities = Capabilities(
        timestamps="iso_offset",
        bulk_load="multirow",
        max_bind_params=32_766,  # SQLITE_MAX_VARIABLE_NUMBER since 3.32
        upsert_where=True,
        transactional_ddl=True,
        max_text_bytes=1_000_000_000,  # SQLITE_MAX_LENGTH
    )

    def insert(self, table: Table) -> Any:
        return sqlite.insert(table)

    def greatest(self, a: ColumnElement[Any], b: ColumnElement[Any]) -> ColumnElement[Any]:
        return func.max(a, b)

    def upsert_statement(
        self, table: Table, keys: Sequence[str], keep: Sequence[str] = (), latest: Sequence[str] = ()
    ) -> Any:
        stmt = sqlite.insert(table)
        set_ = update_set(self, table, stmt.excluded, keys, keep, latest)
        changed = or_(*(table.c[name].is_distinct_from(value) for name, value in set_.items()))
        return stmt.on_conflict_do_update(index_elements=list(keys), set_=set_, where=changed)


DIALECT = SQLiteDialect()
