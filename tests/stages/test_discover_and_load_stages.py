"""The discover and load stages on their own, against the demo site and a real SQLite warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from article_etl import codes
from article_etl.demo.site import running_site
from article_etl.records import Discovered, Reject
from article_etl.run import Day
from article_etl.stages import clean, discover, fetch, load, validate
from article_etl.stages.load import QualityGateError
from article_etl.storage import Kind, RunPartition, Stage
from article_etl.warehouse import get_engine
from article_etl.warehouse.schema import articles, pipeline_runs
from tests.stages.helpers import DS, demo_settings

DAY = Day.of(DS, run_id="unit")


def test_discover_publishes_the_listing_and_its_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_site() as base_url:
        settings = demo_settings(base_url, monkeypatch)
        settings.source("harbor").max_articles = 2
        summary = discover.run(settings, "harbor", DAY, tmp_path)
    published = RunPartition.of(Stage.DISCOVER, DAY, "harbor", tmp_path).published()
    urls = list(published.records(Kind.URLS, Discovered))
    problems = list(published.records(Kind.REJECTS, Reject))
    assert len(urls) == 2 == summary["count"]
    assert problems, "entries over max_articles must be rejects, not silence"
    assert {p.reason for p in problems} == {codes.OVER_LIMIT}
    assert all(p.evidence == codes.EVIDENCE_NONE for p in problems)  # says nothing about a loaded article
    assert published.manifest.counts == {
        "in": len(urls) + len(problems),
        "out": 2,
        "rejected": len(problems),
        "already_loaded": 0,  # no warehouse given: nothing looked up, nothing skipped
    }


def _day_through_validate(settings: object, source_id: str, root: Path) -> None:
    for stage in (discover, fetch, clean, validate):
        stage.run(settings, source_id, DAY, root)  # type: ignore[arg-type]


def test_load_follows_the_exact_attempts_its_batch_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Re-running fetch after validate does not change what a cleared load loads: the load follows
    the chain of manifests (validate -> clean -> fetch -> discover), not the newest files."""
    warehouse = f"sqlite:///{tmp_path / 'w.db'}"
    with running_site() as base_url:
        settings = demo_settings(base_url, monkeypatch)
        _day_through_validate(settings, "harbor", tmp_path)
        fetched_first = RunPartition.of(Stage.FETCH, DAY, "harbor", tmp_path).published()
        fetch.run(settings, "harbor", Day.of(DS, run_id="unit", try_number=2), tmp_path)
    assert RunPartition.of(Stage.FETCH, DAY, "harbor", tmp_path).published().attempt != fetched_first.attempt
    summary = load.run(settings, "harbor", DAY, warehouse, tmp_path)
    manifest = RunPartition.of(Stage.LOAD, DAY, "harbor", tmp_path).published().manifest
    assert manifest.inputs == [
        {"stage": "validate", "run_id": "unit", "attempt": manifest.inputs[0]["attempt"]}
    ]
    engine = get_engine(warehouse)
    with engine.connect() as conn:
        loaded = conn.execute(select(func.count()).select_from(articles)).scalar_one()
        fetched = conn.execute(
            select(pipeline_runs.c.value).where(
                pipeline_runs.c.stage == "fetch", pipeline_runs.c.metric == "pages"
            )
        ).scalar_one()
    assert loaded == summary["loaded"] > 0
    assert fetched == fetched_first.manifest.counts["out"]


def test_the_gate_tells_a_layout_change_from_an_outage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = f"sqlite:///{tmp_path / 'w.db'}"
    with running_site() as base_url:
        settings = demo_settings(base_url, monkeypatch)
        _day_through_validate(settings, "xijiang", tmp_path)
    # The demo's xijiang day has rejects by design; a limit lowered after validate (whose own gate
    # would stop the batch first) leaves the load's day-wide gate to fire.
    settings.source("xijiang").max_reject_rate = 0.0
    with pytest.raises(QualityGateError, match="checks on the fetched pages") as caught:
        load.run(settings, "xijiang", DAY, warehouse, tmp_path)
    assert "fix the source's selectors" in str(caught.value)
    # The day is loaded before the gate fires: the rows are there to look at.
    with get_engine(warehouse).connect() as conn:
        assert conn.execute(select(func.count()).select_from(articles)).scalar_one() > 0
