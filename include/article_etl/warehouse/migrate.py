"""Alembic owns the warehouse schema: upgrade it, say where it stands, check it before a load.

The migrations ship inside the package (``warehouse/migrations``), so a pip-installed deployment
can upgrade its warehouse with ``article-etl db upgrade`` and no checkout. A warehouse created
before Alembic (by ``metadata.create_all``: tables but no ``alembic_version``) is stamped at the
baseline revision, whose schema it has, and upgraded from there; its rows are kept.
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

from article_etl.errors import PermanentError
from article_etl.warehouse.dialects import dialect_for
from article_etl.warehouse.engine import masked

MIGRATIONS = Path(__file__).with_name("migrations")
BASELINE = "0001"
# Alembic's ``op``/``context`` proxies are process-global: one upgrade at a time per process.
_PROCESS_LOCK = threading.Lock()


class SchemaOutOfDate(PermanentError):
    """The warehouse is not at the schema this code loads into."""


def _config(conn: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def head() -> str:
    """The newest revision shipped with this package."""
    script = ScriptDirectory(str(MIGRATIONS))
    revision = script.get_current_head()
    assert revision is not None
    return revision


def current(engine: Engine) -> str | None:
    """The warehouse's revision; ``None`` for an empty database; the baseline for a warehouse
    created before Alembic (tables, no version table)."""
    with engine.connect() as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
        if revision is None and inspect(conn).has_table("articles"):
            return BASELINE
        return revision


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Bring the warehouse to ``revision``; returns (revision before, revision after).

    The whole upgrade is one transaction where the dialect's DDL is transactional (PostgreSQL,
    SQLite): a failed migration leaves the warehouse as it was.
    """
    dialect = dialect_for(engine.dialect.name)
    with _PROCESS_LOCK, _file_lock(engine), engine.connect() as conn:
        try:
            with conn.begin():
                # Two first tasks (two runs at once) upgrading together: the second waits, then
                # finds nothing left to do.
                dialect.acquire_load_lock(conn)
                before, after = _upgrade(conn, revision)
        finally:
            dialect.release_load_lock(conn)
    return before, after


@contextmanager
def _file_lock(engine: Engine) -> Iterator[None]:
    """SQLite has no lock a session can hold across a transaction's start: two processes upgrading
    one file take an exclusive lock on a file beside it (server dialects use their load lock)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _upgrade(conn: Connection, revision: str) -> tuple[str | None, str]:
    before = MigrationContext.configure(conn).get_current_revision()
    cfg = _config(conn)
    if before is None and inspect(conn).has_table("articles"):
        command.stamp(cfg, BASELINE)
        before = BASELINE
    command.upgrade(cfg, revision)
    after = MigrationContext.configure(conn).get_current_revision()
    assert after is not None
    return before, after


def check(engine: Engine) -> None:
    """Fail with one line when the warehouse is not at this code's head revision."""
    found = current(engine)
    wanted = head()
    if found != wanted:
        state = "has no tables" if found is None else f"is at schema revision {found}"
        raise SchemaOutOfDate(
            f"warehouse {masked(engine.url.render_as_string(hide_password=False))} {state}, this code "
            f"loads into revision {wanted}: run article-etl db upgrade"
        )
