"""MySQL and MariaDB: ``utf8mb4`` or nothing, DATETIME in UTC, INSERT ... ON DUPLICATE KEY UPDATE.

MySQL's ``utf8`` (``utf8mb3``) holds three bytes per character: in strict mode (the default) a
4-byte character fails the statement with error 1366, otherwise it becomes ``?``. So a database,
table or connection in utf8mb3 is refused at the door, before any page is fetched, with the
statement that fixes it. ``DATETIME`` has no zone: ``published_at`` is stored in UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, text
from sqlalchemy.dialects import mysql
from sqlalchemy.sql import ColumnElement

from article_etl.errors import TransientError
from article_etl.warehouse.dialects.base import Capabilities, Dialect, WarehouseSetupError, update_set

LOCK_NAME = "article_etl_load"
LOCK_WAIT_SECONDS = 600
# Columns whose charset decides whether an article survives the trip.
_TEXT_COLUMNS = ("title", "body", "url", "author", "site_name")


class LoadLockTimeout(TransientError):
    """Another load held the warehouse lock for too long; retry later."""


class MySQLDialect(Dialect):
    names = ("mysql", "mariadb")
    capabilities = Capabilities(
        timestamps="utc_naive",
        bulk_load="multirow",
        max_bind_params=65_535,
        upsert_where=False,  # the server writes nothing for a row whose values are all the same
        transactional_ddl=False,
        max_text_bytes=4_294_967_295,  # LONGTEXT
    )

    def insert(self, table: Table) -> Any:
        return mysql.insert(table)

    def greatest(self, a: ColumnElement[Any], b: ColumnElement[Any]) -> ColumnElement[Any]:
        return func.greatest(a, b)

    def upsert_statement(
        self, table: Table, keys: Sequence[str], keep: Sequence[str] = (), latest: Sequence[str] = ()
    ) -> Any:
        stmt = mysql.insert(table)
        return stmt.on_duplicate_key_update(update_set(self, table, stmt.inserted, keys, keep, latest))

    def acquire_load_lock(self, conn: Connection) -> None:
        # Named locks belong to the session, which the pool keeps: release_load_lock frees it.
        got = conn.execute(text(f"SELECT GET_LOCK('{LOCK_NAME}', {LOCK_WAIT_SECONDS})")).scalar()
        if got != 1:  # 0: timed out, NULL: error. Loading without it could keep one story twice.
            raise LoadLockTimeout(
                f"could not take the warehouse load lock within {LOCK_WAIT_SECONDS} s "
                "(another load holds it); the task retries"
            )

    def release_load_lock(self, conn: Connection) -> None:
        conn.execute(text(f"SELECT RELEASE_LOCK('{LOCK_NAME}')"))
        conn.commit()

    def check_setup(self, conn: Connection, where: str) -> None:
        row = conn.execute(text("SELECT @@character_set_connection")).one()
        connection_cs = row[0]
        if not str(connection_cs).startswith("utf8mb4"):
            raise WarehouseSetupError(
                f"warehouse {where}: the connection charset is {connection_cs}, which cannot hold 4-byte "
                "characters; add ?charset=utf8mb4 to the warehouse URL"
            )
        bad = conn.execute(
            text(
                "SELECT TABLE_NAME, COLUMN_NAME, CHARACTER_SET_NAME FROM information_schema.COLUMNS "
                "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('articles', 'article_revisions', 'rejects') "
                "AND CHARACTER_SET_NAME IS NOT NULL AND CHARACTER_SET_NAME <> 'utf8mb4' "
                "ORDER BY TABLE_NAME, ORDINAL_POSITION"
            )
        ).first()
        if bad is not None:
            raise WarehouseSetupError(
                f"warehouse {where}: column {bad[0]}.{bad[1]} is {bad[2]}, which cannot hold 4-byte characters; "
                f"run ALTER TABLE {bad[0]} CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci "
                "(and the same for the other tables), then re-run"
            )
        # A utf8mb3 *database* is fine: the migrations create every table in utf8mb4 explicitly.


DIALECT = MySQLDialect()
