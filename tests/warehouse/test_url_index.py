"""Discover's already-loaded look-up by listed URL walks ``ix_articles_url`` on every dialect, so a
daily run costs what its URLs cost, not what the warehouse's age does (issue #16); migration 0003
adds the index to a warehouse that already holds rows, and takes it away again.

The plans are the database's own (``EXPLAIN``) for the very statements ``loaded_elsewhere`` sends
(caught on their way to the driver). PostgreSQL runs them with ``enable_seqscan`` off, so a
table of a few rows cannot make a scan the cheap choice: a plan that still scans has no index to
use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, event, func, inspect, select, text

from article_etl.warehouse import get_engine
from article_etl.warehouse.known import LoadedArticle, loaded_elsewhere
from article_etl.warehouse.migrate import _config, current, head, upgrade
from article_etl.warehouse.schema import articles
from tests.warehouse.conftest import postgres_database
from tests.warehouse.helpers import DS, load, make_article

OTHER_DAY = "2026-11-19"
_BY_URL = re.compile(r"WHERE.*\barticles\.url\b", re.DOTALL)


def _url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@contextmanager
def _sent(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The (statement, parameters) ``engine`` sends that match on ``articles.url``."""
    seen: list[tuple[str, Any]] = []

    def grab(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if _BY_URL.search(statement):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", grab)


def _plan(engine: Engine, statement: str, parameters: Any) -> str:
    """The database's plan for ``statement``, one line per step."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        name = engine.dialect.name
        if name == "sqlite":
            cur.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
            lines = [str(row[-1]) for row in cur.fetchall()]
        elif name == "postgresql":
            cur.execute("SET enable_seqscan = off")
            cur.execute(f"EXPLAIN {statement}", parameters)
            lines = [str(row[0]) for row in cur.fetchall()]
        else:
            cur.execute(f"EXPLAIN {statement}", parameters)
            names = [d[0] for d in cur.description]
            lines = [" ".join(f"{k}={v}" for k, v in zip(names, row, strict=True)) for row in cur.fetchall()]
        raw.rollback()
    finally:
        raw.close()
    return "\n".join(lines)


def _scans_articles(engine: Engine, plan: str) -> bool:
    """Whether ``plan`` reads every row of ``articles`` rather than looking URLs up."""
    if engine.dialect.name == "sqlite":
        return re.search(r"^SCAN articles\b", plan, re.MULTILINE) is not None
    if engine.dialect.name == "postgresql":
        return "Seq Scan on articles" in plan
    return re.search(r"table=articles type=(ALL|index)\b", plan) is not None


def _url_plans(engine: Engine, urls: list[str]) -> list[str]:
    with _sent(engine) as sent:
        loaded_elsewhere(_url_of(engine), "xj", OTHER_DAY, urls)
    assert sent, "loaded_elsewhere sent no statement matching on articles.url"
    return [_plan(engine, statement, parameters) for statement, parameters in sent]


def _load_redirected(engine: Engine, count: int) -> list[str]:
    """``count`` articles stored under their listed URL, identified by another (a redirect, so
    only ``articles.url`` finds them); returns their listed URLs."""
    listed = [f"http://x/listed/{i}" for i in range(count)]
    batch = [
        replace(make_article(f"http://x/final/{i}", f"正文 {i} " * 40), url=url)
        for i, url in enumerate(listed)
    ]
    load(engine, batch)
    return listed


def test_the_url_look_up_uses_the_index(warehouse: Engine) -> None:
    listed = _load_redirected(warehouse, 60)
    with warehouse.connect() as conn:
        if warehouse.dialect.name != "sqlite":  # statistics, as a warehouse in use has them
            conn.execute(
                text(
                    "ANALYZE articles" if warehouse.dialect.name == "postgresql" else "ANALYZE TABLE articles"
                )
            )
    wanted = [*listed[:3], "http://x/listed/none"]
    for plan in _url_plans(warehouse, wanted):
        assert "ix_articles_url" in plan, plan
        assert not _scans_articles(warehouse, plan), plan
    found = loaded_elsewhere(_url_of(warehouse), "xj", OTHER_DAY, wanted)
    assert sorted(found) == listed[:3]
    assert all(isinstance(v, LoadedArticle) and v.ds == DS for v in found.values())


def _downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as conn:
        command.downgrade(_config(conn), revision)


def _url_indexes(engine: Engine) -> list[str]:
    return [i["name"] for i in inspect(engine).get_indexes("articles") if i["column_names"] == ["url"]]


def test_0003_adds_and_drops_the_index_on_a_warehouse_with_rows(empty_warehouse: str) -> None:
    engine = get_engine(empty_warehouse)
    upgrade(engine)
    listed = _load_redirected(engine, 60)
    _downgrade(engine, "0002")
    assert current(engine) == "0002"
    assert _url_indexes(engine) == []
    # Without the index the same look-up reads the table: the plan check above can fail.
    assert any(_scans_articles(engine, plan) for plan in _url_plans(engine, listed[:3]))
    assert upgrade(engine) == ("0002", head())
    assert _url_indexes(engine) == ["ix_articles_url"]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(articles)).scalar() == 60
    assert sorted(loaded_elsewhere(empty_warehouse, "xj", OTHER_DAY, listed[:5])) == listed[:5]


@pytest.mark.postgres
def test_postgres_keeps_an_index_built_concurrently_and_rebuilds_an_invalid_one() -> None:
    """The operator's way round the write lock (0003's docstring): build the index first."""
    with postgres_database() as url:
        engine = get_engine(url)
        upgrade(engine, "0002")
        build = "CREATE INDEX CONCURRENTLY ix_articles_url ON articles USING hash (url)"
        oid = "SELECT 'ix_articles_url'::regclass::oid"
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(build))
            prebuilt = conn.execute(text(oid)).scalar()
        upgrade(engine)
        with engine.connect() as conn:
            assert conn.execute(text(oid)).scalar() == prebuilt
        _downgrade(engine, "0002")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(build))
            # What a concurrent build that failed half-way leaves behind.
            conn.execute(
                text("UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'ix_articles_url'::regclass")
            )
            invalid = conn.execute(text(oid)).scalar()
        upgrade(engine)
        with engine.connect() as conn:
            rebuilt = conn.execute(
                text(
                    "SELECT indexrelid, indisvalid FROM pg_index WHERE indexrelid = 'ix_articles_url'::regclass"
                )
            ).one()
        assert rebuilt[0] != invalid
        assert rebuilt[1] is True
