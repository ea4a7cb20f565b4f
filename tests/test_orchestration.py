from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pendulum

from article_etl.orchestration import day_from_context


def test_interval_from_airflow_pendulum_values_compares_with_stdlib_datetimes() -> None:
    ctx = {
        "data_interval_start": pendulum.datetime(2026, 11, 18, tz="UTC"),
        "data_interval_end": pendulum.datetime(2026, 11, 19, tz="UTC"),
        "run_id": "scheduled__2026-11-18",
    }
    day = day_from_context(ctx)
    assert day.ds == "2026-11-18"
    assert day.start - timedelta(hours=24) <= datetime(2026, 11, 18, 3, tzinfo=UTC) < day.end
    assert day.run_id == "scheduled__2026-11-18"


def test_a_run_without_an_interval_takes_the_last_full_day() -> None:
    ctx = {
        "data_interval_start": None,
        "data_interval_end": None,
        "run_id": "manual__x",
        "dag_run": SimpleNamespace(run_after=pendulum.datetime(2026, 11, 21, 15, 30, tz="Asia/Shanghai")),
    }
    day = day_from_context(ctx)
    assert (day.start, day.end) == (datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC))
