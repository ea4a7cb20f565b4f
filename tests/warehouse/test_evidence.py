"""Only positive evidence takes a loaded article out: a bad day never destroys a good one."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from article_etl.codes import EVIDENCE_CONTENT, EVIDENCE_GONE, EVIDENCE_NONE, EVIDENCE_TRANSIENT
from tests.warehouse.helpers import load, make_article, make_reject, snapshot, stored_rejects, urls

A, B, C = "http://x/a", "http://x/b", "http://x/c"
GOOD_DAY = [make_article(A, "甲" * 200), make_article(B, "乙" * 200), make_article(C, "丙" * 200)]


def test_a_rerun_whose_rejects_are_all_transient_keeps_every_article(sqlite_engine: Engine) -> None:
    load(sqlite_engine, GOOD_DAY)
    outage = [
        make_reject(A, "fetch_timeout", EVIDENCE_TRANSIENT, detail="no answer within 30 s"),
        make_reject(B, "fetch_error", EVIDENCE_TRANSIENT, detail="connection refused"),
        make_reject(C, "http_status", EVIDENCE_TRANSIENT, detail="HTTP 503"),
    ]
    result = load(sqlite_engine, [], outage)
    assert urls(sqlite_engine) == [A, B, C]
    assert result.loaded == 0
    assert result.rejected == 3
    for url, (_, detail) in stored_rejects(sqlite_engine).items():
        assert detail.endswith("is kept (evidence 'transient' does not remove it)"), url


def test_a_404_removes_the_article_and_its_reject_says_so(sqlite_engine: Engine) -> None:
    load(sqlite_engine, GOOD_DAY)
    gone = make_reject(B, "http_status", EVIDENCE_GONE, detail="HTTP 404")
    load(sqlite_engine, GOOD_DAY[::2], [gone])
    assert urls(sqlite_engine) == [A, C]
    reason, detail = stored_rejects(sqlite_engine)[B]
    assert reason == "http_status"
    assert detail == (
        f"HTTP 404; the article loaded earlier for this URL (article {GOOD_DAY[1].article_id}) was removed"
    )


def test_rerunning_the_run_that_removed_an_article_leaves_the_same_tables(sqlite_engine: Engine) -> None:
    """The retry finds no row left to remove, but its reject still says the article was removed."""
    load(sqlite_engine, GOOD_DAY)
    gone = make_reject(B, "http_status", EVIDENCE_GONE, detail="HTTP 410")
    load(sqlite_engine, GOOD_DAY[::2], [gone])
    first = snapshot(sqlite_engine)
    load(sqlite_engine, GOOD_DAY[::2], [gone])
    assert snapshot(sqlite_engine) == first
    assert "was removed" in stored_rejects(sqlite_engine)[B][1]


@pytest.mark.parametrize(
    ("reason", "detail"),
    [("extract_error", "extractor raised KeyError"), ("http_status", "HTTP 403")],
)
def test_our_own_failure_or_a_403_keeps_the_article(sqlite_engine: Engine, reason: str, detail: str) -> None:
    load(sqlite_engine, GOOD_DAY)
    stage = "clean" if reason == "extract_error" else "fetch"
    load(sqlite_engine, GOOD_DAY[1:], [make_reject(A, reason, EVIDENCE_NONE, stage=stage, detail=detail)])
    assert urls(sqlite_engine) == [A, B, C]
    assert stored_rejects(sqlite_engine)[A] == (
        reason,
        f"{detail}; the article loaded earlier for this URL (article {GOOD_DAY[0].article_id}) "
        "is kept (evidence 'none' does not remove it)",
    )


def test_fresh_content_that_fails_a_check_removes_the_article(sqlite_engine: Engine) -> None:
    load(sqlite_engine, GOOD_DAY)
    short = make_reject(
        C, "body_too_short", EVIDENCE_CONTENT, stage="validate", detail="body has 12 characters"
    )
    load(sqlite_engine, GOOD_DAY[:2], [short])
    assert urls(sqlite_engine) == [A, B]
    assert stored_rejects(sqlite_engine)[C][1].endswith("was removed")


def test_a_reject_for_a_url_the_batch_loads_again_removes_nothing(sqlite_engine: Engine) -> None:
    """Another record for the same URL failing (say a second feed entry) does not undo the article."""
    load(sqlite_engine, GOOD_DAY)
    load(sqlite_engine, GOOD_DAY, [make_reject(A, "duplicate", EVIDENCE_CONTENT, stage="validate")])
    assert urls(sqlite_engine) == [A, B, C]
    assert stored_rejects(sqlite_engine)[A] == ("duplicate", "test")
