"""Alembic owns the schema: an empty database and a previous-schema database (made by the old
``create_all``, with rows) both reach head, and head is what ``schema.py`` describes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, inspect, select, text

from article_etl.cli import main
from article_etl.warehouse import get_engine
from article_etl.warehouse.migrate import BASELINE, SchemaOutOfDate, check, current, head, upgrade
from article_etl.warehouse.schema import LOCAL_DAY_VIEW, article_revisions, articles, metadata, rejects
from tests.warehouse import old_schema
from tests.warehouse.helpers import load, make_article


def _columns(engine: Engine) -> dict[str, set[str]]:
    insp = inspect(engine)
    return {
        t: {c["name"] for c in insp.get_columns(t)} for t in insp.get_table_names() if t != "alembic_version"
    }


def test_an_empty_database_is_upgraded_to_the_schema_the_code_describes(empty_warehouse: str) -> None:
    engine = get_engine(empty_warehouse)
    assert current(engine) is None
    with pytest.raises(SchemaOutOfDate, match="run article-etl db upgrade"):
        check(engine)
    assert upgrade(engine) == (None, head())
    check(engine)
    assert _columns(engine) == {t.name: {c.name for c in t.columns} for t in metadata.sorted_tables}
    indexes = {i["name"] for i in inspect(engine).get_indexes("articles")}
    assert {
        "ix_articles_published_date",
        "ix_articles_source_published_date",
        "ix_articles_ds",
        "ix_articles_url",
    } <= indexes
    assert "ix_rejects_reason" in {i["name"] for i in inspect(engine).get_indexes("rejects")}
    assert LOCAL_DAY_VIEW in inspect(engine).get_view_names()
    # Upgrading again does nothing.
    assert upgrade(engine) == (head(), head())


def test_a_previous_schema_database_keeps_its_rows(empty_warehouse: str) -> None:
    """Tables from the old create_all, with a Beijing article loaded as UTC, reach head; the row
    is kept and now says its local day, where it was first seen, and its instant with a zone."""
    engine = get_engine(empty_warehouse)
    old_schema.metadata.create_all(engine)
    instant = datetime(2004, 12, 9, 16, 30, tzinfo=UTC)  # 2004-12-10 00:30 in Beijing
    with engine.begin() as conn:
        conn.execute(
            old_schema.sources.insert(), [{"source_id": "xj", "name": "西江", "timezone": "Asia/Shanghai"}]
        )
        conn.execute(
            old_schema.articles.insert(),
            [
                {
                    "article_id": "a" * 40,
                    "source_id": "xj",
                    "url": "http://x/1",
                    "canonical_url": "http://x/1",
                    "title": "标题𠀀",
                    "body": "正文" * 100,
                    "published_at": instant,
                    "detected_encoding": "gb18030",
                    "encoding_method": "meta",
                    "content_hash": "h",
                    "simhash": "",
                    "char_count": 200,
                    "repairs": "",
                    "ds": "2004-12-09",
                }
            ],
        )
        conn.execute(
            old_schema.rejects.insert(),
            [
                {
                    "ds": "2004-12-09",
                    "stage": "fetch",
                    "source_id": "xj",
                    "url": "http://x/2",
                    "reason": "http_status",
                    "detail": "404",
                }
            ],
        )
    assert current(engine) == BASELINE
    assert upgrade(engine) == (BASELINE, head())
    with engine.connect() as conn:
        row = conn.execute(select(articles)).one()
        assert conn.execute(select(rejects.c.url, rejects.c.reason)).all() == [("http://x/2", "http_status")]
        local = conn.execute(text(f"SELECT local_day, timezone FROM {LOCAL_DAY_VIEW}")).one()
    assert row.title == "标题𠀀"
    assert row.published_at == instant
    assert row.published_at.tzinfo is not None
    assert row.published_date == date(2004, 12, 10)
    assert (row.first_seen, row.last_seen) == (date(2004, 12, 9), date(2004, 12, 9))
    assert str(local.local_day)[:10] == "2004-12-10"
    assert local.timezone == "Asia/Shanghai"
    # And it loads on top: the same article again changes nothing and records no revision.
    check(engine)


def test_db_upgrade_and_current_commands(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    assert main(["db", "current", "--warehouse", url]) == 0
    assert "none (empty)" in capsys.readouterr().out
    assert main(["db", "upgrade", "--warehouse", url]) == 0
    assert f"revision {head()}" in capsys.readouterr().out
    assert main(["db", "current", "--warehouse", url]) == 0
    assert "up to date" in capsys.readouterr().out


def test_revisions_table_exists_and_loads_run(warehouse: Engine) -> None:
    load(warehouse, [make_article("http://x/1", "正文" * 60)])
    with warehouse.connect() as conn:
        assert conn.execute(select(article_revisions)).all() == []
