"""The Great Expectations gate, run for real (GX 1.x, pandas datasource)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from article_etl.config import CheckThresholds
from article_etl.quality.gx_suite import expectations, validate_rows

NOW = datetime(2026, 11, 18, 3, tzinfo=UTC)


def row(article_id: str, **overrides: Any) -> dict[str, Any]:
    base = {
        "article_id": article_id,
        "url": f"http://x/{article_id}",
        "title": "标题",
        "body": "正文" * 100,
        "published_at": NOW,
        "content_hash": article_id * 8,
    }
    return {**base, **overrides}


def test_each_failure_is_attributed_to_its_row_and_code() -> None:
    rows = [
        row("good"),
        row("notitle", title=None),
        row("fffd", body="坏了\ufffd" * 100),
        row("ctrl", body="控制\x07" * 100),
        row("moji", body="ä¸­æ–‡" * 100),
        row("short", body="短"),
        row("nodate", published_at=None),
    ]
    outcome = validate_rows(rows, CheckThresholds())
    codes = {k: {c for c, _ in v} for k, v in outcome.failures.items()}
    assert "good" not in codes
    assert codes["notitle"] == {"missing_title"}
    assert codes["fffd"] == {"replacement_char"}
    assert codes["ctrl"] == {"control_chars"}
    assert "mojibake" in codes["moji"]
    assert codes["short"] == {"body_too_short"}
    assert codes["nodate"] == {"missing_published"}


def test_results_summarise_every_expectation() -> None:
    outcome = validate_rows([row("a"), row("b", title=None)], CheckThresholds())
    names = [r["expectation"] for r in outcome.results]
    assert names == [s.name for s in expectations(CheckThresholds())]
    title = next(r for r in outcome.results if r["expectation"] == "title_not_null")
    assert (title["success"], title["element_count"], title["unexpected_count"]) == (False, 2, 1)


def test_empty_batch_passes_without_loading_gx() -> None:
    outcome = validate_rows([], CheckThresholds())
    assert outcome.failures == {}
    assert all(r["success"] for r in outcome.results)
