"""What the DAG file needs to know at parse time, read without importing anything heavy.

The DAG processor parses the DAG file every few minutes, so this reads the sources file with
PyYAML alone (no pydantic models, no validation: ``article-etl check-config`` and the first task
validate it) and never fails: a broken file gives an empty id list here and a clear error in the
first task, where a person reads it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

# Runs for days before this are refused by Airflow (the DAG's start_date). Far back on purpose:
# with catchup off, it creates no runs by itself; it only bounds what a backfill may ask for.
DEFAULT_EARLIEST_DAY = date(2000, 1, 1)
EARLIEST_DAY_ENV = "ARTICLE_ETL_EARLIEST_DAY"


# The run param that replays the day from its stored WARC instead of fetching it (no request).
REPLAY_PARAM = "replay"
REPLAY_TITLE = "Replay from the stored WARC"
REPLAY_DESCRIPTION = (
    "Re-run clean, validate and load of the day from the pages its last successful fetch stored "
    "(no request to any site), e.g. after a selector or threshold fix. Fails for a source whose "
    "day was never fetched."
)


def replay_requested(params: Mapping[str, Any] | None) -> bool:
    """Whether a run's params ask for a replay (absent, null or false: a normal run)."""
    return _flag(params, REPLAY_PARAM)


# The run param that fetches again the URLs another day already loaded (skipped by default).
REFRESH_PARAM = "refresh"
REFRESH_TITLE = "Refresh already-loaded URLs"
REFRESH_DESCRIPTION = (
    "Fetch again the listed URLs whose article the warehouse already holds under another day "
    "(skipped by default, and counted as already_loaded), e.g. to pick up edited articles. "
    "A day's own URLs are always fetched again when the day is re-run."
)


def refresh_requested(params: Mapping[str, Any] | None) -> bool:
    """Whether a run's params ask for a refresh (absent, null or false: skip what is loaded)."""
    return _flag(params, REFRESH_PARAM)


def _flag(params: Mapping[str, Any] | None, name: str) -> bool:
    """A boolean run param: absent, null or false is off (a run triggered without params)."""
    return bool((params or {}).get(name))


# include/sources.yaml, beside the package.
DEFAULT_SOURCES_FILE = Path(__file__).resolve().parent.parent / "sources.yaml"


def sources_file() -> Path:
    """The sources file in force: ARTICLE_ETL_SOURCES, else include/sources.yaml."""
    return Path(os.environ.get("ARTICLE_ETL_SOURCES", str(DEFAULT_SOURCES_FILE)))


def _raw_sources_file() -> dict[str, Any]:
    import yaml

    try:
        raw = yaml.safe_load(sources_file().read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    return raw if isinstance(raw, dict) else {}


def earliest_day() -> date:
    """The first day the DAG may run for: ``ARTICLE_ETL_EARLIEST_DAY`` (YYYY-MM-DD), else the
    sources file's ``earliest_day``, else 2000-01-01. A value that is not a date is ignored here
    (the DAG still parses) and reported by ``check-config``."""
    for value in (os.environ.get(EARLIEST_DAY_ENV), _raw_sources_file().get("earliest_day")):
        if isinstance(value, date):
            return value
        if isinstance(value, str) and value.strip():
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                continue
    return DEFAULT_EARLIEST_DAY


def source_ids() -> list[str]:
    """The ids in the sources file, for the trigger form's pick list (empty when unreadable)."""
    sources = _raw_sources_file().get("sources")
    if not isinstance(sources, list):
        return []
    return [str(s["id"]) for s in sources if isinstance(s, dict) and s.get("id")]
