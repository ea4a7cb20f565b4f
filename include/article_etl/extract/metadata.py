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

from article_etl.clean.names import is_agency
from article_etl.extract.tree import HtmlElement

_ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "blogposting",
    "webpage",
}
# Objects whose ``author`` is the page's author: the article types, and the news types whose
# headline is a live blog's or a series' (not this page's title, so not read for titles).
_AUTHORED_TYPES = _ARTICLE_TYPES | {
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "liveblogposting",
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
# Where pages name their authors in <meta>: the standard names, the analytics tags (Parse.ly,
# Sailthru, cXense, WebTrends) that newsrooms fill from their CMS's author field. Every value
# still has to look like a name (``clean.byline.author_from_value``).
_AUTHOR_META = (
    "author",
    "article:author",
    "dc.creator",
    "byl",
    "parsely-author",
    "sailthru.author",
    "cxenseparse:author",
    "dcsext.author",
    "articleauthor",
)
# Twitter's "label1/data1" pairs: ``Written by`` -> ``Dieter Kuckelkorn`` (WordPress SEO plugins),
# also written ``twitter:misc:Written by``.
_WRITTEN_BY_LABEL = re.compile(r"^(?:written by|author|authors|autor|autorin|von|by)$", re.I)


@dataclass
class PageMetadata:
    """What the page says about itself; every field is None when the page does not say."""

    title: str | None = None
    site_name: str | None = None
    # Author names as stated in JSON-LD, and in <meta> tags: tried in that order (the first
    # source that yields a name-shaped value wins).
    authors: list[str] = field(default_factory=list)
    meta_authors: list[str] = field(default_factory=list)
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


def _names(value: Any, by_id: dict[str, dict[str, Any]]) -> list[str]:
    """Author names from JSON-LD ``author``: a string, a Person/Organization, or a list.

    A Person may be a reference (``{"@id": …}``, Yoast's ``@graph``) resolved through
    ``by_id``, or give only ``givenName``/``familyName``. An Organization is the publisher far
    more often than a writer ("Deutsche Welle"), so only a news agency's name is kept from one
    (``{"@type": "Organization", "name": "SDA"}`` beside the reporter).
    """
    names: list[str] = []
    for item in _as_list(value):
        if isinstance(item, str) and item.strip():
            names.append(item.strip())
        elif isinstance(item, dict):
            if "name" not in item and isinstance(item.get("@id"), str):
                item = by_id.get(item["@id"], item)
            name = item.get("name")
            if not (isinstance(name, str) and name.strip()):
                parts = [item.get("givenName"), item.get("familyName")]
                name = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
            if not name.strip():
                continue
            if "organization" in str(item.get("@type", "Person")).lower() and not is_agency(name):
                continue
            names.append(name.strip())
    return names


def _ld_authors(objects: list[dict[str, Any]]) -> list[str]:
    """The authors of the first article object that names any, looking inside ``mainEntity``.

    Pages often carry a WebPage object first (its ``mainEntity`` the NewsArticle) or several
    article objects of which only one has the byline.
    """
    by_id = {obj["@id"]: obj for obj in objects if isinstance(obj.get("@id"), str)}
    pending = list(objects)
    while pending:
        obj = pending.pop(0)
        nested = [e for e in _as_list(obj.get("mainEntity")) if isinstance(e, dict)]
        pending[:0] = nested
        if _is_article(obj, _AUTHORED_TYPES) and (names := _names(obj.get("author"), by_id)):
            return names
    return []


def _meta_authors(root: HtmlElement) -> list[str]:
    """Every author <meta> value, in page order: a page may repeat ``name="author"`` per writer."""
    found: list[str] = []
    label_key: str | None = None
    for tag in root.iter("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        content = tag.get("content") or tag.get("value")
        if not isinstance(key, str) or not isinstance(content, str) or not content.strip():
            continue
        key = key.strip().lower()
        if key.startswith("twitter:label") and _WRITTEN_BY_LABEL.match(content.strip()):
            label_key = key.replace("label", "data")
        elif (
            key in _AUTHOR_META
            or key == label_key
            or (
                key.startswith("twitter:misc:") and _WRITTEN_BY_LABEL.match(key.removeprefix("twitter:misc:"))
            )
        ):
            found.append(content.strip())
    return list(dict.fromkeys(found))


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


def _is_article(obj: dict[str, Any], types: frozenset[str] | set[str] = _ARTICLE_TYPES) -> bool:
    return any(str(t).lower() in types for t in _as_list(obj.get("@type", "")))


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
    ld_objects = _json_ld_objects(root)
    ld = next((obj for obj in ld_objects if _is_article(obj)), {})
    publisher = ld.get("publisher")
    publisher_name = publisher.get("name") if isinstance(publisher, dict) else None

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
        authors=_ld_authors(ld_objects),
        meta_authors=_meta_authors(root),
        published=ld_published or meta_published,
        body=_first_str(ld.get("articleBody")),
        lang=_first_str(html_lang, ld.get("inLanguage"), meta.get("content-language"), meta.get("og:locale")),
        canonical_url=canonical,
        headline=headline,
        social_title=social_title,
        published_from="jsonld" if ld_published else ("meta" if meta_published else None),
    )
