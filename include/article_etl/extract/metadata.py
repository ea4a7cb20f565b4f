"""Structured metadata a page declares about itself: JSON-LD, OpenGraph and <meta> tags.

Publishers fill these for search engines and social cards, so when present they are more
reliable than anything read from the layout. Each value is returned raw (strings); parsing
names and dates is the job of ``article_etl.clean``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from article_etl.extract.tree import HtmlElement

_ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "blogposting",
    "webpage",
}
_PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "publishdate",
    "pubdate",
    "publish_date",
    "publication_date",
    "datepublished",
    "dc.date",
    "dc.date.issued",
    "sailthru.date",
    "parsely-pub-date",
)
_AUTHOR_META = ("author", "article:author", "dc.creator", "byl", "parsely-author", "sailthru.author")


@dataclass
class PageMetadata:
    """What the page says about itself; every field is None when the page does not say."""

    title: str | None = None
    site_name: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    body: str | None = None
    lang: str | None = None
    canonical_url: str | None = None
    # The same title split by where it was stated (``title`` is the first of them), and where
    # ``published`` was stated: "jsonld" or "meta".
    headline: str | None = None
    social_title: str | None = None
    published_from: str | None = None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _names(value: Any) -> list[str]:
    """Author names from JSON-LD ``author``: a string, a Person/Organization, or a list."""
    names: list[str] = []
    for item in _as_list(value):
        if isinstance(item, str) and item.strip():
            names.append(item.strip())
        elif isinstance(item, dict) and str(item.get("@type", "Person")).lower() != "organization":
            name = item.get("name")
            if isinstance(name, str) and name.strip():
                names.append(name.strip())
    return names


_LD_JSON = re.compile(r"ld\+json", re.I)


def _json_ld_objects(root: HtmlElement) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for script in root.iter("script"):
        if not _LD_JSON.search(script.get("type") or ""):
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except (json.JSONDecodeError, TypeError):
            continue  # broken JSON-LD is common; fall back to the other sources
        for item in _as_list(data):
            if isinstance(item, dict):
                objects += [g for g in _as_list(item.get("@graph", [])) if isinstance(g, dict)]
                objects.append(item)
    return objects


def _is_article(obj: dict[str, Any]) -> bool:
    return any(str(t).lower() in _ARTICLE_TYPES for t in _as_list(obj.get("@type", "")))


def _meta(root: HtmlElement) -> dict[str, str]:
    """All <meta property|name|itemprop=… content=…>, keys lower-cased, first one wins."""
    found: dict[str, str] = {}
    for tag in root.iter("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop") or tag.get("http-equiv")
        content = tag.get("content")
        if isinstance(key, str) and isinstance(content, str) and content.strip():
            found.setdefault(key.strip().lower(), content.strip())
    return found


def _first_str(*values: Any) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def read_metadata(root: HtmlElement, url: str) -> PageMetadata:
    """JSON-LD first, then OpenGraph/meta, field by field."""
    meta = _meta(root)
    ld = next((obj for obj in _json_ld_objects(root) if _is_article(obj)), {})
    publisher = ld.get("publisher")
    publisher_name = publisher.get("name") if isinstance(publisher, dict) else None

    authors = _names(ld.get("author"))
    if not authors:
        authors = [v for k in _AUTHOR_META if (v := meta.get(k))]

    canonical = None
    link = next(
        (el for el in root.iter("link") if "canonical" in (el.get("rel") or "").lower().split()), None
    )
    href = link.get("href") if link is not None else None
    if isinstance(href, str) and href.strip():
        canonical = urljoin(url, href.strip())
    elif meta.get("og:url"):
        canonical = urljoin(url, meta["og:url"])

    html_lang = (
        root.get("lang") or root.get("xml:lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    )
    headline = _first_str(ld.get("headline"))
    social_title = _first_str(meta.get("og:title"), meta.get("twitter:title"))
    ld_published = _first_str(ld.get("datePublished"))
    meta_published = _first_str(*(meta.get(k) for k in _PUBLISHED_META))
    return PageMetadata(
        title=headline or social_title,
        site_name=_first_str(meta.get("og:site_name"), publisher_name, meta.get("application-name")),
        authors=authors,
        published=ld_published or meta_published,
        body=_first_str(ld.get("articleBody")),
        lang=_first_str(html_lang, ld.get("inLanguage"), meta.get("content-language"), meta.get("og:locale")),
        canonical_url=canonical,
        headline=headline,
        social_title=social_title,
        published_from="jsonld" if ld_published else ("meta" if meta_published else None),
    )
