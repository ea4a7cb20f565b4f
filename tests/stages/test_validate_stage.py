"""The quality suites at every stage, on the demo site: quarantine by expectation, the batch gate,
dq_results for fetch, clean and warehouse, Data Docs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from article_etl.demo.site import running_site
from article_etl.quality.gate import BatchGateError
from article_etl.records import Reject
from article_etl.run import Day
from article_etl.stages import clean, discover, fetch, load, validate, verify
from article_etl.storage import Kind, PartitionError, RunPartition, Stage, data_docs_folder
from article_etl.warehouse import get_engine
from article_etl.warehouse.schema import articles, dq_results, rejects
from tests.stages.helpers import DS, demo_settings

DAY = Day.of(DS, run_id="unit")
SOURCES = ("harbor", "luoyang", "xijiang")


def _through_clean(settings: object, source_id: str, root: Path) -> None:
    for stage in (discover, fetch, clean):
        stage.run(settings, source_id, DAY, root)  # type: ignore[arg-type]


def test_every_stage_has_its_results_and_failing_rows_carry_the_expectation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    warehouse = f"sqlite:///{tmp_path / 'w.db'}"
    with running_site() as base_url:
        settings = demo_settings(base_url, monkeypatch)
        for source_id in SOURCES:
            _through_clean(settings, source_id, tmp_path)
    with caplog.at_level(logging.INFO):
        for source_id in SOURCES:
            validate.run(settings, source_id, DAY, tmp_path)
            load.run(settings, source_id, DAY, warehouse, tmp_path)
    quarantined = {
        r.url.rsplit("/", 1)[-1]: r
        for s in SOURCES
        for r in RunPartition.of(Stage.VALIDATE, DAY, s, tmp_path).published().records(Kind.REJECTS, Reject)
    }
    # The demo's page without a title is quarantined by the clean suite, named by its expectation.
    no_title = [r for r in quarantined.values() if r.reason == "missing_title"]
    assert len(no_title) == 1
    assert no_title[0].check_name == "clean.title.missing_title"
    assert no_title[0].raw_ref
    assert no_title[0].raw_ref.startswith("fetch/")
    assert all(r.check_name and r.check_name.startswith(("fetch.", "clean.")) for r in quarantined.values())
    with get_engine(warehouse).connect() as conn:
        stored = conn.execute(
            select(rejects.c.check_name, rejects.c.evidence).where(rejects.c.reason == "missing_title")
        ).all()
        per_stage = dict(
            conn.execute(select(dq_results.c.stage, func.count()).group_by(dq_results.c.stage)).all()
        )
        failed = conn.execute(
            select(dq_results.c.source_id, dq_results.c.expectation).where(dq_results.c.success.is_(False))
        ).all()
    # The warehouse's rejects table says which expectation quarantined the row, too.
    assert [tuple(r) for r in stored] == [("clean.title.missing_title", "content")]
    assert set(per_stage) == {"fetch", "clean", "warehouse"}
    assert per_stage["warehouse"] == 4 * len(SOURCES)
    assert ("luoyang", "clean.title.missing_title") in failed
    assert not [f for f in failed if f[1].startswith("warehouse.")], failed
    docs = data_docs_folder(tmp_path)
    assert (docs / "index.html").is_file()
    for suite in ("fetch_pages", "clean_articles", "warehouse_counts", "warehouse_articles"):
        assert list((docs / "validations" / suite).rglob("*.html")), suite
    assert any(
        "Data Docs for luoyang" in r.getMessage() and "file://" in r.getMessage() for r in caplog.records
    )


def test_a_source_over_its_limit_fails_validate_and_loads_nothing_while_others_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = f"sqlite:///{tmp_path / 'w.db'}"
    with running_site() as base_url:
        settings = demo_settings(base_url, monkeypatch)
        for source_id in SOURCES:
            _through_clean(settings, source_id, tmp_path)
    settings.source("luoyang").max_reject_rate = 0.1  # its day has one page without a title in five
    with pytest.raises(BatchGateError) as caught:
        validate.run(settings, "luoyang", DAY, tmp_path)
    message = str(caught.value)
    for part in (
        "source luoyang",
        "stage clean",
        "clean.title.missing_title",
        "(20%)",
        "max_reject_rate 10%",
    ):
        assert part in message
    assert not RunPartition.of(Stage.VALIDATE, DAY, "luoyang", tmp_path).has_published()
    with pytest.raises(PartitionError, match="validate has published nothing"):
        load.run(settings, "luoyang", DAY, warehouse, tmp_path)
    for source_id in ("harbor", "xijiang"):
        validate.run(settings, source_id, DAY, tmp_path)
        load.run(settings, source_id, DAY, warehouse, tmp_path)
    with get_engine(warehouse).connect() as conn:
        by_source = dict(
            conn.execute(select(articles.c.source_id, func.count()).group_by(articles.c.source_id)).all()
        )
    assert "luoyang" not in by_source
    assert by_source["harbor"] > 0
    assert by_source["xijiang"] > 0


def test_the_warehouse_suite_finds_an_article_without_a_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = f"sqlite:///{tmp_path / 'w.db'}"
    with running_site() as base_url:
        settings = demo_settings(base_url, monkeypatch)
        _through_clean(settings, "harbor", tmp_path)
    validate.run(settings, "harbor", DAY, tmp_path)
    load.run(settings, "harbor", DAY, warehouse, tmp_path)
    engine = get_engine(warehouse)
    with engine.begin() as conn:
        row = dict(conn.execute(select(articles).where(articles.c.source_id == "harbor")).first()._mapping)  # type: ignore[union-attr]
        row.update(article_id="orphan", canonical_url="http://127.0.0.1/orphan")
        conn.execute(insert(articles), [row])
        conn.execute(articles.update().where(articles.c.article_id == "orphan").values(source_id="nowhere"))
    counts = {
        "fetch": {"pages": 1},
        "clean": {"articles": 1, "rejected": 1},
        "validate": {"articles": 1},
    }
    results = {r.expectation: r for r in verify.run(engine, "nowhere", DAY, counts, tmp_path)}
    assert results["warehouse.article_has_source"].success is False
    assert results["warehouse.article_has_source"].unexpected_count == 1
    assert results["warehouse.fetched_eq_cleaned_plus_rejected"].success is False  # 1 != 1 + 1
    assert results["warehouse.canonical_url_unique"].success is True
