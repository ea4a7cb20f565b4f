"""What the demo news site publishes, as data the tests can hold the pipeline to.

The site (``site.py``) and the end-to-end tests read the same catalogue, so an expectation such as
"this title is loaded" or "this URL is quarantined as a duplicate" is never written twice. The
content itself lives in ``include/demo/articles.yaml`` and the seed texts next to it, not in
code, so a person can read and change the demo without touching Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo

import yaml

import article_etl

DEMO_DIR = Path(article_etl.__file__).resolve().parents[1] / "demo"
ARTICLES_FILE = DEMO_DIR / "articles.yaml"
SEEDS_DIR = DEMO_DIR / "seeds"
SOURCES_FILE = DEMO_DIR / "sources.yaml"

DEMO_DAY = date(2026, 11, 18)
"""The UTC day the demo DAG run fetches; every bad case is published on it."""

Case = Literal["ok", "missing_title", "corrupted", "duplicate", "not_found"]
CASES: tuple[Case, ...] = ("ok", "missing_title", "corrupted", "duplicate", "not_found")


@dataclass(frozen=True)
class DemoSource:
    """One fictional site: how it encodes its pages and where it lists its articles."""

    id: str
    name: str
    lang: str
    timezone: str
    charset: str  # the codec the page bytes are really in
    declared_charset: str  # what the page's <meta> claims (a half-lie on the GBK site)
    discovery_kind: Literal["rss", "sitemap"]
    discovery_path: str

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


SOURCES: dict[str, DemoSource] = {
    s.id: s
    for s in (
        DemoSource("xijiang", "西江网", "zh", "Asia/Shanghai", "gbk", "gb2312", "rss", "/xijiang/rss.xml"),
        DemoSource(
            "luoyang", "洛阳网", "zh", "Asia/Shanghai", "utf-8", "utf-8", "sitemap", "/luoyang/sitemap.xml"
        ),
        DemoSource(
            "harbor",
            "The Harbor Ledger",
            "en",
            "America/New_York",
            "utf-8",
            "utf-8",
            "rss",
            "/harbor/feed.xml",
        ),
    )
}

BOILERPLATE_MARKERS: dict[str, list[str]] = {
    "xijiang": [
        "分享到",
        "分享到-微信",
        "西江日报、西江网版权与免责声明",
        "联系人:罗小姐、陈先生",
        "粤ICP备09102757号",
        "广告服务| 版权声明",
        "责任编辑",
        "热点新闻",
        "本版其他稿件",
        "Powered by CmsTop",
    ],
    "luoyang": [
        "洛阳网首页",
        "您当前位置",
        "新闻排行",
        "县区新闻排行",
        "账号+密码登录",
        "手机+密码登录",
        "立即注册",
        "验证码",
        "豫B2—20060064",
        "诚邀通讯员",
    ],
    "harbor": [
        "Skip to content",
        "We use cookies",
        "Accept cookies",
        "Sign up for our newsletter",
        "Related stories",
        "All rights reserved",
    ],
}
"""Lines of page furniture, per source, that must never appear in a cleaned article body."""


@dataclass(frozen=True)
class DemoArticle:
    """One URL a feed or sitemap lists, with what a correct pipeline must make of it.

    ``author`` holds the person names the byline carries (lead author first), not the byline's
    role words, because that is what a pipeline can be expected to agree on. ``title`` is None
    only for the ``missing_title`` case; for ``not_found`` it is the title the listing gave.
    """

    source_id: str
    url_path: str
    title: str | None
    author: str | None
    published_at: datetime
    paragraphs: list[str]
    case: Case
    duplicate_of: str | None = None
    byline: str | None = None
    style: str = "news"
    meta: tuple[str, ...] = ()
    section: str = ""
    summary: str | None = None
    overline: str | None = None
    subtitle: str | None = None
    sitemap_date: Literal["news", "lastmod"] = "news"

    @property
    def source(self) -> DemoSource:
        return SOURCES[self.source_id]

    @property
    def local_published(self) -> datetime:
        """The publication time as the site prints it: in the source's own time zone."""
        return self.published_at.astimezone(self.source.tz)


def seed_paragraphs(file: str, first: str, last: str) -> list[str]:
    """The article's own lines of a seed text, from the line starting ``first`` to ``last``.

    Seeds are crawler output with the page furniture still around the story; taking a prefix
    range keeps the seed files byte-for-byte untouched while the site serves only the story.
    """
    lines = [ln.strip() for ln in (SEEDS_DIR / file).read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln]
    try:
        start = next(i for i, ln in enumerate(lines) if ln.startswith(first))
        end = next(i for i in range(start, len(lines)) if lines[i].startswith(last))
    except StopIteration as exc:
        raise ValueError(f"seed {file}: no paragraph range {first!r} .. {last!r}") from exc
    return lines[start : end + 1]


def _article(raw: dict[str, Any], by_path: dict[str, dict[str, Any]]) -> DemoArticle:
    case = raw["case"]
    if case not in CASES:
        raise ValueError(f"{ARTICLES_FILE}: {raw['path']}: unknown case {case!r}")
    body = raw
    if case == "duplicate":
        # A duplicate is the same article under a second URL: everything but the path is copied.
        body = by_path[raw["duplicate_of"]]
    if "seed" in body:
        seed = body["seed"]
        paragraphs = seed_paragraphs(seed["file"], seed["first"], seed["last"])
    else:
        paragraphs = [str(p) for p in body.get("paragraphs", [])]
    published = datetime.fromisoformat(str(body["published"]))
    if published.tzinfo is None:
        raise ValueError(f"{ARTICLES_FILE}: {raw['path']}: published needs a UTC offset")
    return DemoArticle(
        source_id=raw["source"],
        url_path=raw["path"],
        title=body.get("title"),
        author=body.get("author"),
        published_at=published,
        paragraphs=paragraphs,
        case=cast(Case, case),
        duplicate_of=raw.get("duplicate_of"),
        byline=body.get("byline"),
        style=body.get("style", "news"),
        meta=tuple(body.get("meta") or ()),
        section=str(body.get("section", "")),
        summary=body.get("summary"),
        overline=body.get("overline"),
        subtitle=body.get("subtitle"),
        sitemap_date=body.get("sitemap_date", "news"),
    )


@lru_cache(maxsize=1)
def _load() -> tuple[DemoArticle, ...]:
    raw = yaml.safe_load(ARTICLES_FILE.read_text(encoding="utf-8"))["articles"]
    by_path = {entry["path"]: entry for entry in raw}
    return tuple(_article(entry, by_path) for entry in raw)


def catalog() -> list[DemoArticle]:
    """Every article the demo site lists, in listing order (a fresh list; the items are frozen)."""
    return list(_load())


def articles_of(source_id: str) -> list[DemoArticle]:
    """The catalogue entries of one source, in listing order."""
    return [a for a in _load() if a.source_id == source_id]
