"""Per-page scores: body token overlap, and exact-ish title, author and date checks.

Scores are deliberately simple and language-aware rather than clever: a bag of tokens tells us
whether the article's words came out and nothing else did, which is the question "extract the
article and only the article" asks. Chinese has no spaces, so each CJK character is a token;
elsewhere a token is a lower-cased word. Whitespace and punctuation never count, so a different
paragraph split or full-width vs half-width commas cannot move the score.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

# CJK unified ideographs (+ extension A and compatibility), kana and hangul: one token per char.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")
# Separators between the people of a byline: commas, enumeration comma, semicolons, slashes, "and".
_NAME_SPLIT = re.compile(r"\s*(?:[,，、;；/|]|\band\b|&)\s*", re.IGNORECASE)
_CJK_NAME_RUN = re.compile(rf"^[{_CJK}·\s]+$")


def normalise(text: str | None) -> str:
    """NFKC, whitespace collapsed: how two renderings of the same string are made comparable."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def tokens(text: str | None) -> Counter[str]:
    """The bag of tokens of a text: CJK characters, and lower-cased words/numbers otherwise."""
    return Counter(_TOKEN.findall(normalise(text).lower()))


@dataclass(frozen=True)
class BodyScore:
    """Bag-of-tokens precision, recall and F1 of one extracted body against the labelled one."""

    precision: float
    recall: float
    f1: float


def body_score(expected: str | None, actual: str | None) -> BodyScore:
    """Overlap of token bags. An empty output scores 0 (it found nothing), unless nothing was due."""
    want, got = tokens(expected), tokens(actual)
    if not want and not got:
        return BodyScore(1.0, 1.0, 1.0)
    overlap = sum((want & got).values())
    precision = overlap / sum(got.values()) if got else 0.0
    recall = overlap / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BodyScore(precision, recall, f1)


def title_ok(expected: str | None, actual: str | None) -> bool:
    """Exact match after NFKC and whitespace normalisation (a site suffix left on is wrong)."""
    return normalise(expected) == normalise(actual)


def author_names(author: str | None) -> list[str]:
    """The people a label names: ``"王永强 赵祖轩"`` -> two names, ``"Priya Raman, Tom Okafor"`` -> two.

    Chinese names never contain spaces, so a space-separated run of CJK names is a list; Latin
    names keep their inner spaces and are split only on commas, slashes and "and".
    """
    names: list[str] = []
    for part in _NAME_SPLIT.split(normalise(author)):
        part = part.strip()
        if not part:
            continue
        if _CJK_NAME_RUN.match(part):
            names.extend(part.split())
        else:
            names.append(part)
    return names


def author_ok(expected: str | None, actual: str | None) -> bool:
    """Every expected name is in the output; with no expected author, the output must be empty.

    Containment, not equality, because extractors legitimately differ in separators and order
    ("Priya Raman and Tom Okafor" vs "Priya Raman; Tom Okafor"). A byline with role words left on
    ("本报记者 王嘉晨") still passes: the name is there, and role words are a cleaning nicety.
    """
    want = author_names(expected)
    got = normalise(actual).casefold()
    if not want:
        return not got
    return all(name.casefold() in got for name in want)


Expected = datetime | date | None
Actual = datetime | date | None


def date_ok(expected: Expected, actual: Actual, page_tz: tzinfo, *, by_day: bool = False) -> bool:
    """Whether the publication time is right.

    A full expected time must match to the calendar minute in UTC. A date-only expectation (the
    page prints only "2023年5月6日") is compared with the output's date in the page's own time
    zone, because the honest rendering of that date, local midnight, is the previous day in UTC
    for every site east of Greenwich. With ``by_day`` every comparison is at day granularity in
    the page's time zone: the fair test for extractors (trafilatura) that only ever report dates.
    A naive output time is read in the page's time zone, as the pipeline would read it.
    """
    if expected is None:
        return actual is None
    if actual is None:
        return False
    if not isinstance(expected, datetime) or not isinstance(actual, datetime) or by_day:
        return _local_day(expected, page_tz) == _local_day(actual, page_tz)
    return _utc_minute(expected, page_tz) == _utc_minute(actual, page_tz)


def _aware(value: datetime, page_tz: tzinfo) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=page_tz)


def _local_day(value: datetime | date, page_tz: tzinfo) -> date:
    if isinstance(value, datetime):
        return _aware(value, page_tz).astimezone(page_tz).date()
    return value


def _utc_minute(value: datetime, page_tz: tzinfo) -> tuple[int, int, int, int, int]:
    utc = _aware(value, page_tz).astimezone(UTC)
    return (utc.year, utc.month, utc.day, utc.hour, utc.minute)
