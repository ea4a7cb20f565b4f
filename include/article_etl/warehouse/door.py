"""The door: before any page is fetched, the warehouse must answer, have room, be set up so it
cannot damage text, and be at this code's schema revision.

An unreachable server was a 244-line traceback after every page had been fetched; a full disk
under SQLite a 49-line one. Here each is one line naming the warehouse (password masked) and the
remedy, raised by the first task that needs the warehouse (the DAG's ``list_sources``,
``article-etl run``'s first step).

The schema is *upgraded* here, not only checked (see docs/decisions.md): the migrations are
additive and keep every row, the first task runs once per DAG run (not mapped), and the upgrade
takes the load lock, so a laptop or a fresh server needs no extra step.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from article_etl.errors import PermanentError, TransientError
from article_etl.warehouse.dialects import dialect_for
from article_etl.warehouse.engine import get_engine, masked
from article_etl.warehouse.migrate import upgrade

log = logging.getLogger(__name__)

# Free space a SQLite warehouse's disk must have before a run starts (MB), overridable.
MIN_FREE_MB_ENV = "ARTICLE_ETL_MIN_FREE_MB"
DEFAULT_MIN_FREE_MB = 100
_ready: set[str] = set()


class WarehouseUnavailable(TransientError):
    """The warehouse does not answer (retryable: a server may be restarting)."""


class WarehouseFull(PermanentError):
    """The warehouse's disk has no room for a day's load."""


def prepare_warehouse(url: str) -> Engine:
    """Check the warehouse and bring its schema to head; return its engine. Once per process."""
    engine = get_engine(url)
    if url in _ready:
        return engine
    where = masked(url)
    check_reachable(engine, where)
    check_room(url, where)
    dialect = dialect_for(engine.dialect.name)
    with engine.connect() as conn:
        dialect.check_setup(conn, where)
    before, after = upgrade(engine)
    if before != after:
        log.info("warehouse %s upgraded from schema revision %s to %s", where, before, after)
    _ready.add(url)
    return engine


def check_reachable(engine: Engine, where: str) -> None:
    """One line, not a traceback, when the database does not answer."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DBAPIError as exc:
        reason = _first_line(exc)
        if "disk is full" in reason or "No space left" in reason:
            raise WarehouseFull(
                f"warehouse {where} is full ({reason}): free space on its disk, then re-run"
            ) from None
        raise WarehouseUnavailable(
            f"warehouse {where} is unreachable ({reason}): start it, or fix ARTICLE_ETL_WAREHOUSE_URL "
            "or the Airflow connection article_warehouse"
        ) from None


def check_room(url: str, where: str) -> None:
    """A SQLite warehouse on a disk with less than ``ARTICLE_ETL_MIN_FREE_MB`` free fails now,
    not half-way through a load."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return
    need = int(os.environ.get(MIN_FREE_MB_ENV, str(DEFAULT_MIN_FREE_MB)))
    free = shutil.disk_usage(Path(parsed.database).resolve().parent).free // (1024 * 1024)
    if free < need:
        raise WarehouseFull(
            f"warehouse {where}: its disk has {free} MB free, less than the {need} MB a run needs "
            f"({MIN_FREE_MB_ENV}): free space on it or move the warehouse, then re-run"
        )


def _first_line(exc: DBAPIError) -> str:
    lines = str(exc.orig).strip().splitlines()
    return lines[0] if lines else type(exc.orig).__name__
