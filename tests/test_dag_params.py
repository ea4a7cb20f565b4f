"""What the DAG file reads at parse time: the earliest day and the source ids for the form."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from article_etl.dag_params import DEFAULT_EARLIEST_DAY, earliest_day, source_ids


@pytest.fixture
def sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "sources.yaml"
    monkeypatch.setenv("ARTICLE_ETL_SOURCES", str(path))
    monkeypatch.delenv("ARTICLE_ETL_EARLIEST_DAY", raising=False)
    return path


def test_the_sources_file_sets_the_earliest_day_and_the_environment_wins(
    sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources.write_text("earliest_day: 2019-03-01\nsources: []\n", encoding="utf-8")
    assert earliest_day() == date(2019, 3, 1)
    monkeypatch.setenv("ARTICLE_ETL_EARLIEST_DAY", "2015-06-30")
    assert earliest_day() == date(2015, 6, 30)


def test_a_missing_or_broken_file_still_lets_the_dag_parse(sources: Path) -> None:
    assert earliest_day() == DEFAULT_EARLIEST_DAY
    assert source_ids() == []
    sources.write_text("sources: [unclosed\n", encoding="utf-8")
    assert earliest_day() == DEFAULT_EARLIEST_DAY
    assert source_ids() == []


def test_source_ids_are_listed_for_the_trigger_form(sources: Path) -> None:
    sources.write_text("sources:\n  - id: a\n  - id: b\n  - {name: no id}\n", encoding="utf-8")
    assert source_ids() == ["a", "b"]


def test_check_config_reports_a_bad_earliest_day(sources: Path) -> None:
    from article_etl.config import ConfigError, load_settings

    sources.write_text("earliest_day: not-a-day\nsources: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="earliest_day"):
        load_settings()


def test_only_a_true_replay_param_replays() -> None:
    from article_etl.dag_params import REPLAY_PARAM, replay_requested

    assert replay_requested({REPLAY_PARAM: True})
    for params in (None, {}, {REPLAY_PARAM: False}, {REPLAY_PARAM: None}, {"sources": ["a"]}):
        assert not replay_requested(params)


def test_only_a_true_refresh_param_refreshes() -> None:
    from article_etl.dag_params import REFRESH_PARAM, refresh_requested

    assert refresh_requested({REFRESH_PARAM: True})
    for params in (None, {}, {REFRESH_PARAM: False}, {REFRESH_PARAM: None}, {"replay": True}):
        assert not refresh_requested(params)
