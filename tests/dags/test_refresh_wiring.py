"""The DAG's ``refresh`` param reaches discover through ``orchestration.run_stage``, and the
warehouse discover asks is the one the load uses (the ``article_warehouse`` connection).

The task's context is set with the Task SDK's own ``set_current_context`` (as a running task has
it); the connection comes from an ``AIRFLOW_CONN_`` variable, which the SDK reads first.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from article_etl.storage import Stage, latest_published
from tests.conftest import serving
from tests.stages.helpers import feed_source
from tests.stages.test_already_loaded import DAY1, DAY2, HTML, _feed, _run, _settings
from tests.stages.test_bad_values import _page


def _discover_in_airflow(params: dict[str, Any], run_id: str) -> dict[str, Any]:
    from airflow.sdk.execution_time.context import set_current_context

    from article_etl.orchestration import run_stage

    start = datetime.fromisoformat(DAY2).replace(tzinfo=UTC)
    context: Any = {
        "data_interval_start": start,
        "data_interval_end": start + timedelta(days=1),
        "run_id": run_id,
        "params": params,
    }
    with set_current_context(context):
        return run_stage("discover", "bay")


def test_the_refresh_param_makes_discover_pass_on_what_another_day_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zone, db = tmp_path / "zone", tmp_path / "w.db"
    monkeypatch.setenv("ARTICLE_ETL_HOME", str(zone))
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "airflow"))
    monkeypatch.setenv("AIRFLOW_CONN_ARTICLE_WAREHOUSE", json.dumps({"conn_type": "sqlite", "host": str(db)}))
    log: list[str] = []
    routes: dict[str, Any] = {}
    with serving(routes, log) as base:
        routes.update(
            {
                "/robots.txt": (200, [("Content-Type", "text/plain")], b"User-agent: *\nAllow: /\n"),
                "/feed.xml": (200, [("Content-Type", "application/rss+xml")], _feed(base, ["a.html"])),
                "/a.html": (200, HTML, _page("a", 31, jsonld={"datePublished": f"{DAY1}T09:00:00+00:00"})),
            }
        )
        sources = tmp_path / "sources.yaml"
        sources.write_text(yaml.safe_dump(feed_source(base)), encoding="utf-8")
        monkeypatch.setenv("ARTICLE_ETL_SOURCES", str(sources))
        assert _run(_settings(base), DAY1, "d1", f"sqlite:///{db}", zone)["loaded"] == 1

        assert _discover_in_airflow({"sources": [], "replay": False}, "scheduled__d2")["already_loaded"] == 1
        assert latest_published(Stage.DISCOVER, DAY2, "bay", zone).manifest.counts["out"] == 0

        summary = _discover_in_airflow({"sources": [], "replay": False, "refresh": True}, "manual__d2")
        assert summary["already_loaded"] == 0
        refreshed = latest_published(Stage.DISCOVER, DAY2, "bay", zone).manifest
        assert refreshed.run_id == "manual__d2"
        assert refreshed.counts["out"] == 1
        assert refreshed.extra["refresh"] is True
