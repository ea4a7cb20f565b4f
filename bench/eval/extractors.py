"""Ours, trafilatura and readability-lxml behind one signature: (page) -> Prediction.

Each is called the way its documentation recommends for "the main text plus metadata", with
comments excluded (the task is the article and only the article). Nothing is post-processed
beyond turning each library's output types into the same four fields, so a difference in the
table is a difference between the libraries, not between our adapters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import lxml.html

from article_etl.extract import extract_article
from bench.eval.dataset import LabelledPage


@dataclass(frozen=True)
class Prediction:
    """What one extractor made of one page (None where it says nothing)."""

    title: str | None
    body: str | None
    author: str | None
    published_at: datetime | date | None


Extractor = Callable[[LabelledPage], Prediction]


def ours(page: LabelledPage) -> Prediction:
    """``article_etl.extract.extract_article`` with the page's time zone, as the pipeline calls it."""
    art = extract_article(page.html, page.url, timezone=page.timezone)
    return Prediction(art.title, art.body, art.author, art.published_at)


# Ask htmldate for the time of day too, so trafilatura can score on the minute where the page
# gives it (it reports 00:00:00 when it found only a date; the by-day column is fair to that).
_TRAFILATURA_DATES = {
    "extensive_search": True,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}


def _trafilatura_when(value: str | None) -> datetime | date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def trafilatura_default(page: LabelledPage) -> Prediction:
    """trafilatura 2.x ``bare_extraction`` in its default (precision/recall balanced) mode."""
    import trafilatura

    doc: Any = trafilatura.bare_extraction(
        page.html,
        url=page.url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params=_TRAFILATURA_DATES,
    )
    if doc is None:
        return Prediction(None, None, None, None)
    return Prediction(doc.title, doc.text, doc.author, _trafilatura_when(doc.date))


_BLOCK_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "table", "section")


def _html_to_text(fragment: str) -> str:
    """Tags stripped with lxml, one paragraph per block element (readability returns HTML)."""
    if not fragment.strip():
        return ""
    root = lxml.html.fromstring(fragment)
    for el in root.iter(*_BLOCK_TAGS):
        el.tail = "\n" + (el.tail or "")
    text = root.text_content()
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def readability_lxml(page: LabelledPage) -> Prediction:
    """readability-lxml: ``summary()`` for the body, ``short_title()``; it has no author or date."""
    from readability import Document

    doc = Document(page.html)
    return Prediction(doc.short_title() or None, _html_to_text(doc.summary()) or None, None, None)


EXTRACTORS: dict[str, Extractor] = {
    "ours": ours,
    "trafilatura": trafilatura_default,
    "readability": readability_lxml,
}
"""In table order; the keys are the names ``--only`` accepts."""
