"""The text-cleaning pass: extracted text in, the article's own paragraphs out.

Works line by line because that is how furniture arrives: a share bar, a login box or a
licence footer is one or more short lines next to the article, never half a sentence. The
order matters: the tail cut runs before the join so a disclaimer is never glued to the last
paragraph, and bylines are dropped before the join so they cannot start a "continuation".
"""

from __future__ import annotations

import re

from article_etl.clean.boilerplate import is_boilerplate, is_tail_marker
from article_etl.clean.byline import is_byline_line, photo_credit_start
from article_etl.clean.dates import find_date
from article_etl.clean.text import is_cjk, join_broken_paragraphs, normalise_text

# A caption is short; once its credit is gone, what is left of a short line is not article text.
_MAX_CAPTION = 30
# Furniture after the article only starts once some real text has been seen; a tail marker
# before that is a menu item at the top of the page.
_MIN_TEXT_BEFORE_TAIL = 80
_MAX_DATE_LINE = 60
# Day.month.year stamps ("Stand: 28.04.2023 16:11 Uhr", "Publiziert: 01.07.2023, 11:16"), which
# European sites print above or below the article; only for recognising a stamp line here.
_DOTTED_DATE = re.compile(
    r"(?<![\d.])\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})(?:,?\s+\d{1,2}[:.]\d{2}(?:\s*Uhr)?)?(?![\d.])"
)

# Day, month name, year in German and French ("Stand: 28. April 2023, 05:00 Uhr", "Publié le
# 1 septembre 2023 à 10h05"): the same stamps with the month spelled out; body only, as above.
_NAMED_MONTH_DATE = re.compile(
    r"(?<!\d)\d{1,2}\.?\s+(?:januar|jänner|februar|märz|april|mai|juni|juli|august|september|oktober"
    r"|november|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre"
    r"|décembre)\s+\d{4}(?:\s*(?:,|à|um)?\s*\d{1,2}(?:[:.h]\d{2})?(?:\s*uhr)?)?(?!\d)",
    re.IGNORECASE,
)


def _is_date_line(line: str) -> bool:
    """A short line that is a date/time stamp (with maybe a source label), not a sentence."""
    if len(line) > _MAX_DATE_LINE:
        return False  # checked first: a date search over a long paragraph is wasted
    match = find_date(line) or _DOTTED_DATE.search(line) or _NAMED_MONTH_DATE.search(line)
    if match is None:
        return False
    rest = (line[: match.start()] + line[match.end() :]).strip()
    return len(rest) <= 30 and not any(p in rest for p in "。！？!?")


def _keep(line: str, lang: str | None) -> str | None:
    """The line as it belongs in the body, or None when it is furniture."""
    if is_boilerplate(line, lang) or is_byline_line(line) or _is_date_line(line):
        return None
    credit = photo_credit_start(line)
    if credit is not None:
        stripped = line[:credit].rstrip()
        return stripped if len(stripped) > _MAX_CAPTION else None
    return line


def clean_body(text: str, lang: str | None = None) -> str:
    """The article text with furniture removed, paragraphs separated by a blank line.

    Every non-empty line is a paragraph (extraction emits one per line or per blank-line block).
    Removes share bars, login boxes, breadcrumbs, menus, editor/source lines, bylines, date
    stamps, photo credits, copyright/contact/licence footers and everything after a "hot news"
    or disclaimer heading; re-joins paragraphs cut mid-sentence; drops repeated paragraphs.
    ``lang`` picks the furniture rules (all languages when None).
    """
    lines = [line for line in normalise_text(text).split("\n") if line]
    kept: list[str] = []
    seen_chars = 0
    for line in lines:
        if seen_chars >= _MIN_TEXT_BEFORE_TAIL and is_tail_marker(line, lang):
            break
        cleaned = _keep(line, lang)
        if cleaned is None:
            continue
        kept.append(cleaned)
        if len(cleaned) > _MAX_CAPTION or (is_cjk(cleaned) and len(cleaned) > 20):
            seen_chars += len(cleaned)
    paragraphs: list[str] = []
    for para in join_broken_paragraphs(kept):
        if not paragraphs or paragraphs[-1] != para:
            paragraphs.append(para)
    return "\n\n".join(paragraphs)
