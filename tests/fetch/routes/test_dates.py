"""Dates as feeds and listings print them: only unambiguous forms are read, in the source's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from article_etl.fetch.routes.dates import parse_date

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020/1/10 14:38", datetime(2020, 1, 10, 6, 38, tzinfo=UTC)),
        ("发布时间：2026年11月18日 09:30", datetime(2026, 11, 18, 1, 30, tzinfo=UTC)),
        ("2026年11月18日09时30分", datetime(2026, 11, 18, 1, 30, tzinfo=UTC)),
        ("2026-11-18", datetime(2026, 11, 17, 16, tzinfo=UTC)),
        ("2026.11.18 23:59:59", datetime(2026, 11, 18, 15, 59, 59, tzinfo=UTC)),
        ("2026-11-18T09:00:00+02:00", datetime(2026, 11, 18, 7, tzinfo=UTC)),
        ("2026-11-18T09:00:00Z", datetime(2026, 11, 18, 9, tzinfo=UTC)),
        ("Wed, 18 Nov 2026 09:00:00", datetime(2026, 11, 18, 1, tzinfo=UTC)),
        ("Wed, 18 Nov 2026 09:00:00 GMT", datetime(2026, 11, 18, 9, tzinfo=UTC)),
        ("Wed, 18 Nov 2026 09:00:00 +0800", datetime(2026, 11, 18, 1, tzinfo=UTC)),
    ],
)
def test_year_first_and_standard_dates_are_read_in_the_sources_zone(text: str, expected: datetime) -> None:
    assert parse_date(text, SHANGHAI) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "0000-00-00 00:00",
        "2026-13-45",
        "18 de novembro de 2026",
        "ontem às 14h",
        "11/18/2026",
        "刚刚",
    ],
)
def test_unsure_or_impossible_dates_are_left_to_the_page(text: str) -> None:
    assert parse_date(text, SHANGHAI) is None
