"""Publication dates in the forms Chinese and English news pages print them.

Pages print local wall-clock time without an offset (``2022年09月14日 09:50``), so a naive
value is read in the source's time zone and converted to UTC; the warehouse stores UTC only.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from datetime import timezone as fixed_offset
from zoneinfo import ZoneInfo

from article_etl.clean.text import normalise_text

_TIME = r"(?:[T\s]*(?P<H>\d{1,2})[:：时](?P<M>\d{2})(?:[:：分](?P<S>\d{2}))?(?:\.\d+)?秒?)?"
_OFFSET = r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2}|UTC|GMT)?"
# 2022年09月14日 09:50 / 2019-01-03 / 2019/1/3 / 2019.01.03 / 2026-11-18T09:50:00+08:00
_NUMERIC = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:年\s*|[-/.])(?P<m>\d{1,2})\s*(?:月\s*|[-/.])(?P<d>\d{1,2})(?!\d)日?"
    + _TIME
    + _OFFSET
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_EN_TIME = r"(?:,?\s*(?:at\s*)?(?P<H>\d{1,2})[:.](?P<M>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?)?"
# March 3, 2024 / Mar. 3 2024 2:15 pm  and  3 March 2024
_EN_MDY = re.compile(
    rf"\b(?P<mon>{_MONTH_NAMES})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})"
    + _EN_TIME,
    re.IGNORECASE,
)
_EN_DMY = re.compile(
    rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MONTH_NAMES})\.?,?\s+(?P<y>(?:19|20)\d{{2}})"
    + _EN_TIME,
    re.IGNORECASE,
)


def _build(
    year: int, month: int, day: int, clock: tuple[int, int, int], tz: str | None, zone: str
) -> datetime | None:
    """A UTC datetime from parts; naive wall-clock time is read in ``zone``."""
    try:
        naive = datetime(year, month, day, *clock)
    except ValueError:  # 2022-02-30 or 25:00 is not a date; do not guess one
        return None
    if not tz:
        return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    if tz.upper() in ("Z", "UTC", "GMT"):
        return naive.replace(tzinfo=UTC)
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return naive.replace(tzinfo=fixed_offset(sign * offset)).astimezone(UTC)


def _clock(match: re.Match[str]) -> tuple[int, int, int]:
    hour = int(match.group("H") or 0)
    minute = int(match.group("M") or 0)
    second = int(match.groupdict().get("S") or 0)
    ampm = (match.groupdict().get("ampm") or "").lower()
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    return hour, minute, second


def find_date(text: str) -> re.Match[str] | None:
    """The first date-looking span in ``text`` (numeric or English month name), if any."""
    found = [m for m in (rx.search(text) for rx in (_NUMERIC, _EN_MDY, _EN_DMY)) if m]
    return min(found, key=lambda m: m.start()) if found else None


def parse_date(text: str, timezone: str = "Asia/Shanghai") -> datetime | None:
    """The first date in ``text`` as an aware UTC datetime, or None when there is none.

    Accepts ``2022年09月14日 09:50``, ``2019-01-03``, ``2026-11-18 09:50:00``, ISO 8601 with an
    offset or ``Z``, and ``March 3, 2024`` / ``3 March 2024``. The date may sit inside a longer
    line (``通讯员: 马瑞  2022年09月14日 09:50``), which is how bylines print it. Dates without
    a year (``1月2日``) are ignored: they cannot be placed without guessing.
    """
    text = normalise_text(text)
    match = find_date(text)
    if match is None:
        return None
    groups = match.groupdict()
    month_name = groups.get("mon")
    month = _MONTHS[month_name.lower()] if month_name else int(groups["m"])
    return _build(int(groups["y"]), month, int(groups["d"]), _clock(match), groups.get("tz"), timezone)
