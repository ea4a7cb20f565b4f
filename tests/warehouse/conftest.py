"""Warehouses to load into: SQLite always, a fresh PostgreSQL and MariaDB database per test.

Each server test gets a database of its own, dropped afterwards, so no test leaves tables in the
server's default database for another test (or a developer's warehouse) to see.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from article_etl.warehouse import normalise_url
from article_etl.warehouse.door import prepare_warehouse
from tests.conftest import reachable_engine


def _fresh_name() -> str:
    return f"article_etl_test_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    admin = reachable_engine("ARTICLE_ETL_TEST_POSTGRES_URL", "PostgreSQL")
    name = _fresh_name()
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    engine = prepare_warehouse(
        normalise_url(make_url(admin.url).set(database=name).render_as_string(hide_password=False))
    )
    yield engine
    engine.dispose()
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def mariadb_engine() -> Iterator[Engine]:
    """A fresh utf8mb4 database on the MariaDB/MySQL server, tables made by the migrations."""
    admin = reachable_engine("ARTICLE_ETL_TEST_MYSQL_URL", "MariaDB/MySQL")
    name = _fresh_name()
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} CHARACTER SET utf8mb4"))
    engine = prepare_warehouse(
        normalise_url(make_url(admin.url).set(database=name).render_as_string(hide_password=False))
    )
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name}"))
    admin.dispose()


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("mariadb", marks=pytest.mark.mysql),
    ]
)
def warehouse(request: pytest.FixtureRequest) -> Engine:
    """The same test on SQLite, PostgreSQL and MariaDB."""
    fixture = {"sqlite": "sqlite_engine", "postgresql": "postgres_engine", "mariadb": "mariadb_engine"}
    engine: Engine = request.getfixturevalue(fixture[request.param])
    return engine
