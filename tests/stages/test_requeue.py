"""Requeue: a day replayed from its capture with a fixed config loads the fixed record and keeps
its reject as resolved; the CLI lists and shows the quarantine."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from article_etl import cli
from article_etl.demo.site import running_site
from article_etl.quality.quarantine import Filters, list_rejects
from article_etl.run import Day
from article_etl.stages import requeue
from article_etl.warehouse import get_engine
from article_etl.warehouse.schema import articles
from tests.stages.helpers import DS, demo_settings, run_day


def test_a_requeue_with_a_fixed_threshold_loads_the_record_and_resolves_its_reject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = f"sqlite:///{tmp_path / 'w.db'}"
    monkeypatch.setenv("ARTICLE_ETL_HOME", str(tmp_path))
    with running_site() as base_url:
        settings = demo_settings(base_url, monkeypatch)
        run_day(settings, "unit", warehouse, tmp_path, "xijiang")
    engine = get_engine(warehouse)
    quarantined = list_rejects(engine, Filters(ds=DS, source_id="xijiang", reason="pinyin_artifact"))
    assert len(quarantined) == 1
    url = quarantined[0]["url"]

    assert cli.main(["rejects", "list", "--ds", DS, "--source", "xijiang", "--warehouse", warehouse]) == 0
    listed = capsys.readouterr().out
    assert url in listed
    assert "pinyin_artifact" in listed
    assert cli.main(["rejects", "show", str(quarantined[0]["id"]), "--warehouse", warehouse]) == 0
    assert "checks.pinyin_artifact_max" in capsys.readouterr().out
    assert cli.main(["rejects", "show", "999999", "--warehouse", warehouse]) == 2
    assert "no reject with id 999999" in capsys.readouterr().err

    # The fix: this source's text legitimately carries pinyin annotations and '?' runs.
    settings.checks.pinyin_artifact_max = 1000
    settings.checks.lost_chars_max = 1000
    with running_site():  # nothing is fetched again: the site may as well be elsewhere
        result = requeue.run(settings, "xijiang", DS, warehouse, tmp_path)
    assert result.resolved == [url]
    assert result.note == ""
    with engine.connect() as conn:
        assert (
            conn.execute(select(func.count()).select_from(articles).where(articles.c.url == url)).scalar_one()
            == 1
        )
    open_rejects = list_rejects(engine, Filters(ds=DS, source_id="xijiang", reason="pinyin_artifact"))
    assert open_rejects == []
    kept = list_rejects(
        engine, Filters(ds=DS, source_id="xijiang", reason="pinyin_artifact", include_resolved=True)
    )
    assert [r["url"] for r in kept] == [url]
    assert kept[0]["resolved_at"] is not None
    assert result.run_id.startswith("requeue__")
    assert Day.of(DS).ds == DS


def test_a_requeue_without_a_capture_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from article_etl.demo.catalog import SOURCES_FILE

    monkeypatch.setenv("ARTICLE_ETL_HOME", str(tmp_path))
    monkeypatch.setenv("ARTICLE_ETL_SOURCES", str(SOURCES_FILE))
    monkeypatch.setenv("ARTICLE_ETL_DEMO_URL", "http://127.0.0.1:9")
    warehouse = f"sqlite:///{tmp_path / 'w.db'}"
    assert cli.main(["rejects", "requeue", "--ds", DS, "--source", "harbor", "--warehouse", warehouse]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "no run of fetch published anything for source harbor" in err[0]
