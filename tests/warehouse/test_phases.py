"""The load records where its time goes, phase by phase, on every dialect: every phase it ran, no
more seconds than the load took, and, when it fails part-way, what it did and where it stopped."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from article_etl.phases import Phases
from article_etl.records import Reject
from article_etl.warehouse import load_partition
from article_etl.warehouse.load import LOAD_PHASES, UPSERT_PATH
from tests.warehouse.helpers import DS, SOURCE, make_article, make_reject, snapshot


def _load(engine: Engine, phases: Phases, rejects: object) -> None:
    batch = [make_article(f"http://x/phase/{i}", f"第{i}篇文章的正文。" * 20) for i in range(30)]
    load_partition(
        engine,
        source=SOURCE,
        ds=DS,
        batch=batch,
        partition_rejects=rejects,  # type: ignore[arg-type]
        dq_rows=[],
        counts={"fetch": {"pages": 31.0}},
        run_id="manual__1",
        chunk_rows=10,  # several chunks: the per-chunk phases add up
        phases=phases,
    )


def test_every_phase_is_recorded_and_they_sum_to_no_more_than_the_load(warehouse: Engine) -> None:
    phases = Phases()
    start = time.perf_counter()
    _load(warehouse, phases, [make_reject("http://x/gone", "http_status")])
    elapsed = time.perf_counter() - start
    assert list(phases.seconds) == list(LOAD_PHASES)  # each one, in the order they run
    assert all(s >= 0 for s in phases.seconds.values())
    assert all(phases.seconds[p] > 0 for p in UPSERT_PATH)
    assert sum(phases.seconds.values()) <= elapsed
    assert phases.failed_in is None


class _VanishedFile:
    """A stage's rejects whose published file is gone by the time the load reads it."""

    def __iter__(self) -> Iterator[Reject]:
        raise FileNotFoundError("rejects.jsonl.gz: removed by retention")
        yield  # a generator: nothing is read until the load iterates it


def test_a_failing_load_records_what_it_did_and_where_it_stopped(warehouse: Engine) -> None:
    before = snapshot(warehouse)
    phases = Phases()
    with pytest.raises(FileNotFoundError):
        _load(warehouse, phases, _VanishedFile())
    assert phases.failed_in == "rejects"
    done = list(phases.seconds)
    assert done[: done.index("rejects") + 1] == list(LOAD_PHASES[: LOAD_PHASES.index("rejects") + 1])
    assert "commit" not in phases.seconds  # rolled back, never committed
    assert snapshot(warehouse) == before  # and nothing of it stays


def test_phases_add_up_and_name_the_phase_that_raised() -> None:
    phases = Phases()
    for _ in range(3):
        with phases.phase("upsert"):
            time.sleep(0.001)
    assert phases.seconds["upsert"] >= 0.003
    assert list(phases.timed("read", iter([1, 2]))) == [1, 2]
    with pytest.raises(ValueError, match="boom"), phases.phase("outer"), phases.phase("inner"):
        raise ValueError("boom")
    assert phases.failed_in == "inner"  # the first to raise, not the one re-raising it
    assert set(phases.rounded()) == {"upsert", "read", "outer", "inner"}
    assert "upsert=0.0" in phases.line()
