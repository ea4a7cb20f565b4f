"""The article's title: every place that states one is a candidate, and the best-agreeing one wins.

A page states its title up to five times: a per-source selector, the JSON-LD ``headline``, the
OpenGraph/Twitter title, the page itself (``<h1>`` and the ``<title>`` split from the site's
name) and the feed or sitemap entry that listed it. Each can be wrong on its own: Chinese CMS
templates put "显示" or "导航" in the ``<title>``, blogs put their host name in og:title, Discuz!
archives say "powered by Discuz! Archiver", pages with neither ``<title>`` nor ``<h1>`` exist.
So junk is dropped first, then the candidate that most others agree with wins, and trust order
(selector, JSON-LD, meta, page, listing) breaks ties. A page with no title of its own takes the
listing's, and ``source`` says so, so a reader knows the title was not read from the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from article_etl.clean.text import normalise_text

__all__ = ["POWERED_BY", "TitleCandidate", "choose_title", "is_junk_title"]

# Trust order when candidates agree equally often (lower wins). "listed" is the discovery entry;
# the clean stage names it "feed" or "listing" from the source's discovery kind.
TRUST = ("selector", "jsonld", "meta", "page", "listed")

# Whole titles that name a page function or a template default, never an article.
_JUNK_TITLES = frozenset(
    [
        "显示", "导航", "首页", "正文", "详情", "详细信息", "内容", "新闻", "文章", "无标题", "无标题文档",
        "新建网页", "新建网页 1", "网站首页", "当前位置", "登录", "注册", "打印", "关闭窗口", "返回",
        "index", "home", "homepage", "untitled", "untitled document", "document", "article", "news",
        "page", "login", "error", "404", "not found", "loading", "loading...", "null", "undefined",
    ]
)  # fmt: skip
# Software credits that forum and blog templates append to every <title>.
POWERED_BY = re.compile(r"powered\s+by|discuz!?\s*archiver", re.IGNORECASE)
_JUNK_PATTERN = re.compile(rf"{POWERED_BY.pattern}|^\W*$", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class TitleCandidate:
    """One stated title and where it was stated (one of ``TRUST``)."""

    text: str
    source: str


def _key(text: str) -> str:
    return normalise_text(text).casefold()


def is_junk_title(text: str | None, *, site_name: str | None = None, url: str | None = None) -> bool:
    """Whether a title says nothing about the article: a function word, a number, the site's name.

    The site's name and the page's host name ("example.blog.163.com") are junk because they are
    the same on every page of the site.
    """
    if not text:
        return True
    key = _key(text)
    if len(_LETTER.findall(key)) < 2 or key in _JUNK_TITLES or _JUNK_PATTERN.search(key):
        return True
    if site_name and key == _key(site_name):
        return True
    host = (urlsplit(url).hostname or "") if url else ""
    return bool(host) and key in {host, host.removeprefix("www.")}


def _agree(a: str, b: str) -> bool:
    """Same title in two renderings: one contains the other, or most of their words are shared."""
    ka, kb = _key(a), _key(b)
    if ka in kb or kb in ka:
        return True
    wa, wb = set(_WORD.findall(ka)), set(_WORD.findall(kb))
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= 0.8


def choose_title(
    candidates: list[TitleCandidate], *, site_name: str | None = None, url: str | None = None
) -> TitleCandidate | None:
    """The best title among ``candidates``, or None when all are junk or absent.

    A selector match is the source's explicit instruction and wins whenever it is not junk.
    Otherwise each candidate scores the number of other statements that agree with it (the page's
    <h1> and its <title> are two statements), and ties go to the earlier candidate, so callers
    pass them in trust order (``TRUST``).
    """
    usable = [c for c in candidates if not is_junk_title(c.text, site_name=site_name, url=url)]
    if not usable:
        return None
    chosen = next((c for c in usable if c.source == "selector"), None)
    if chosen is not None:
        return chosen

    def rank(candidate: TitleCandidate) -> tuple[int, int]:
        support = {
            o.source for o in usable if o.source != candidate.source and _agree(o.text, candidate.text)
        }
        return (-len(support), TRUST.index(candidate.source))

    return min(usable, key=rank)
