"""A day loaded in chunks leaves the same tables as the day loaded whole (issue #16: the load
streams its batch, so memory stays flat in the day's size)."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from article_etl.codes import EVIDENCE_CONTENT, EVIDENCE_GONE, EVIDENCE_TRANSIENT
from article_etl.quality.near_duplicates import simhash
from article_etl.records import Article, Reject
from article_etl.warehouse import load_partition
from article_etl.warehouse.door import prepare_warehouse
from article_etl.warehouse.schema import articles as articles_table
from tests.warehouse.helpers import DS, SOURCE, make_article, make_reject, snapshot

BODIES = [f"第{i}篇。" + "新闻正文内容，各地区各部门认真贯彻落实。" * (8 + i) for i in range(12)]


def _article(i: int, body: str | None = None) -> Article:
    text = body or BODIES[i]
    return replace(make_article(f"http://x/{i:02d}", text, title=f"标题{i}"), simhash=simhash(text))


def _days() -> list[tuple[list[Article], list[Reject]]]:
    """Three loads of one day: the first, a re-run where pages went, changed or failed, a re-run
    of that re-run."""
    first = [_article(i) for i in range(12)]
    rerun = [_article(i, BODIES[i] + "更正。" if i % 4 == 1 else None) for i in range(12) if i % 3 != 0]
    rerun.append(replace(_article(2), url="http://x/02-copy", article_id="c" * 40))  # same text again
    failed = [
        make_reject("http://x/00", "http_status", EVIDENCE_GONE, detail="HTTP 404"),
        make_reject("http://x/03", "fetch_timeout", EVIDENCE_TRANSIENT, detail="no answer"),
        make_reject("http://x/06", "missing_title", EVIDENCE_CONTENT, stage="validate"),
        make_reject("http://x/09", "http_status", EVIDENCE_GONE, detail="HTTP 410"),
        make_reject("http://x/09", "fetch_error", EVIDENCE_TRANSIENT, detail="reset"),
    ]
    return [(first, []), (rerun, failed), (rerun, failed)]


def _once(items: list[Article]) -> Iterator[Article]:
    yield from items


def test_chunked_streamed_loads_leave_the_same_tables_as_whole_ones(tmp_path: Path) -> None:
    whole = prepare_warehouse(f"sqlite:///{tmp_path / 'whole.db'}")
    chunked = prepare_warehouse(f"sqlite:///{tmp_path / 'chunked.db'}")
    for batch, failed in _days():
        results = []
        for engine, chunk_rows, articles in ((whole, 10_000, batch), (chunked, 1, _once(batch))):
            results.append(
                load_partition(
                    engine,
                    source=SOURCE,
                    ds=DS,
                    batch=articles,  # the chunked load gets a one-shot iterator
                    partition_rejects=list(failed),
                    dq_rows=[],
                    counts={"fetch": {"pages": 13.0}},
                    run_id="manual__1",
                    near_duplicate_max_distance=4,
                    chunk_rows=chunk_rows,
                )
            )
        assert results[0] == results[1]
        assert snapshot(whole) == snapshot(chunked)
    articles_, rejects_, _ = snapshot(chunked)
    assert len(articles_) == 9  # 12 less the three with positive evidence (404, 410, a failed check)
    assert any("was removed" in str(row) for row in rejects_)


class _Counted:
    """A day's articles, made afresh on each pass (as records read from a file are), counting how
    many of them are alive at once."""

    def __init__(self, size: int) -> None:
        self.size, self.alive, self.most = size, 0, 0

    def _gone(self) -> None:
        self.alive -= 1

    def _make(self, i: int) -> Article:
        return _article(i % len(BODIES), BODIES[i % len(BODIES)] + f"（{i}）")

    def __iter__(self) -> Iterator[Article]:
        for i in range(self.size):
            art = self._make(i)
            art = replace(art, url=f"http://x/n{i}", article_id=f"{i:040d}", canonical_url=f"http://x/n{i}")
            self.alive += 1
            self.most = max(self.most, self.alive)
            weakref.finalize(art, self._gone)
            yield art


def test_the_load_holds_a_few_chunks_of_the_day_never_the_day(tmp_path: Path) -> None:
    engine = prepare_warehouse(f"sqlite:///{tmp_path / 'w.db'}")
    day = _Counted(120)
    result = load_partition(
        engine,
        source=SOURCE,
        ds=DS,
        batch=day,
        partition_rejects=[],
        dq_rows=[],
        counts={},
        run_id="manual__1",
        near_duplicate_max_distance=4,
        chunk_rows=5,
    )
    assert result.loaded == 120
    assert day.most <= 3 * 5, f"{day.most} of the day's 120 articles were in memory at once"


def test_a_first_load_whose_later_chunk_repeats_an_id_updates_that_row(
    warehouse: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """A first load of a day skips looking for stored ids only where none can be stored: an id an
    earlier chunk of the same load wrote is looked for and updated (no clash, no refused row, no
    fallback to one row at a time)."""
    first = [_article(i) for i in range(3)]
    again = replace(first[0], title="改过的标题")  # the same URL, so the same article_id
    result = load_partition(
        warehouse,
        source=SOURCE,
        ds=DS,
        batch=[*first, again],
        partition_rejects=[],
        dq_rows=[],
        counts={},
        run_id="manual__1",
        chunk_rows=2,  # first[0] in the first chunk, again in the second
    )
    assert "refused the batch" not in caplog.text
    rows, stored_rejects, _ = snapshot(warehouse)
    assert stored_rejects == []
    assert result.rejected == 0
    with warehouse.connect() as conn:
        titles = {r.url: r.title for r in conn.execute(select(articles_table.c.url, articles_table.c.title))}
    assert titles == {first[0].url: "改过的标题", first[1].url: "标题1", first[2].url: "标题2"}
    assert len(rows) == 3


class _Plain(_Counted):
    """As ``_Counted``, without SimHash fingerprints (cheap enough for a day of 15,000)."""

    def _make(self, i: int) -> Article:
        return make_article(f"http://x/p{i}", f"第{i}篇。" + "新闻正文内容。" * 20, title=f"标题{i}")


def test_the_load_chunk_is_the_dialects_and_bounds_what_is_in_memory(warehouse: Engine) -> None:
    """Without ``chunk_rows`` the load takes the dialect's declared chunk (PostgreSQL's is larger:
    fewer COPYs), and still never holds more than a few chunks of the day."""
    from article_etl.warehouse.dialects import dialect_for

    size = dialect_for(warehouse.dialect.name).capabilities.load_chunk_rows
    day = _Plain(size + size // 2)
    result = load_partition(
        warehouse,
        source=SOURCE,
        ds=DS,
        batch=day,
        partition_rejects=[],
        dq_rows=[],
        counts={},
        run_id="manual__1",
        near_duplicate_max_distance=-1,
    )
    assert result.loaded == day.size
    assert size < day.most <= 3 * size, f"{day.most} articles in memory at once, chunk {size}"
