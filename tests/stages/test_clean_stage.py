"""The clean stage on its own: per-page isolation, repairs recorded, reading only its own run."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from article_etl import codes
from article_etl.config import Settings
from article_etl.records import Article, Page, Reject
from article_etl.run import Day
from article_etl.stages import clean, validate
from article_etl.stages.common import stage_attempt
from article_etl.storage import Kind, PartitionError, RunPartition, Stage
from tests.stages.helpers import distinct_paragraphs

DAY = Day.of("2026-11-18", run_id="unit")
SETTINGS = Settings.model_validate(
    {
        "sources": [
            {"id": "s", "name": "S", "lang": "en", "discovery": {"kind": "rss", "url": "http://127.0.0.1/f"}}
        ]
    }
)


def _html(title: str, paragraphs: int = 3, jsonld_headline: str | None = None) -> str:
    ld = ""
    if jsonld_headline is not None:
        data = {
            "@type": "NewsArticle",
            "headline": jsonld_headline,
            "datePublished": "2026-11-18T09:00:00+00:00",
        }
        ld = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    body = "".join(
        f"<p>{p}</p>" for p in distinct_paragraphs(title, chars=paragraphs * 150, words=30)[:paragraphs]
    )
    return (
        f"<html lang='en'><head><title>{title}</title>{ld}"
        "<meta property='article:published_time' content='2026-11-18T09:00:00+00:00'></head>"
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def _publish_pages(root: Path, pages: dict[str, str], day: Day = DAY) -> None:
    """What a fetch attempt of ``day`` would publish: decoded pages."""
    with (
        stage_attempt(Stage.FETCH, SETTINGS, "s", day, root) as stage,
        stage.attempt.writer(Kind.PAGES) as out,
    ):
        for name, html in pages.items():
            url = f"http://127.0.0.1/{name}"
            out.write(
                Page(
                    source_id="s",
                    url=url,
                    final_url=url,
                    status=200,
                    content_type="text/html; charset=utf-8",
                    fetched_at=datetime(2026, 11, 18, 12, tzinfo=UTC),
                    sha256="",
                    size=len(html),
                    warc_record_id=f"<urn:uuid:{name}>",
                    html=html,
                    encoding="utf-8",
                    encoding_method="http",
                )
            )


def _outputs(root: Path, stage: Stage = Stage.CLEAN) -> tuple[dict[str, Article], dict[str, Reject]]:
    published = RunPartition.of(stage, DAY, "s", root).published()
    arts = {a.url.rsplit("/", 1)[1]: a for a in published.records(Kind.ARTICLES, Article)}
    rejs = {r.url.rsplit("/", 1)[1]: r for r in published.records(Kind.REJECTS, Reject)}
    return arts, rejs


def test_unstorable_characters_from_jsonld_are_removed_and_recorded(tmp_path: Path) -> None:
    _publish_pages(
        tmp_path,
        {
            "nul": _html("Fares frozen", jsonld_headline="Fares\u0000 frozen"),
            "surrogate": _html("Library reopens", jsonld_headline="Library \ud800reopens"),
        },
    )
    clean.run(SETTINGS, "s", DAY, tmp_path)
    arts, rejs = _outputs(tmp_path)
    assert not rejs, rejs
    assert arts["nul"].title == "Fares frozen"
    assert "title:unstorable_removed" in arts["nul"].repairs
    assert arts["surrogate"].title == "Library reopens"


def test_a_page_over_the_time_budget_is_its_own_reject_and_the_rest_go_on(tmp_path: Path) -> None:
    settings = SETTINGS.model_copy(deep=True)
    settings.checks.extract_budget_seconds = 0.05
    # Pipelined extraction: "huge" is with the worker while "before" is built, "after" while the
    # timeout is recorded; each page still gets its own outcome.
    _publish_pages(
        tmp_path,
        {
            "before": _html("Bridge reopens"),
            "huge": _html("Huge page", paragraphs=20_000),
            "after": _html("Fares frozen"),
        },
    )
    clean.run(settings, "s", DAY, tmp_path)
    arts, rejs = _outputs(tmp_path)
    assert set(arts) == {"before", "after"}, rejs
    assert set(rejs) == {"huge"}
    assert rejs["huge"].reason == codes.EXTRACT_TIMEOUT
    assert rejs["huge"].evidence == codes.EVIDENCE_NONE  # our budget says nothing about the article
    assert "extract_budget_seconds" in rejs["huge"].detail


def test_failed_checks_are_rejects_of_validate_with_the_raw_capture_named(tmp_path: Path) -> None:
    """Clean passes a short page on (it is an article); the validate stage's suite quarantines it,
    naming the expectation, with a pointer to the raw capture for a requeue."""
    _publish_pages(tmp_path, {"ok": _html("Fares frozen"), "short": _html("Short", paragraphs=0)})
    summary = clean.run(SETTINGS, "s", DAY, tmp_path)
    assert summary["count"] == 2
    validate.run(SETTINGS, "s", DAY, tmp_path)
    arts, rejs = _outputs(tmp_path, Stage.VALIDATE)
    assert set(arts) == {"ok"}
    assert rejs["short"].reason in (codes.MISSING_BODY, codes.BODY_TOO_SHORT)
    assert rejs["short"].check_name == f"clean.body.{rejs['short'].reason}"
    assert rejs["short"].raw_ref == "fetch/ds=2026-11-18/source=s#<urn:uuid:short>"
    manifest = RunPartition.of(Stage.VALIDATE, DAY, "s", tmp_path).published().manifest
    assert manifest.counts == {"in": 2, "out": 1, "rejected": 1, "pages": 2}
    assert [ref["stage"] for ref in manifest.inputs] == ["clean"]


def test_clean_reads_only_its_own_runs_pages(tmp_path: Path) -> None:
    _publish_pages(tmp_path, {"other": _html("Other run")}, day=Day.of(DAY.ds, run_id="other"))
    with pytest.raises(PartitionError, match="fetch has published nothing"):
        clean.run(SETTINGS, "s", DAY, tmp_path)
