"""Field fallbacks read from the page itself: title, byline, date, language, selectors.

These run after the selectors and structured metadata have had their say, so each works on
what a human reader sees: the headline, the "记者 … 2022年09月14日 09:50" line under it, the
script the text is written in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from urllib.parse import urlsplit

from article_etl.clean.byline import (
    author_from_value,
    byline_across,
    is_byline_marker,
    parse_byline,
    poster_from_line,
)
from article_etl.clean.dates import find_date, parse_date
from article_etl.clean.names import is_handle, is_japanese_name_unspaced, is_person_or_agency, is_site_name
from article_etl.clean.text import cjk_ratio, normalise_text, split_spaced
from article_etl.extract.titles import POWERED_BY
from article_etl.extract.tree import HtmlElement, is_element, select_first, strings, text_content

# "标题 - 西江网", "标题_洛阳网_县区频道", "Headline | The Daily". A bare "——" is part of
# Chinese headlines (main title——subtitle), so it only splits when spaced.
_TITLE_SPLIT = re.compile(r"\s+[-|–—]{1,2}\s+|\s*[_|｜]\s*")
_DATE_CONTEXT = re.compile(
    r"(发布|發布|时间|時間|日期|来源|來源|记者|通讯员|作者|published|updated|posted)", re.I
)
_MAX_META_LINE = 120
# Links to an author's own page may hold the byline ("Von Max Mustermann" -> /autor/max-mustermann).
_AUTHOR_HREF = re.compile(
    r"autor|author|journalist|redakt|profil|signataires|/people/|/staff/|/team/|/by/", re.I
)
_HAN_OR_HANGUL = re.compile("[\u4e00-\u9fff\uac00-\ud7a3]")


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
# Markup that names a post's poster (a handle, not necessarily a person's name): Discuz! post
# headers (``.authi``, ``.postauthor``), WordPress/hAtom (``.author.vcard``, ``.fn``), blog themes.
_POSTER_CLASSES = frozenset(
    {"authi", "postauthor", "vcard", "fn", "post-author", "entry-author", "author-name"}
)
# Host labels that say nothing about the site ("www", top-level and second-level domains).
_HOST_SUFFIXES = frozenset(
    re.findall(r"\w+", "com cn net org gov edu co uk de at ch fr jp kr tw hk info news www")
)


# Class names of byline markup in templates' own spellings: ``article-byline``, ``e-byline__author``,
# ``author-2``, ``metaInfoAuthorList``, ``c-article-author``, ``autor``. Avatars, pictures and
# their credits (``bildautor``, ``mediaBox__byline``), contact links and comments' authors are not
# the article's byline.
_AUTHOR_CLASS_PART = re.compile(r"byline|author|autor|writer", re.I)
_NOT_BYLINE_CLASS = re.compile(
    r"comment|avatar|image|img|photo|foto|bild|pic|media|video|audio|caption|credit|copyright"
    r"|icon|reply|follow|contact|social|share",
    re.I,
)


def _is_author_tag(tag: HtmlElement) -> bool:
    """``[rel~=author], [itemprop=author]``, a byline/author class and the poster classes — as a
    predicate, because CSS matching was 15% of extraction time."""
    classes = (tag.get("class") or "").split()
    return (
        "author" in (tag.get("rel") or "").split()
        or tag.get("itemprop") == "author"
        or any(c in _AUTHOR_CLASSES or c in _POSTER_CLASSES for c in classes)
        or (
            any(_AUTHOR_CLASS_PART.search(c) for c in classes)
            and not any(_NOT_BYLINE_CLASS.search(c) for c in classes)
        )
    )


def _names_in_tag(tag: HtmlElement, sites: tuple[str, ...]) -> str | None:
    """The author names of a byline element: its text as one value ("By Jane Doe and John Roe"), or
    else its text pieces when each is a name (``<span>Birgit Baumann</span><span>Anna Fink</span>``,
    which read as one run of words are no name)."""
    text = text_of(tag)
    if found := author_from_value(text, sites) or poster_from_line(text, sites):
        return found
    pieces = [normalise_text(p).strip(" ,;|·•") for p in strings(tag)]
    pieces = [p for p in pieces if p and not is_byline_marker(p)]
    if not 2 <= len(pieces) <= 12 or not all(is_person_or_agency(p, sites) for p in pieces):
        return None  # a piece that is no name ("Redaktion:", "Sendung: …"): not a list of names
    return author_from_value(", ".join(pieces), sites)


def _is_poster_tag(tag: HtmlElement) -> bool:
    """An element whose text is the poster's handle (see ``_POSTER_CLASSES``)."""
    return "author" in (tag.get("rel") or "").split() or any(
        c in _POSTER_CLASSES for c in (tag.get("class") or "").split()
    )


def site_names(site_name: str | None, url: str) -> tuple[str, ...]:
    """The names a page's own site goes by: its site name and its host's name.

    None of them is ever the author (``网易`` on 163.com, ``LTO`` on lto.de). ``site_name`` is
    og:site_name or else the <title> suffix; a suffix that is a byline ("… | by Cristina Laila")
    is the author, not the site.
    """
    names = [site_name] if site_name and parse_byline(site_name) is None else []
    host = urlsplit(url).hostname or ""
    # The last label is the top-level domain ("be", "li", "za" are no site names); then drop the
    # second-level ones ("co" of co.za) and "www".
    labels = [label for label in host.split(".")[:-1] if label and label not in _HOST_SUFFIXES]
    if labels and not host.replace(".", "").isdigit():
        names += [host, labels[-1]]
    return tuple(names)


def japanese_author(values: Iterable[str], sites: Iterable[str] = ()) -> str | None:
    """On a Japanese page, the first author-field value that is a name written without a space
    (``松岡大地``), which ``author_from_value`` cannot tell from a Chinese word out of context."""
    sites = tuple(sites)
    for value in values:
        value = normalise_text(value).strip()
        if is_japanese_name_unspaced(value) and not is_site_name(value, sites):
            return value
    return None


def author_from_page(root: HtmlElement, lines: list[str], sites: Iterable[str] = ()) -> str | None:
    """Reporters from rel=author and byline-classed elements, a forum/blog poster, or a byline line.

    Every value passes ``author_from_value`` (a person's or agency's name, not the site's own,
    ``sites``); a poster element (Discuz! ``.authi``, ``.author.vcard``, rel=author) may instead
    hold a handle, and a "发表于" line names its poster.
    """
    sites = tuple(sites)
    for tag in root.iter():
        if not is_element(tag) or not _is_author_tag(tag) or _in_teaser(tag):
            continue
        if found := _names_in_tag(tag, sites):
            return found
        text = text_of(tag)
        if _is_poster_tag(tag) and is_handle(text, sites):
            return text
    return author_from_lines(lines, sites, teaser_texts=lambda: _teaser_texts(root))


def _in_teaser(tag: HtmlElement) -> bool:
    """Whether ``tag`` sits inside a link to another page: a related article's byline, not ours."""
    link = next((a for a in tag.iterancestors("a")), None)
    href = link.get("href") if link is not None else None
    return isinstance(href, str) and not _AUTHOR_HREF.search(href)


def _teaser_texts(root: HtmlElement) -> list[str]:
    """Texts of links to other pages (not to an author's page): where teasers carry their bylines."""
    texts = []
    for link in root.iter("a"):
        href = link.get("href")
        if (
            isinstance(href, str)
            and not _AUTHOR_HREF.search(href)
            and "author" not in (link.get("rel") or "").split()
        ):
            texts.append(text_of(link))
    return texts


def author_from_lines(
    lines: list[str], sites: Iterable[str] = (), teaser_texts: Callable[[], list[str]] = list
) -> str | None:
    """The first role-marked byline or poster line; a "By …"/"Von …" line only when it is the only one.

    A "By"/"Von"/"Autor" marker alone on its line reads the next line as its names.

    Pages list related articles with their own bylines ("Von Stefan Kiske" under a teaser's
    headline): a byline inside a link to another page (``teaser_texts``, asked for only when a
    byline was found) is not this article's, and when several "By …" lines name different
    people, which one wrote this article is unsure, so none is taken.
    """
    sites = tuple(sites)
    marked: list[tuple[str, str]] = []  # role-marked (记者 …, … 기자) bylines and poster lines
    words: list[tuple[str, str]] = []  # "By …", "Von …"
    for i, line in enumerate(lines):
        if found := parse_byline(line, sites):
            (marked if _HAN_OR_HANGUL.search(found) else words).append((found, line))
        elif poster := poster_from_line(line, sites):
            marked.append((poster, line))
        elif i + 1 < len(lines) and (found := byline_across(line, lines[i + 1], sites)):
            # "von" | "Dr. Max Kolter": the marker, then a link around the name alone (to the
            # author's page, whatever its URL); a teaser link would hold the marker too.
            words.append((found, f"{line} {lines[i + 1]}"))
    if not marked and not words:
        return None
    teasers = teaser_texts()

    def kept(found: list[tuple[str, str]]) -> list[str]:
        return [name for name, line in found if not any(line in teaser for teaser in teasers)]

    if marked_kept := kept(marked):
        return marked_kept[0]  # a role word or "发表于" marked it, and prose never does
    words_kept = kept(words)
    return words_kept[0] if len(set(words_kept)) == 1 else None


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
