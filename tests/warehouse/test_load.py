"""The loader against real databases: SQLite always, PostgreSQL and MariaDB when CI provides them."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url

from article_etl.identity import article_id, canonical_url
from article_etl.records import Reject
from article_etl.warehouse import load_partition, normalise_url
from article_etl.warehouse.schema import articles, metadata, rejects
from tests.conftest import reachable_engine

# Other tests take DS, SOURCE and make_article from this module: they stay importable from here.
from tests.warehouse.helpers import DS, SOURCE, load, make_article, snapshot
from tests.warehouse.helpers import make_reject as _reject
from tests.warehouse.helpers import urls as _urls


def test_rerun_of_a_day_changes_nothing(warehouse: Engine) -> None:
    batch = [
        make_article("http://x/a?utm_source=rss", "正文一" * 60),
        make_article("http://x/b", "正文二" * 60),
    ]
    fail = [
        Reject(
            ds=DS, stage="fetch", source_id="xj", url="http://x/404", reason="http_status", detail="HTTP 404"
        )
    ]
    load(warehouse, batch, fail)
    first = snapshot(warehouse)
    load(warehouse, batch, fail)
    assert snapshot(warehouse) == first
    assert len(first[0]) == 2
    assert len(first[1]) == 1


def test_rerun_removes_an_article_the_day_now_rejects_and_says_why(warehouse: Engine) -> None:
    load(warehouse, [make_article("http://x/a", "甲" * 200), make_article("http://x/b", "乙" * 200)])
    load(warehouse, [make_article("http://x/a", "甲" * 200)], [_reject("http://x/b")])
    assert _urls(warehouse) == ["http://x/a"]
    with warehouse.connect() as conn:
        assert conn.execute(select(rejects.c.url, rejects.c.reason)).all() == [("http://x/b", "http_status")]
        detail = conn.execute(select(rejects.c.detail)).scalar_one()
    assert f"(article {article_id(canonical_url('http://x/b'))}) was removed" in detail


def test_rerun_that_no_longer_lists_a_page_keeps_its_row(warehouse: Engine) -> None:
    """A feed that has dropped old entries must not empty a backfilled day without a word."""
    load(warehouse, [make_article("http://x/a", "甲" * 200)])
    load(warehouse, [])
    assert _urls(warehouse) == ["http://x/a"]


def test_rerun_where_the_kept_copy_now_fails_keeps_the_other_copy(warehouse: Engine) -> None:
    text = "同一篇文章" * 50
    load(warehouse, [make_article("http://x/u1", text)], [_reject("http://x/u2", "duplicate")])
    load(warehouse, [make_article("http://x/u2", text)], [_reject("http://x/u1")])
    assert _urls(warehouse) == ["http://x/u2"]


def test_an_article_seen_again_on_a_later_day_stays_on_its_first_day(warehouse: Engine) -> None:
    art = make_article("http://x/undated", "未注明日期的文章" * 30)
    load(warehouse, [art])
    later = replace(art, ds="2026-11-19")
    load_partition(
        warehouse,
        source=SOURCE,
        ds="2026-11-19",
        batch=[later],
        partition_rejects=[],
        dq_rows=[],
        counts={},
        run_id="r2",
    )
    load(warehouse, [art])
    with warehouse.connect() as conn:
        assert conn.execute(select(articles.c.url, articles.c.ds)).all() == [("http://x/undated", DS)]
        dup = conn.execute(select(rejects.c.ds, rejects.c.reason, rejects.c.detail)).one()
    assert (dup.ds, dup.reason) == ("2026-11-19", "duplicate")
    assert f"ds={DS}" in dup.detail


def test_same_text_under_another_url_is_a_duplicate_reject(warehouse: Engine) -> None:
    load(warehouse, [make_article("http://x/a", "同一篇文章" * 50)])
    load_partition(
        warehouse,
        source=SOURCE,
        ds="2026-11-19",
        batch=[make_article("http://x/copy", "同一篇文章" * 50)],
        partition_rejects=[],
        dq_rows=[],
        counts={},
        run_id="r2",
    )
    with warehouse.connect() as conn:
        assert conn.execute(select(articles.c.url)).scalars().all() == ["http://x/a"]
        row = conn.execute(select(rejects.c.reason, rejects.c.url, rejects.c.detail)).one()
    assert row.reason == "duplicate"
    assert row.url == "http://x/copy"
    assert article_id(canonical_url("http://x/a")) in row.detail


@pytest.mark.postgres
def test_postgres_upsert_is_idempotent_and_keeps_cjk(postgres_engine: Engine) -> None:
    batch = [make_article("http://x/a", "朱镕基与陶喆、堃𠀀" * 30)]
    load(postgres_engine, batch)
    first = snapshot(postgres_engine)
    load(postgres_engine, batch)
    assert snapshot(postgres_engine) == first
    assert "朱镕基与陶喆、堃𠀀" * 30 in first[0][0]


@pytest.mark.mysql
def test_mysql_in_the_wrong_charset_is_caught_as_roundtrip_mismatch() -> None:
    admin = reachable_engine("ARTICLE_ETL_TEST_MYSQL_URL", "MariaDB/MySQL")
    name = f"article_etl_test_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} CHARACTER SET utf8mb3"))
    # A misconfigured server: three-byte utf8 and a lax sql_mode, where MySQL stores '?' instead of failing.
    url = make_url(normalise_url(admin.url.render_as_string(hide_password=False))).set(database=name)
    engine = create_engine(url, connect_args={"init_command": "SET SESSION sql_mode=''"})
    try:
        metadata.create_all(engine)
        good, astral = (
            make_article("http://x/good", "朱镕基" * 80),
            make_article("http://x/astral", "古籍𠀀" * 80),
        )
        load(engine, [good, astral])
        with engine.connect() as conn:
            assert conn.execute(select(articles.c.url)).scalars().all() == ["http://x/good"]
            row = conn.execute(select(rejects.c.reason, rejects.c.url, rejects.c.detail)).one()
        assert (row.reason, row.url) == ("roundtrip_mismatch", "http://x/astral")
        assert "utf8mb4" in row.detail
        # An earlier, storable version of the article is not overwritten by the damaged one.
        earlier = make_article("http://x/astral", "古籍" * 80)
        load(engine, [good, earlier])
        load(engine, [good, astral])
        with engine.connect() as conn:
            bodies = dict(conn.execute(select(articles.c.url, articles.c.body)).all())
            assert conn.execute(select(rejects.c.reason)).scalars().all() == ["roundtrip_mismatch"]
        assert bodies == {"http://x/good": good.body, "http://x/astral": earlier.body}
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {name}"))


def test_mysql_urls_get_utf8mb4() -> None:
    assert normalise_url("mysql://root@h/db") == "mysql+pymysql://root@h/db?charset=utf8mb4"
    assert normalise_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
