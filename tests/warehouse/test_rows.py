"""What a row says, on every dialect: a zone-aware published_at, the local publication day,
where fields came from, first/last seen from the data interval, and revisions of changed text."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import Engine, select

from article_etl.warehouse import load_partition
from article_etl.warehouse.schema import article_revisions, articles, dq_results, rejects
from tests.warehouse.helpers import DS, SOURCE, load, make_article, make_reject, snapshot

BEIJING = timezone(timedelta(hours=8))


def test_published_at_keeps_its_instant_and_the_local_day_is_stored(warehouse: Engine) -> None:
    """A Beijing article of 2004-12-10 00:30 is that day in Beijing, whatever the dialect stores."""
    art = dataclasses.replace(
        make_article("http://x/1", "正文" * 60),
        published_at=datetime(2004, 12, 9, 16, 30, tzinfo=UTC),
        published_source="jsonld",
        title_source="selector",
        decode_damage=2,
    )
    load(warehouse, [art])
    with warehouse.connect() as conn:
        row = conn.execute(select(articles)).one()
    assert row.published_at == datetime(2004, 12, 10, 0, 30, tzinfo=BEIJING)
    assert row.published_at.utcoffset() is not None
    assert row.published_date == date(2004, 12, 10)
    assert (row.published_source, row.title_source, row.decode_damage) == ("jsonld", "selector", 2)
    assert (row.first_seen, row.last_seen) == (date.fromisoformat(DS), date.fromisoformat(DS))


def test_sqlite_stores_the_offset_a_reader_sees(sqlite_engine: Engine) -> None:
    art = dataclasses.replace(
        make_article("http://x/1", "正文" * 60), published_at=datetime(2004, 12, 9, 16, 30, tzinfo=UTC)
    )
    load(sqlite_engine, [art])
    with sqlite_engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT published_at FROM articles").scalar()
    assert raw == "2004-12-10T00:30:00+08:00"


def test_a_rerun_changes_no_row_and_records_no_revision(warehouse: Engine) -> None:
    batch = [make_article(f"http://x/{i}", f"第{i}篇" * 50) for i in range(5)]
    failed = [make_reject("http://x/gone", "http_status", "gone")]
    load(warehouse, batch, failed)
    first = snapshot(warehouse)
    load(warehouse, batch, failed)
    assert snapshot(warehouse) == first
    with warehouse.connect() as conn:
        assert conn.execute(select(article_revisions)).all() == []
        row = conn.execute(select(rejects.c.evidence, rejects.c.check_name)).one()
    assert tuple(row) == ("gone", "http_status")


def test_changed_text_keeps_the_previous_revision(warehouse: Engine) -> None:
    old = make_article("http://x/1", "旧的正文" * 40, title="旧标题")
    load(warehouse, [old])
    new = make_article("http://x/1", "新的正文" * 40, title="新标题")
    load(warehouse, [new])
    with warehouse.connect() as conn:
        row = conn.execute(select(articles.c.title, articles.c.body, articles.c.first_seen)).one()
        revs = conn.execute(select(article_revisions)).all()
    assert (row.title, row.body) == ("新标题", new.body)
    assert len(revs) == 1
    assert (revs[0].title, revs[0].body, revs[0].content_hash) == ("旧标题", old.body, old.content_hash)
    assert revs[0].replaced_ds == DS
    assert revs[0].replaced_at.tzinfo is not None
    # Loading the new text again adds no revision.
    load(warehouse, [new])
    with warehouse.connect() as conn:
        assert len(conn.execute(select(article_revisions)).all()) == 1


def test_seen_again_on_a_later_day_moves_last_seen_only(warehouse: Engine) -> None:
    art = make_article("http://x/1", "正文" * 60)
    load(warehouse, [art])
    later = "2026-11-20"
    load_partition(
        warehouse,
        source=SOURCE,
        ds=later,
        batch=[dataclasses.replace(art, ds=later)],
        partition_rejects=[],
        dq_rows=[],
        counts={},
        run_id="scheduled__2",
    )
    with warehouse.connect() as conn:
        row = conn.execute(select(articles.c.ds, articles.c.first_seen, articles.c.last_seen)).one()
    assert tuple(row) == (DS, date.fromisoformat(DS), date.fromisoformat(later))


def test_dq_results_carry_the_run(warehouse: Engine) -> None:
    dq = {
        "ds": DS,
        "source_id": "xj",
        "stage": "validate",
        "expectation": "expect_column_values_to_not_be_null",
        "success": True,
        "element_count": 3,
        "unexpected_count": 0,
        "suite": "clean",
        "observed_value": "0 nulls",
    }
    load_partition(
        warehouse, source=SOURCE, ds=DS, batch=[], partition_rejects=[], dq_rows=[dq], counts={}, run_id="r1"
    )
    with warehouse.connect() as conn:
        row = conn.execute(select(dq_results.c.run_id, dq_results.c.observed_value)).one()
    assert tuple(row) == ("r1", "0 nulls")
