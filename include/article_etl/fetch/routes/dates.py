"""Dates as feeds and listing pages print them, read in the source's time zone when they carry
no offset (a Chinese site's ``2020/1/10 14:38`` is Beijing time, not UTC).

Only unambiguous year-first forms are read here; anything else is ``None`` and the page's own
date decides later, at clean: a wrong date would drop an article from its day without a trace.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from email.utils import parsedate_tz

# 2026-11-18, 2026/11/18 09:30, 2026.11.18, 2026年11月18日 09:30:05, ISO 8601 with T and a zone
_YMD = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})日?"
    r"(?:(?:T|\s*)(?P<H>\d{1,2})[:：时](?P<M>\d{2})(?:[:：分](?P<S>\d{2})(?:\.\d+)?)?秒?)?"
    r"\s*(?P<z>Z|[+-]\d\d:?\d\d)?"
)

# The zone after an RFC 822 time: "+0800", "GMT", "EST", "Z" (parsedate_tz gives 0 without one).
_RFC822_ZONE = re.compile(r"\d:\d\d(?::\d\d)?\s*(?:[+-]\d{4}|[A-Za-z]{1,5})\s*$")


def parse_date(text: str | None, zone: tzinfo) -> datetime | None:
    """``text`` as an aware UTC datetime; a stamp without an offset is read in ``zone``.

    RFC 822 (RSS ``pubDate``), ISO 8601 / W3C (Atom, JSON Feed, sitemaps) and year-first local
    forms (``2020/1/10 14:38``, ``2026年11月18日``). An impossible date (a CMS's 0000-00-00) or
    one not recognised is ``None``.
    """
    if not text or not text.strip():
        return None
    text = text.strip()
    parts = parsedate_tz(text) if not text[:1].isdigit() or "," in text else None
    if parts is not None:
        try:
            naive = datetime(*parts[:6])  # type: ignore[misc]
        except (ValueError, OverflowError, TypeError):
            return None
        if parts[9] is None or not _RFC822_ZONE.search(text):  # no zone printed: the source's own
            return naive.replace(tzinfo=zone).astimezone(UTC)
        return datetime.fromtimestamp(naive.replace(tzinfo=UTC).timestamp() - parts[9], UTC)
    match = _YMD.search(text)
    if match is None:
        return None
    try:
        when = datetime(
            int(match["y"]),
            int(match["m"]),
            int(match["d"]),
            int(match["H"] or 0),
            int(match["M"] or 0),
            int(match["S"] or 0),
        )
    except ValueError:
        return None
    stamp = match["z"]
    if stamp is None:
        return when.replace(tzinfo=zone).astimezone(UTC)
    if stamp == "Z":
        return when.replace(tzinfo=UTC)
    offset = datetime.strptime(stamp.replace(":", ""), "%z").tzinfo
    return when.replace(tzinfo=offset).astimezone(UTC)
