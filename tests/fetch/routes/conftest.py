"""Running one source's discovery against a site served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from article_etl.config import FetchSettings, Source
from article_etl.fetch import Discovery, discover, make_session
from article_etl.fetch.politeness import Politeness

START = datetime(2026, 11, 18, tzinfo=UTC)
END = datetime(2026, 11, 19, tzinfo=UTC)
ROBOTS = (200, [("Content-Type", "text/plain")], b"User-agent: *\nAllow: /\n")

Run = Callable[..., Discovery]


def fetch_settings() -> FetchSettings:
    return FetchSettings.model_validate(
        {
            "allow_private_networks": ["127.0.0.1/32"],
            "per_host_delay_seconds": 0,
            "retries": 0,
            "deadline_seconds": 10,
        }
    )


@pytest.fixture
def run_route() -> Run:
    """discover() for a source with the given discovery config (and source fields)."""

    def run(
        discovery: dict[str, Any], start: datetime = START, end: datetime = END, **source: Any
    ) -> Discovery:
        values: dict[str, Any] = {"id": "s", "name": "S", "lang": "en", "discovery": discovery}
        values.update(source)
        src = Source.model_validate(values)
        settings = fetch_settings()
        session = make_session(settings)
        return discover(src, start, end, session, settings, polite=Politeness(session, settings))

    return run
