"""Golden pages: ``golden/<name>.html`` is extracted and compared with ``golden/<name>.json``.

The JSON holds what a careful reader says the page contains (the headline, the article's own
paragraphs, the reporters, the publication time), not a snapshot of whatever the code printed.
After a deliberate change, regenerate with ``UPDATE_GOLDEN=1 pytest tests/extract`` and review
the JSON diff by eye before committing it.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from article_etl.extract import ExtractedArticle, extract_article

GOLDEN = Path(__file__).parent / "golden"
PAGES = sorted(GOLDEN.glob("*.html"))
BASE_URL = "https://example.com/a/1.html"


def as_json(article: ExtractedArticle) -> dict[str, Any]:
    """The comparable form of an extraction: dates as ISO 8601 strings."""
    return {
        "title": article.title,
        "body": article.body,
        "author": article.author,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "site_name": article.site_name,
        "lang": article.lang,
        "canonical_url": article.canonical_url,
    }


def render_diff(expected: dict[str, Any], actual: dict[str, Any]) -> str:
    """Field-by-field differences; bodies diffed paragraph by paragraph so a lost line shows."""
    out: list[str] = []
    for key in expected.keys() | actual.keys():
        want, got = expected.get(key), actual.get(key)
        if want == got:
            continue
        if key == "body":
            diff = difflib.unified_diff(
                (want or "").split("\n\n"),
                (got or "").split("\n\n"),
                "expected",
                "extracted",
                lineterm="",
                n=1,
            )
            out.append("body:\n" + "\n".join(diff))
        else:
            out.append(f"{key}: expected {want!r}, extracted {got!r}")
    return "\n".join(out)


def test_golden_folder_has_pages() -> None:
    assert len(PAGES) >= 8
    for page in PAGES:
        assert page.with_suffix(".json").exists(), f"{page.name} has no expected JSON"


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_golden_page(page: Path) -> None:
    actual = as_json(extract_article(page.read_text(encoding="utf-8"), BASE_URL))
    expected_file = page.with_suffix(".json")
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    assert actual == expected, (
        f"{page.name} differs from {expected_file.name}:\n{render_diff(expected, actual)}"
    )
