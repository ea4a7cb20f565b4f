"""The labelled set: golden pages, evaluation-only pages and the demo site's well-formed pages.

Every page is kept as the bytes a crawler would have fetched plus its Content-Type, and decoded
once with the pipeline's own ``decode_html`` so that all extractors read the same text and no
extractor is blamed (or credited) for decoding. Labels say what a careful reader finds on the
page; they are never generated from an extractor's output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from article_etl.encoding import decode_html

REPO = Path(__file__).resolve().parents[2]
GOLDEN_DIR = REPO / "tests" / "extract" / "golden"
PAGES_DIR = Path(__file__).resolve().parent / "pages"
# The URL the golden tests extract under; the file-based pages use it too.
FILE_PAGE_URL = "https://example.com/a/1.html"
# The time zone the golden tests (and the pipeline's default) read naive page times in.
FILE_PAGE_TZ = "Asia/Shanghai"


@dataclass(frozen=True)
class LabelledPage:
    """One page, decoded, and what should come out of it.

    ``published_at`` is a ``date`` when the page itself only prints a day; ``lang`` is the group
    ("zh"/"en") the page is scored in.
    """

    name: str
    origin: str  # "golden", "eval" or "demo"
    url: str
    html: str
    lang: str
    timezone: str
    title: str | None
    body: str
    author: str | None
    published_at: datetime | date | None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def parse_when(value: str | None) -> datetime | date | None:
    """ISO 8601 text -> aware datetime, or a ``date`` for a date-only label ("2023-05-06")."""
    if not value:
        return None
    if len(value) == 10:
        return date.fromisoformat(value)
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        raise ValueError(f"label time {value!r} needs a UTC offset")
    return when


def _file_pages(folder: Path, origin: str) -> list[LabelledPage]:
    pages = []
    for html_file in sorted(folder.glob("*.html")):
        label = json.loads(html_file.with_suffix(".json").read_text(encoding="utf-8"))
        pages.append(
            LabelledPage(
                name=f"{origin}/{html_file.stem}",
                origin=origin,
                url=FILE_PAGE_URL,
                html=decode_html(html_file.read_bytes(), None).text,
                lang=label.get("lang") or "zh",
                timezone=FILE_PAGE_TZ,
                title=label.get("title"),
                body=label.get("body") or "",
                author=label.get("author"),
                published_at=parse_when(label.get("published_at")),
            )
        )
    return pages


def demo_pages() -> list[LabelledPage]:
    """The demo site's pages whose catalogue case is "ok", labelled from the catalogue itself."""
    from article_etl.demo.catalog import catalog
    from article_etl.demo.site import DEFAULT_BASE_URL, build_site

    site = build_site(DEFAULT_BASE_URL)
    pages = []
    for art in catalog():
        if art.case != "ok":
            continue
        resp = site[art.url_path]
        content_type = dict(resp.headers).get("Content-Type")
        pages.append(
            LabelledPage(
                name=f"demo{art.url_path}",
                origin="demo",
                url=DEFAULT_BASE_URL + art.url_path,
                html=decode_html(resp.body, content_type).text,
                lang=art.source.lang,
                timezone=art.source.timezone,
                title=art.title,
                body="\n\n".join(art.paragraphs),
                author=art.author,
                published_at=art.published_at,
            )
        )
    return pages


def load_pages() -> list[LabelledPage]:
    """The whole labelled set, in a stable order: golden, then evaluation-only, then demo."""
    return _file_pages(GOLDEN_DIR, "golden") + _file_pages(PAGES_DIR, "eval") + demo_pages()
