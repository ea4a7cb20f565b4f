"""Validate: the fetch suite over this run's pages and the clean suite over its articles.

Great Expectations decides: a row GX lists as unexpected for a row-level expectation becomes a
reject whose reason is the rule's code and whose ``check_name`` is the expectation's name; the
others pass on. Then the batch gate: a suite whose failing share is above the source's
``max_reject_rate`` fails this task before it publishes, so nothing of the batch loads (and the
other sources, in their own tasks, load as usual). Every expectation's outcome is written as a
``DQResult`` row; each validation is rendered as Data Docs under ARTICLE_ETL_HOME and its page is
named in the task log.

Great Expectations is imported on first use inside ``quality.validation`` (never at DAG parse).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from article_etl import codes
from article_etl.config import Settings
from article_etl.quality import gate
from article_etl.quality.rules import RuleContext, article_rows
from article_etl.quality.suites import clean_suite, fetch_suite
from article_etl.records import Article, Page
from article_etl.run import Day
from article_etl.stages.common import StageRun, stage_attempt
from article_etl.storage import Kind, Published, RunPartition, Stage, data_docs_folder, run_key, upstream

T = TypeVar("T")

log = logging.getLogger(__name__)

# Page fields the fetch suite sees (never the HTML: memory stays small).
_PAGE_COLUMNS = ("url", "status", "content_type", "size", "encoding", "encoding_method", "warc_record_id")


def run(settings: Settings, source_id: str, day: Day, root: Path | None = None) -> dict[str, Any]:
    """Quarantine the rows the suites reject, gate the batch, pass on the rest."""
    from article_etl.quality.validation import DEFAULT_CHUNK_ROWS, SuiteRun

    source = settings.source(source_id)
    docs_folder = data_docs_folder(root)
    context = RuleContext(thresholds=settings.checks, window=(day.start, day.end), languages=source.languages)
    run_name = run_key(day.run_id)
    with stage_attempt(Stage.VALIDATE, settings, source_id, day, root) as stage:
        cleaned = stage.read(RunPartition.of(Stage.CLEAN, day, source_id, root).published())
        fetched = upstream(Stage.FETCH, day, source_id, root, cleaned.manifest)
        started = time.monotonic()

        # Pages stream through the fetch suite in chunks (the rows carry no HTML); only the URLs
        # of the pages it rejects are kept, to leave their articles out below.
        fetch_run = SuiteRun(
            fetch_suite(settings),
            context=context,
            docs_folder=docs_folder,
            run_name=run_name,
            batch_name=f"{day.ds}-{source_id}-fetch",
        )
        bad_pages: set[str] = set()
        pages = (
            {name: getattr(page, name) for name in _PAGE_COLUMNS}
            for page in fetched.records(Kind.PAGES, Page)
        )
        for rows in batched(pages, DEFAULT_CHUNK_ROWS):
            for i, failures in sorted(fetch_run.chunk(rows, rows).items()):
                row = rows[i]
                bad_pages.add(row["url"])
                _reject(
                    stage, row["url"], failures, fetched.raw_ref(row["warc_record_id"]), codes.EVIDENCE_NONE
                )
        fetch_outcome = fetch_run.finish()

        # The articles stream through in chunks: each chunk's passing records are written before
        # the next is read, so memory is flat in the batch (the gate below still sees it whole).
        clean_run = SuiteRun(
            clean_suite(),
            context=context,
            docs_folder=docs_folder,
            run_name=run_name,
            batch_name=f"{day.ds}-{source_id}-clean",
        )
        # A rejected article's reject names its raw capture, which only the page records know:
        # the (few) failures wait for one more pass over the pages, not a map of every page.
        articles = (a for a in cleaned.records(Kind.ARTICLES, Article) if a.url not in bad_pages)
        failing: list[tuple[str, list[Any]]] = []
        with stage.attempt.writer(Kind.ARTICLES) as out:
            for chunk in batched(articles, DEFAULT_CHUNK_ROWS):
                failed = clean_run.chunk(chunk, article_rows(chunk))
                for i, art in enumerate(chunk):
                    if i in failed:
                        failing.append((art.url, failed[i]))
                    else:
                        out.write(art)
                stage.progress(clean_run.outcome.rows, out.count)
        raw_refs = _raw_refs(fetched, {url for url, _ in failing})
        for url, failures in failing:
            _reject(stage, url, failures, raw_refs.get(url), codes.EVIDENCE_CONTENT)
        clean_outcome = clean_run.finish()
        docs = fetch_outcome.docs + clean_outcome.docs
        for page in docs:
            log.info("Data Docs for %s ds=%s: file://%s", source_id, day.ds, page)
        stage.manifest.extra["gx_seconds"] = round(time.monotonic() - started, 3)
        stage.manifest.extra["data_docs"] = docs

        for stage_name, outcome in (("fetch", fetch_outcome), ("clean", clean_outcome)):
            gate.enforce(
                outcome,
                source_id=source_id,
                stage=stage_name,
                ds=day.ds,
                limit=source.max_reject_rate,
                docs=outcome.docs,
            )

        with stage.attempt.writer(Kind.DQ_RESULTS) as dq:
            for stage_name, outcome in (("fetch", fetch_outcome), ("clean", clean_outcome)):
                for result in outcome.dq_results(
                    ds=day.ds, source_id=source_id, stage=stage_name, run_id=day.run_id
                ):
                    dq.write(result)
        stage.manifest.counts.update(
            {"in": clean_outcome.rows, "out": out.count, "pages": fetch_outcome.rows}
        )
    return stage.summary(count=out.count)


def _raw_refs(fetched: Published, urls: set[str]) -> dict[str, str]:
    """The raw capture of each page whose URL is in ``urls`` (one streamed pass over the pages)."""
    if not urls:
        return {}
    return {
        page.url: fetched.raw_ref(page.warc_record_id)
        for page in fetched.records(Kind.PAGES, Page)
        if page.url in urls
    }


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (itertools.batched arrives with Python 3.12)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _reject(stage: StageRun, url: str, failures: list[Any], raw_ref: str | None, evidence: str) -> None:
    """One reject per failing row: the first expectation it failed names it; the detail lists all."""
    first = failures[0]
    detail = "; ".join(f"{f.expectation} ({f.code}): {f.detail}" for f in failures)
    stage.reject(url, first.code, detail, raw_ref=raw_ref, evidence=evidence, check_name=first.expectation)
