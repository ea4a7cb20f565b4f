"""Field fallbacks read from the page itself: title, byline, date, language, selectors.

These run after the selectors and structured metadata have had their say, so each works on
what a human reader sees: the headline, the "记者 … 2022年09月14日 09:50" line under it, the
script the text is written in.
"""

from __future__ import annotations

import re
from datetime import datetime

from article_etl.clean.byline import author_from_value, parse_byline
from article_etl.clean.dates import find_date, parse_date
from article_etl.clean.text import cjk_ratio, normalise_text, split_spaced
from article_etl.extract.titles import POWERED_BY
from article_etl.extract.tree import HtmlElement, is_element, select_first, text_content

# "标题 - 西江网", "标题_洛阳网_县区频道", "Headline | The Daily". A bare "——" is part of
# Chinese headlines (main title——subtitle), so it only splits when spaced.
_TITLE_SPLIT = re.compile(r"\s+[-|–—]{1,2}\s+|\s*[_|｜]\s*")
_DATE_CONTEXT = re.compile(
    r"(发布|發布|时间|時間|日期|来源|來源|记者|通讯员|作者|published|updated|posted)", re.I
)
_MAX_META_LINE = 120


def text_of(tag: HtmlElement) -> str:
    """Visible text of one element, whitespace-normalised."""
    return normalise_text(re.sub(r"\s+", " ", text_content(tag, " ")))


def select_text(root: HtmlElement, selector: str | None) -> HtmlElement | None:
    """The first element matching a per-source CSS selector (None when unset or unmatched)."""
    return select_first(root, selector)


def split_title(raw: str) -> tuple[str, str | None]:
    """``"标题_洛阳网"`` -> ``("标题", "洛阳网")``: the headline and the site-name suffix."""
    raw = normalise_text(raw)
    parts = [p for p in split_spaced(_TITLE_SPLIT, raw) if p.strip()]
    if len(parts) < 2:
        return raw, None
    # "Thread - Board - Forum - Powered by Discuz! Archiver": the credit is never the headline.
    parts = [p for p in parts if not POWERED_BY.search(p)] or parts
    if len(parts) < 2:
        return parts[0], None
    headline = max(parts, key=len)
    suffix = parts[-1] if parts[-1] != headline else parts[0]
    return headline, suffix


def title_from_page(root: HtmlElement) -> tuple[str | None, str | None]:
    """The headline from <h1>/<title>, and the site name the <title> suffix gives away.

    An <h1> that agrees with the <title> is preferred (it has no suffix); a lone <h1> is next.
    Many Chinese templates put the site logo in an <h1>, so an <h1> that disagrees with a
    <title> loses to it.
    """
    title_tag = next(root.iter("title"), None)
    from_title, site = split_title(text_of(title_tag)) if title_tag is not None else ("", None)
    headings = [text_of(h) for h in root.iter("h1")]
    headings = [h for h in headings if len(h) >= 2]
    for heading in headings:
        if from_title and (heading in from_title or from_title in heading):
            return heading, site
    if from_title and (site is not None or not headings):
        return from_title, site  # "headline - site": a real article title, unlike a logo <h1>
    # A <title> without a site suffix is often the section's name ("安阳日报数字报").
    return (headings[0] if headings else from_title or None), site


def first_heading(root: HtmlElement) -> str | None:
    """The first <h1> with at least two characters: the headline as the reader sees it."""
    for heading in root.iter("h1"):
        if len(text := text_of(heading)) >= 2:
            return text
    return None


def meta_lines(root: HtmlElement) -> list[str]:
    """Short text lines of the (pruned) page, where bylines and date stamps live."""
    return short_lines(text_content(root, "\n"))


def short_lines(text: str) -> list[str]:
    """The normalised short lines of a page's text (see ``meta_lines``).

    The whole text is normalised once and then split: per-line normalising was 140k calls on
    the Fundus pages.
    """
    return [line for line in normalise_text(text).split("\n") if line and len(line) <= _MAX_META_LINE]


_AUTHOR_CLASSES = frozenset({"byline", "author", "writer", "editor-name"})


def _is_author_tag(tag: HtmlElement) -> bool:
    """``[rel~=author], [itemprop=author], .byline, .author, .writer, .editor-name`` — as a predicate,
    because CSS matching was 15% of extraction time."""
    classes = (tag.get("class") or "").split()
    return (
        "author" in (tag.get("rel") or "").split()
        or tag.get("itemprop") == "author"
        or any(c in _AUTHOR_CLASSES for c in classes)
    )


def author_from_page(root: HtmlElement, lines: list[str]) -> str | None:
    """Reporters from rel=author, byline-classed elements, or a byline line among ``lines``."""
    for tag in root.iter():
        if is_element(tag) and _is_author_tag(tag) and (found := author_from_value(text_of(tag))):
            return found
    for line in lines:
        if found := parse_byline(line):
            return found
    return None


def published_from_page(root: HtmlElement, lines: list[str], timezone: str) -> datetime | None:
    """The date in <time datetime>, or in a short line (of ``lines``) that reads like a date stamp."""
    for tag in root.iter("time"):
        value = tag.get("datetime") or text_of(tag)
        if isinstance(value, str) and (found := parse_date(value, timezone)):
            return found
    for line in lines:
        match = find_date(line)
        if match is None:
            continue
        has_clock = ":" in match.group(0) or "：" in match.group(0)
        if has_clock or _DATE_CONTEXT.search(line) or len(line) <= 40:
            return parse_date(line, timezone)
    return None  # a bare date inside prose is more often an event than the publication date


def value_of(tag: HtmlElement) -> str:
    """A selector match's machine value (datetime/content attribute) or its text."""
    for attr in ("datetime", "content"):
        value = tag.get(attr)
        if isinstance(value, str) and value.strip():
            return value
    return text_of(tag)


def primary_lang(code: str | None) -> str | None:
    """``zh-CN`` / ``zh_Hans`` / ``en-US`` -> ``zh`` / ``en``."""
    if not code:
        return None
    primary = re.split(r"[-_]", code.strip())[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


def detect_lang(declared: str | None, text: str, hint: str | None) -> str | None:
    """The page language, trusting the script of the text over a wrong template declaration.

    Chinese CMS templates often ship ``<html lang="en">``; if the text is mostly ideographs it
    is Chinese whatever the tag says. Latin text cannot be told apart by script alone, so the
    declaration or the source's configured language decides it.
    """
    declared = primary_lang(declared)
    hint = primary_lang(hint)
    sample = text[:3000]
    if not sample.strip():
        return declared or hint
    ratio = cjk_ratio(sample)
    if ratio >= 0.3:
        return declared if declared in ("zh", "ja") else (hint if hint in ("zh", "ja") else "zh")
    if declared and declared not in ("zh", "ja", "ko"):
        return declared
    if re.search(r"[A-Za-z]", sample):
        return hint if hint and hint not in ("zh", "ja", "ko") else "en"
    return declared or hint
