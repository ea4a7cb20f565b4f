"""The load stage says where its time went: the phases in its manifest and log line, and a load
that fails says which phases it got through and the one it stopped in."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from article_etl.demo.site import running_site
from article_etl.run import Day
from article_etl.stages import clean, discover, fetch, load, validate
from article_etl.stages.load import PHASES_AFTER_LOAD, PHASES_BEFORE_LOAD
from article_etl.storage import RunPartition, Stage
from article_etl.warehouse.door import WarehouseUnavailable
from article_etl.warehouse.load import LOAD_PHASES
from tests.stages.helpers import DS, demo_settings

DAY = Day.of(DS, run_id="phases")


def test_the_load_records_its_phases_and_a_failed_one_says_how_far_it_got(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with running_site() as base_url:
        settings = demo_settings(base_url, monkeypatch)
        for stage in (discover, fetch, clean, validate):
            stage.run(settings, "harbor", DAY, tmp_path)  # type: ignore[attr-defined]
    caplog.set_level(logging.INFO, logger="article_etl.stages.load")

    # A warehouse that does not answer (nothing listens on port 1 of loopback): the load reads
    # its upstream, then stops at the warehouse check.
    unreachable = "postgresql+psycopg://etl@127.0.0.1:1/warehouse"
    with pytest.raises(WarehouseUnavailable):
        load.run(settings, "harbor", DAY, unreachable, tmp_path)
    failed = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(failed) == 1
    assert "failed in phase warehouse_check; phases done: upstream=" in failed[0]
    assert "warehouse_check=" in failed[0]  # the failed phase's time counts too
    assert not RunPartition.of(Stage.LOAD, DAY, "harbor", tmp_path).has_published()

    caplog.clear()
    load.run(settings, "harbor", DAY, f"sqlite:///{tmp_path / 'w.db'}", tmp_path)
    manifest = RunPartition.of(Stage.LOAD, DAY, "harbor", tmp_path).published().manifest
    phases = manifest.extra["phases"]
    assert set(phases) == {*PHASES_BEFORE_LOAD, *LOAD_PHASES, *PHASES_AFTER_LOAD}
    assert phases["warehouse_suite"] > 0
    assert phases["upsert"] > 0
    assert sum(phases.values()) <= manifest.seconds + 0.001 * len(phases)  # each is rounded to 1 ms
    (line,) = [r.getMessage() for r in caplog.records if "phases:" in r.getMessage()]
    assert line.startswith(f"load harbor ds={DS} phases: upstream=")
    assert "warehouse_suite=" in line
