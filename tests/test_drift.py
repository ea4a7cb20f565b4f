"""A layout change shows as a drop against the source's own recent days."""

from __future__ import annotations

from article_etl.dashboard import SourceDayFigures
from article_etl.drift import find_drift


def _day(ds: str, loaded: int = 40, author: float = 0.9, body: float = 1500.0) -> SourceDayFigures:
    return SourceDayFigures(
        ds, "xj", fetched=loaded, loaded=loaded, with_author=author, with_date=1.0, median_body_chars=body
    )


HISTORY = [_day(f"2026-11-{d:02d}") for d in range(10, 17)]


def test_a_steady_day_is_quiet() -> None:
    assert find_drift([*HISTORY, _day("2026-11-17", loaded=35, author=0.8)], "2026-11-17") == []


def test_a_layout_change_names_what_moved() -> None:
    drift = find_drift([*HISTORY, _day("2026-11-17", loaded=38, author=0.1, body=300.0)], "2026-11-17")
    assert {d.figure for d in drift} == {"author fill rate", "median body length"}
    assert "author fill rate 0.1 against a baseline of 0.9" in str(drift[0]) + str(drift[1])


def test_a_day_with_nothing_is_a_volume_drop() -> None:
    drift = find_drift(HISTORY, "2026-11-17")
    assert [d.figure for d in drift] == ["articles loaded"]


def test_a_new_source_is_not_judged() -> None:
    assert find_drift([*HISTORY[:2], _day("2026-11-17", loaded=1)], "2026-11-17") == []
