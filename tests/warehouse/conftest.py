"""Warehouses to load into: SQLite always, a fresh PostgreSQL and MariaDB database per test.

Each server test gets a database of its own, dropped afterwards, so no test leaves tables in the
server's default database for another test (or a developer's warehouse) to see. ``warehouse``
is migrated to head (as the DAG's first task does); ``empty_warehouse`` is a URL of an empty
database, for the migration tests.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from article_etl.warehouse import get_engine, normalise_url
from article_etl.warehouse.door import prepare_warehouse
from tests.conftest import reachable_engine

DIALECTS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.postgres),
    pytest.param("mariadb", marks=pytest.mark.mysql),
]


def _fresh_name() -> str:
    return f"article_etl_test_{uuid.uuid4().hex[:8]}"


@contextmanager
def postgres_database() -> Iterator[str]:
    admin = reachable_engine("ARTICLE_ETL_TEST_POSTGRES_URL", "PostgreSQL")
    name = _fresh_name()
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    try:
        yield normalise_url(make_url(admin.url).set(database=name).render_as_string(hide_password=False))
    finally:
        url = normalise_url(make_url(admin.url).set(database=name).render_as_string(hide_password=False))
        get_engine(url).dispose()
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def mariadb_database(charset: str = "utf8mb4") -> Iterator[str]:
    admin = reachable_engine("ARTICLE_ETL_TEST_MYSQL_URL", "MariaDB/MySQL")
    name = _fresh_name()
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} CHARACTER SET {charset}"))
    url = normalise_url(make_url(admin.url).set(database=name).render_as_string(hide_password=False))
    try:
        yield url
    finally:
        get_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {name}"))
        admin.dispose()


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    with postgres_database() as url:
        yield prepare_warehouse(url)


@pytest.fixture
def mariadb_engine() -> Iterator[Engine]:
    """A fresh utf8mb4 database on the MariaDB/MySQL server, tables made by the migrations."""
    with mariadb_database() as url:
        yield prepare_warehouse(url)


@pytest.fixture(params=DIALECTS)
def warehouse(request: pytest.FixtureRequest) -> Engine:
    """The same test on SQLite, PostgreSQL and MariaDB."""
    fixture = {"sqlite": "sqlite_engine", "postgresql": "postgres_engine", "mariadb": "mariadb_engine"}
    engine: Engine = request.getfixturevalue(fixture[request.param])
    return engine


@pytest.fixture(params=DIALECTS)
def empty_warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database (no tables) on SQLite, PostgreSQL and MariaDB."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
    elif request.param == "postgresql":
        with postgres_database() as url:
            yield url
    else:
        with mariadb_database() as url:
            yield url
