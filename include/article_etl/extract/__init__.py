"""HTML page -> article fields, each from the most trustworthy place the page offers.

Per field, in order of trust: the source's CSS selector override, JSON-LD, OpenGraph/<meta>,
then the page as a reader sees it (headline, main content, byline and date lines). The body
always goes through ``article_etl.clean.clean_body``. Nothing is invented: a page without a
title anywhere gets ``title=None`` so the pipeline can reject it with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from article_etl.clean import clean_body, normalise_text, parse_date
from article_etl.clean.byline import author_from_value
from article_etl.config import Selectors
from article_etl.extract.content import article_parts, fallback_content, text_blocks
from article_etl.extract.fields import (
    author_from_page,
    detect_lang,
    first_heading,
    japanese_author,
    meta_lines,
    published_from_page,
    select_text,
    short_lines,
    site_names,
    split_title,
    text_of,
    title_from_page,
    value_of,
)
from article_etl.extract.forum import first_post
from article_etl.extract.metadata import PageMetadata, read_metadata
from article_etl.extract.structured import plain_text, usable_article_body
from article_etl.extract.titles import TitleCandidate, choose_title
from article_etl.extract.tree import HtmlElement, page_strings, parse

__all__ = ["ExtractedArticle", "extract_article"]

# Below this many characters the scorer probably missed the article; ask trafilatura.
_FALLBACK_BELOW = 150
# Raw body characters read for language detection (it looks at 3,000 normalised ones).
_LANG_SAMPLE = 20_000
# JSON-LD articleBody shorter than this share of the page text is a teaser, not the article.
_ARTICLE_BODY_MIN_SHARE = 0.5


@dataclass
class ExtractedArticle:
    """The fields of one article page; None where the page does not say."""

    title: str | None
    body: str | None
    author: str | None
    published_at: datetime | None
    site_name: str | None
    lang: str | None
    canonical_url: str | None
    # Where title and published_at were read: see ``article_etl.records.Article``; "listed" is the
    # discovery entry (the clean stage says "feed" or "listing").
    title_source: str | None = None
    published_source: str | None = None


def _drop_title(body: str, title: str | None) -> str:
    """Content blocks usually repeat the headline (and a kicker/subtitle line) at the top."""
    if not title:
        return body
    paragraphs = body.split("\n\n")
    head = normalise_text(title)
    first = 0  # an index, not list.pop(0): popping a long list from the front is quadratic
    while first < len(paragraphs) and (lead := paragraphs[first]) and (lead in head or head in lead):
        if len(lead) > len(head) * 2:
            break  # a lead paragraph that quotes the headline is text
        first += 1
    return "\n\n".join(paragraphs[first:])


def _body(
    root: HtmlElement, html: str, meta: PageMetadata, selectors: Selectors, lang: str | None, page_text: str
) -> str:
    selected = select_text(root, selectors.body)
    if selected is not None:
        return clean_body("\n".join(b.text for b in text_blocks(selected)), lang)
    post = first_post(root)
    if post is not None:  # a forum thread: the article is the opening post, not the replies
        return clean_body("\n".join(b.text for b in text_blocks(post)), lang)
    standfirst, paragraphs = article_parts(root)
    page = clean_body("\n".join(paragraphs), lang)
    article_body = plain_text(meta.body) if meta.body else None
    if article_body and usable_article_body(article_body, page_text):
        structured = clean_body(article_body, lang)
        if len(structured) >= _ARTICLE_BODY_MIN_SHARE * len(page):
            return _with_standfirst(standfirst, structured, lang)
    if len(page) < _FALLBACK_BELOW:
        fallback = clean_body("\n".join(fallback_content(html)), lang)
        if len(fallback) > len(page):
            return fallback
    return _with_standfirst(standfirst, page, lang)


def _with_standfirst(standfirst: str | None, body: str, lang: str | None) -> str:
    """The body with the standfirst (see ``content.article_parts``) before it, unless it says it."""
    lead = clean_body(standfirst, lang) if standfirst else ""
    return f"{lead}\n\n{body}" if lead and body and lead not in body else body


def extract_article(
    html: str,
    url: str,
    *,
    selectors: Selectors | None = None,
    timezone: str = "Asia/Shanghai",
    lang_hint: str | None = None,
    listed_title: str | None = None,
) -> ExtractedArticle:
    """Extract title, body, author, date, site name, language and canonical URL from a page.

    ``timezone`` reads dates printed without an offset; ``lang_hint`` (the source's language)
    decides Latin-script pages that do not declare a language; ``listed_title`` (the feed's or
    sitemap's title for this page) is one more title candidate, and the title when the page
    states none of its own.
    """
    selectors = selectors or Selectors()
    root = parse(html)
    meta = read_metadata(root, url)

    page_title, title_suffix = title_from_page(root)
    site_name = meta.site_name or (title_suffix if page_title else None)
    selected_title = select_text(root, selectors.title)
    candidates = [
        TitleCandidate(text, source)
        for text, source in (
            (text_of(selected_title) if selected_title is not None else None, "selector"),
            (split_title(meta.headline)[0] if meta.headline else None, "jsonld"),
            (split_title(meta.social_title)[0] if meta.social_title else None, "meta"),
            (page_title, "page"),
            (first_heading(root), "page"),
            (normalise_text(listed_title) if listed_title else None, "listed"),
        )
        if text
    ]
    chosen = choose_title(candidates, site_name=site_name, url=url)
    title = chosen.text if chosen else None

    author = None
    sites = site_names(site_name, url)
    selected_author = select_text(root, selectors.author)
    if selected_author is not None:
        author = author_from_value(text_of(selected_author), sites)
    for stated in (meta.authors, meta.meta_authors):
        if author is None:
            names = [name for value in stated if (name := author_from_value(value, sites))]
            author = ", ".join(dict.fromkeys(names)) or None

    published = None
    published_source: str | None = None
    selected_date = select_text(root, selectors.published)
    if selected_date is not None:
        published = parse_date(value_of(selected_date), timezone)
        published_source = "selector" if published else None
    if published is None and meta.published:
        published = parse_date(meta.published, timezone)
        published_source = meta.published_from if published else None

    # The page's and the body's text come from one walk of the tree.
    page_pieces, body_pieces = page_strings(root)
    # detect_lang reads the first 3,000 characters; normalising the whole body for it was waste.
    lang = detect_lang(
        meta.lang,
        normalise_text(" ".join(" ".join(body_pieces)[:_LANG_SAMPLE].split())),
        lang_hint,
    )
    if author is None and lang == "ja":
        author = japanese_author(meta.authors + meta.meta_authors, sites)
    # Templates put the byline/date in boxes pruning may remove ("location", "top"), so keep
    # the full page's lines as a fallback for after the pruned page has been searched.
    # (Only its text is kept now; it is split into lines only when the pruned page falls short.)
    full_text = "\n".join(page_pieces)
    # From here on ``root`` is pruned: furniture is gone, so byline/date search sees less noise.
    body = _drop_title(_body(root, html, meta, selectors, lang, full_text), title)
    pruned_lines = meta_lines(root)
    author = author or author_from_page(root, pruned_lines, sites)
    published = published or published_from_page(root, pruned_lines, timezone)
    if author is None or published is None:
        full_lines = short_lines(full_text)
        author = author or author_from_page(root, full_lines, sites)
        published = published or published_from_page(root, full_lines, timezone)
    return ExtractedArticle(
        title_source=chosen.source if chosen else None,
        published_source=published_source or ("page" if published else None),
        title=title or None,
        body=body or None,
        author=author,
        published_at=published,
        site_name=site_name,
        lang=lang,
        canonical_url=meta.canonical_url,
    )
