"""The Fundus pages: 258 real news pages from 181 publishers, labelled by per-publisher parsers.

Read in place from ``../shared/datasets/fundus`` (or ``$ARTICLE_ETL_FUNDUS_DIR``); never copied
into the repository (MIT-licensed test resources of flairNLP/fundus, see the folder's README).
These pages were written by nobody here, so they say how the extractor does on the web at large,
where our own labelled set can only say how it does on what we already know.

Layout per country folder: ``<Publisher>_<YYYY_MM_DD>.html.gz`` (raw bytes, gzipped),
``<Publisher>.json`` (one label per page, in the order of the publisher's pages sorted by date)
and ``meta.info`` (each page's URL). Pages are grouped by language: the page's own
``<html lang>`` primary subtag, else the country's main language.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from article_etl.encoding import decode_html
from bench.eval.dataset import LabelledPage

ENV_DIR = "ARTICLE_ETL_FUNDUS_DIR"
_REPO = Path(__file__).resolve().parents[2]

# Country folder -> main language, for the few pages that do not declare one.
_COUNTRY_LANG = {
    "cn": "zh", "tw": "zh", "jp": "ja", "kr": "ko", "de": "de", "at": "de", "ch": "de", "li": "de",
    "lu": "de", "uk": "en", "us": "en", "au": "en", "ca": "en", "ind": "en", "za": "en", "na": "en",
    "tz": "en", "ls": "en", "my": "en", "il": "he", "tr": "tr", "ru": "ru", "ua": "uk", "fr": "fr",
    "es": "es", "it": "it", "pl": "pl", "cz": "cs", "dk": "da", "gl": "da", "se": "sv", "no": "no",
    "isl": "is", "lt": "lt", "vn": "vi", "id": "id", "lb": "ar", "pt": "pt", "mx": "es", "py": "es",
    "be": "nl",
}  # fmt: skip
# Two codes for one written language: Norwegian Bokmål is scored with Norwegian.
_SAME_LANG = {"nb": "no", "nn": "no"}
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)


def fundus_dir() -> Path:
    """Where the set is read from: ``$ARTICLE_ETL_FUNDUS_DIR``, else ``shared/datasets/fundus``
    beside the checkout (CI's clean clone, a developer's main checkout) or beside its parent (a git
    worktree one level deeper). The one place every test and benchmark asks."""
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    candidates = [base / "shared" / "datasets" / "fundus" for base in (_REPO.parent, _REPO.parent.parent)]
    return next((c for c in candidates if c.is_dir()), candidates[0])


def available() -> bool:
    """Whether the set is on this machine (tests skip, ``make eval`` says so, when it is not)."""
    return any(fundus_dir().glob("*/*.html.gz"))


def _body(label: dict[str, Any]) -> str:
    """Summary, then each section's headline and paragraphs, one paragraph per block."""
    body = label.get("body") or {}
    parts: list[str] = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        parts += list(section.get("headline") or [])
        parts += list(section.get("paragraphs") or [])
    return "\n\n".join(p for p in parts if p and p.strip())


def _when(value: str | None) -> datetime | date | None:
    if not value:
        return None
    when = datetime.fromisoformat(value)
    return when if when.tzinfo is not None else when.date()


def _lang(html: str, country: str) -> str:
    match = _HTML_LANG.search(html[:50_000])
    code = match.group(1).lower() if match else _COUNTRY_LANG.get(country, country)
    return _SAME_LANG.get(code, code)


def fundus_pages(folder: Path | None = None) -> list[LabelledPage]:
    """Every labelled page, decoded once with the pipeline's decoder; [] when the folder is absent."""
    root = folder or fundus_dir()
    pages: list[LabelledPage] = []
    for country_dir in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        meta_file = country_dir / "meta.info"
        meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
        for label_file in sorted(country_dir.glob("*.json")):
            labels = list(json.loads(label_file.read_text(encoding="utf-8")).values())
            files = sorted(country_dir.glob(f"{label_file.stem}_*.html.gz"))
            if len(files) != len(labels):
                raise ValueError(f"{label_file}: {len(labels)} labels for {len(files)} pages; check the set")
            for page_file, label in zip(files, labels, strict=True):
                html = decode_html(gzip.decompress(page_file.read_bytes()), None).text
                authors = [a for a in label.get("authors") or [] if a and a.strip()]
                pages.append(
                    LabelledPage(
                        name=f"fundus/{country_dir.name}/{page_file.name.removesuffix('.html.gz')}",
                        origin="fundus",
                        url=meta.get(page_file.name, {}).get("url") or f"https://{label_file.stem}.example/",
                        html=html,
                        lang=_lang(html, country_dir.name),
                        timezone="UTC",
                        title=label.get("title"),
                        body=_body(label),
                        author=", ".join(authors) or None,
                        published_at=_when(label.get("publishing_date")),
                    )
                )
    return pages
