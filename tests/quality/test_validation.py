"""Suites run by Great Expectations: failing rows come from GX's result, by id, in any chunking."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from article_etl import codes
from article_etl.config import CheckThresholds
from article_etl.quality import gate, rules, suites
from article_etl.quality.validation import SuiteOutcome, validate
from tests.warehouse.helpers import make_article

WINDOW = (datetime(2026, 11, 18, tzinfo=UTC), datetime(2026, 11, 19, tzinfo=UTC))
CONTEXT = rules.RuleContext(thresholds=CheckThresholds(), window=WINDOW)


def _batch() -> list:  # type: ignore[type-arg]
    good = [make_article(f"http://x/{i}", f"第{i}篇。朱镕基视察了工厂。" * 30) for i in range(7)]
    return [
        *good[:3],
        replace(make_article("http://x/notitle", "正文没有标题。" * 40), title=None),
        replace(
            make_article("http://x/late", "发布时间在窗口之外。" * 40),
            published_at=datetime(2026, 12, 1, tzinfo=UTC),
        ),
        replace(make_article("http://x/fffd", "替换字符。" * 40), body="替换字符\ufffd。" * 40),
        *good[3:],
    ]


def _run(tmp_path: Path, batch: list, chunk_rows: int = 5000) -> SuiteOutcome:  # type: ignore[type-arg]
    return validate(
        suites.clean_suite(),
        batch,
        rules.article_rows(batch),
        context=CONTEXT,
        docs_folder=tmp_path / "docs",
        run_name="test-run",
        batch_name="xj",
        chunk_rows=chunk_rows,
    )


def _by_url(batch: list, outcome: SuiteOutcome) -> dict[str, tuple[str, str]]:  # type: ignore[type-arg]
    return {batch[i].url: (fs[0].expectation, fs[0].code) for i, fs in outcome.failures.items()}


def test_the_clean_suite_names_each_failing_row_and_its_expectation(tmp_path: Path) -> None:
    batch = _batch()
    outcome = _run(tmp_path, batch)
    assert _by_url(batch, outcome) == {
        "http://x/notitle": ("clean.title.missing_title", codes.MISSING_TITLE),
        "http://x/late": ("clean.published_at.out_of_window", codes.OUT_OF_WINDOW),
        "http://x/fffd": ("clean.body.replacement_char", codes.REPLACEMENT_CHAR),
    }
    summary = {s.name: s for s in outcome.summaries}
    assert summary["clean.title.missing_title"].unexpected_count == 1
    assert summary["clean.title.missing_title"].element_count == len(batch)
    assert summary["clean.title.missing_title"].success is False
    assert summary["clean.body.mojibake"].success is True
    assert len(summary) == len(suites.clean_suite().specs)


def test_chunks_give_the_same_rows_and_counts(tmp_path: Path) -> None:
    batch = _batch()
    whole, chunked = _run(tmp_path, batch), _run(tmp_path, batch, chunk_rows=2)
    assert _by_url(batch, chunked) == _by_url(batch, whole)
    assert [(s.name, s.unexpected_count, s.element_count) for s in chunked.summaries] == [
        (s.name, s.unexpected_count, s.element_count) for s in whole.summaries
    ]


def test_duplicates_keep_the_first_row(tmp_path: Path) -> None:
    one = make_article("http://x/same", "同一篇文章。" * 40)
    batch = [one, make_article("http://x/other", "另一篇文章。" * 40), replace(one, url="http://x/same?x=1")]
    outcome = _run(tmp_path, batch)
    assert {i: fs[0].expectation for i, fs in outcome.failures.items()} == {2: "clean.article_id_unique"}


def test_data_docs_are_written_and_show_the_failing_id(tmp_path: Path) -> None:
    batch = _batch()
    outcome = _run(tmp_path, batch)
    page = Path(outcome.docs[0])
    assert page.is_file()
    assert page.suffix == ".html"
    assert (tmp_path / "docs" / "index.html").is_file()
    assert batch[3].article_id in page.read_text(encoding="utf-8")


def test_an_empty_batch_passes_with_every_expectation_reported(tmp_path: Path) -> None:
    outcome = _run(tmp_path, [])
    assert outcome.failures == {}
    assert outcome.rows == 0
    assert len(outcome.summaries) == len(suites.clean_suite().specs)


def test_great_expectations_logs_nothing_at_info(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        _run(tmp_path, _batch())
    assert [r for r in caplog.records if r.name.startswith("great_expectations")] == []


def test_the_gate_names_source_stage_expectation_and_rate(tmp_path: Path) -> None:
    batch = _batch()
    outcome = _run(tmp_path, batch)
    # 3 of 10 rows fail, one of them only for being of another day (out_of_window), which counts
    # neither way: 2 of 9, 22%.
    gate.enforce(outcome, source_id="xj", stage="clean", ds="2026-11-18", limit=0.23, docs=[])
    with pytest.raises(gate.BatchGateError) as caught:
        gate.enforce(outcome, source_id="xj", stage="clean", ds="2026-11-18", limit=0.2, docs=outcome.docs)
    message = str(caught.value)
    for part in (
        "source xj",
        "stage clean",
        "2 of 9 rows (22%)",
        "max_reject_rate 20%",
        "Nothing of this batch",
    ):
        assert part in message
    assert "clean." in message
    assert "Data Docs" in message


def test_the_fetch_suite_quarantines_a_page_that_is_not_a_2xx_html_page(tmp_path: Path) -> None:
    from article_etl.config import Settings

    settings = Settings.model_validate(
        {"sources": [{"id": "s", "name": "S", "discovery": {"kind": "rss", "url": "http://127.0.0.1/f"}}]}
    )
    base = {"status": 200, "content_type": "text/html; charset=gbk", "size": 10, "encoding": "gbk"}
    rows = [
        {"url": "http://127.0.0.1/ok", **base, "encoding_method": "meta"},
        {"url": "http://127.0.0.1/500", **base, "status": 500, "encoding_method": "meta"},
        {"url": "http://127.0.0.1/pdf", **base, "content_type": "application/pdf", "encoding_method": "meta"},
        {
            "url": "http://127.0.0.1/huge",
            **base,
            "size": settings.fetch.max_bytes + 1,
            "encoding_method": "meta",
        },
        {"url": "http://127.0.0.1/nodecode", **base, "encoding": None, "encoding_method": None},
    ]
    outcome = validate(
        suites.fetch_suite(settings),
        rows,
        rows,
        context=CONTEXT,
        docs_folder=tmp_path / "docs",
        run_name="test-run",
        batch_name="fetch",
    )
    got = {
        rows[i]["url"].rsplit("/", 1)[1]: (fs[0].expectation, fs[0].code)
        for i, fs in outcome.failures.items()
    }
    assert got == {
        "500": ("fetch.status_2xx", codes.HTTP_STATUS),
        "pdf": ("fetch.content_type_html", codes.CONTENT_TYPE),
        "huge": ("fetch.size_within_limit", codes.TOO_LARGE),
        "nodecode": ("fetch.encoding_decided", codes.UNDECODABLE),
    }
    observed = {s.name: json.loads(s.observed_value) for s in outcome.summaries}
    assert observed["fetch.status_2xx"] == {"unexpected_fraction": 0.2}
