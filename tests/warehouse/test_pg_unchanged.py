"""PostgreSQL: a re-run sends no unchanged row and rewrites none; any changed value still lands."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine, text

from article_etl.warehouse.write import article_row, write_articles
from tests.warehouse.helpers import make_article

pytestmark = pytest.mark.postgres


def _versions(engine: Engine) -> dict[str, tuple[str, str, str]]:
    """Each row's tuple version (xmin changes when the row is rewritten), title and last_seen."""
    with engine.connect() as conn:
        return {
            r.url: (str(r.xmin), r.title, str(r.last_seen))
            for r in conn.execute(text("SELECT url, xmin, title, last_seen FROM articles"))
        }


def test_a_rerun_rewrites_nothing_and_each_changed_value_is_written(postgres_engine: Engine) -> None:
    day = [make_article(f"http://x/{i}", "正文内容，" * (40 + i), title=f"标题{i}") for i in range(6)]
    rows = [article_row(a, "Asia/Shanghai") for a in day]
    with postgres_engine.begin() as conn:
        write_articles(conn, rows)
    first = _versions(postgres_engine)
    with postgres_engine.begin() as conn:
        write_articles(conn, rows)
    assert _versions(postgres_engine) == first  # same xmin: no row was rewritten
    later = replace(day[2], ds="2026-11-20")  # seen again on a later day: last_seen moves
    changed = [
        article_row(replace(day[0], title="新标题"), "Asia/Shanghai"),
        article_row(replace(day[1], body="别的正文。" * 50), "Asia/Shanghai"),
        article_row(later, "Asia/Shanghai"),
        *rows[3:],
    ]
    with postgres_engine.begin() as conn:
        write_articles(conn, changed)
    after = _versions(postgres_engine)
    assert after["http://x/0"][1] == "新标题"
    assert after["http://x/2"][2] == "2026-11-20"
    assert {url for url in after if after[url][0] != first[url][0]} == {
        "http://x/0",
        "http://x/1",
        "http://x/2",
    }
    with postgres_engine.connect() as conn:
        body = conn.execute(text("SELECT body FROM articles WHERE url = 'http://x/1'")).scalar_one()
    assert body == "别的正文。" * 50


def test_a_first_load_of_a_day_copies_without_looking_for_stored_ids(postgres_engine: Engine) -> None:
    """A day's first load sends no presence probe (nothing of the day is stored; ids stored for
    other days became duplicate rejects); the re-run looks, and rewrites nothing."""
    from sqlalchemy import event

    from tests.warehouse.helpers import load

    probes: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        if "md5(" in statement:
            probes.append(statement)

    day = [make_article(f"http://x/{i}", "正文内容，" * (40 + i), title=f"标题{i}") for i in range(6)]
    event.listen(postgres_engine, "before_cursor_execute", seen)
    try:
        assert load(postgres_engine, day).loaded == 6
        assert probes == []
        first = _versions(postgres_engine)
        assert load(postgres_engine, day).loaded == 6
        assert len(probes) == 1  # one probe for the re-run's one chunk
    finally:
        event.remove(postgres_engine, "before_cursor_execute", seen)
    assert _versions(postgres_engine) == first
