"""Two loads at once (two sources carrying the same wire story, or a backfill beside a run) keep
one copy of each article, on every dialect: the load lock serialises them."""

from __future__ import annotations

import dataclasses
import threading

from sqlalchemy import Engine, func, select

from article_etl.config import Source
from article_etl.warehouse import load_partition
from article_etl.warehouse.schema import articles, rejects
from tests.warehouse.helpers import DS, make_article


def test_two_overlapping_loads_keep_one_copy(warehouse: Engine) -> None:
    story = [make_article(f"http://wire/{i}", f"通稿第{i}篇。" * 60) for i in range(300)]
    errors: list[BaseException] = []

    def run(source_id: str) -> None:
        source = Source.model_validate(
            {"id": source_id, "name": source_id, "discovery": {"kind": "rss", "url": "http://x/rss"}}
        )
        batch = [
            dataclasses.replace(
                a,
                source_id=source_id,
                url=a.url + f"?via={source_id}",
                article_id=a.article_id + source_id[:0],
            )
            for a in story
        ]
        try:
            load_partition(
                warehouse,
                source=source,
                ds=DS,
                batch=batch,
                partition_rejects=[],
                dq_rows=[],
                counts={},
                run_id=source_id,
            )
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with warehouse.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(articles)).scalar()
        dups = conn.execute(
            select(func.count()).select_from(rejects).where(rejects.c.reason == "duplicate")
        ).scalar()
    assert stored == len(story)
    assert dups == len(story)
