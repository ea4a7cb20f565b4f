"""Record checks run by the clean stage on what it produces (and again by load on the batch).

The text checks themselves live in ``article_etl.encoding``; this module decides which fields
they run on and adds the required-field, length and window checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from article_etl import codes
from article_etl.config import CheckThresholds
from article_etl.encoding import find_text_problems
from article_etl.encoding.checks import AUTO, languages_of
from article_etl.identity import SimHashIndex
from article_etl.records import Article


@dataclass(frozen=True)
class Failure:
    """One failed check on one record."""

    code: str
    detail: str


def check_article(
    art: Article,
    *,
    thresholds: CheckThresholds,
    window: tuple[datetime, datetime] | None = None,
    languages: Sequence[str] = (),
) -> list[Failure]:
    """Every check an article fails, most fundamental first (the first one is its reason code).

    ``languages`` are the source's declared languages (``Source.languages``). With one, the
    text is judged in the article's language as extraction found it (``art.lang``); with several
    or ``auto``, in whichever of them is the article's own, so a Korean page of a ko/en site is
    not Latin text gone wrong.
    """
    lang: str | Sequence[str] | None = art.lang
    if len(languages) > 1 or AUTO in languages_of(languages):
        lang = languages
    out: list[Failure] = []
    if not art.url:
        out.append(Failure(codes.MISSING_URL, "the record has no URL"))
    if not (art.title or "").strip():
        out.append(Failure(codes.MISSING_TITLE, "no <title>, <h1>, og:title or JSON-LD headline on the page"))
    if not (art.body or "").strip():
        out.append(Failure(codes.MISSING_BODY, "the extractor found no article text on the page"))
    if art.published_at is None:
        out.append(Failure(codes.MISSING_PUBLISHED, "no publish date in metadata, page text or the feed"))
    for field in ("title", "body", "author"):
        value = getattr(art, field)
        if value:
            for problem in find_text_problems(value, lang=lang, thresholds=thresholds):
                out.append(Failure(problem.code, f"{field}: {problem.detail}"))
    if art.body and art.char_count < thresholds.min_body_chars:
        out.append(
            Failure(
                codes.BODY_TOO_SHORT,
                f"body has {art.char_count} characters; checks.min_body_chars is {thresholds.min_body_chars}",
            )
        )
    if window is not None and art.published_at is not None:
        slack = timedelta(hours=thresholds.published_tolerance_hours)
        start, end = window
        if not start - slack <= art.published_at < end + slack:
            out.append(
                Failure(
                    codes.OUT_OF_WINDOW,
                    f"published {art.published_at.isoformat()} is outside {start.isoformat()} .. "
                    f"{end.isoformat()} (tolerance {thresholds.published_tolerance_hours} h)",
                )
            )
    return out


class Identity(Protocol):
    """What duplicate detection reads of an article: an Article, or a small key standing for one
    (the clean stage keeps only these for a whole day, never the bodies)."""

    @property
    def url(self) -> str: ...
    @property
    def article_id(self) -> str: ...
    @property
    def content_hash(self) -> str: ...
    @property
    def simhash(self) -> str: ...


A = TypeVar("A", bound=Identity)


def split_duplicates(batch: Sequence[A], near_max: int = -1) -> tuple[list[A], list[tuple[A, A]]]:
    """Split a batch into the articles kept and (duplicate, the kept article it duplicates) pairs.

    Two records are duplicates when they share a canonical URL (article_id) or a content hash, or
    (with ``near_max`` >= 0) their SimHashes are at most ``near_max`` bits apart (the first kept
    one that close is the original; ``SimHashIndex`` finds it without comparing every pair). The
    one kept is the first by URL, so re-running the day keeps the same one.
    """
    kept: list[A] = []
    dups: list[tuple[A, A]] = []
    by_id: dict[str, A] = {}
    by_hash: dict[str, A] = {}
    near: SimHashIndex[A] = SimHashIndex(near_max)
    for art in sorted(batch, key=lambda a: a.url):
        original = by_id.get(art.article_id) or by_hash.get(art.content_hash)
        if original is None and near_max >= 0 and art.simhash:
            close = near.within(art.simhash)
            original = close[0][1] if close else None
        if original is not None:
            dups.append((art, original))
        else:
            kept.append(art)
            by_id[art.article_id] = art
            by_hash[art.content_hash] = art
            if near_max >= 0 and art.simhash:
                near.add(art.simhash, art)
    return kept, dups
