"""Verify: the warehouse suite after a load, run by the load task once its transaction committed.

Two small frames go through Great Expectations: one row of counts (fetched = cleaned + rejected at
clean; articles stored for the day = validated - rejected at load) and one row per article of the
day (its source is a known source; its canonical URL is stored once). Their results are written to
``dq_results`` under stage ``warehouse`` and rendered as Data Docs.

A failure here is reported, not enforced: the day is committed, and a mismatch can be legitimate
(an article an earlier run of the same day stored is still there when today's listing dropped it;
positive evidence only removes articles). The log says so at WARNING with the Data Docs page.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, and_, delete, func, select

from article_etl.quality.rules import RuleContext
from article_etl.quality.suites import warehouse_suites
from article_etl.records import DQResult
from article_etl.run import Day
from article_etl.storage import data_docs_folder, run_key
from article_etl.warehouse.schema import articles, dq_results, pipeline_runs, sources

log = logging.getLogger(__name__)

STAGE = "warehouse"


def run(
    engine: Engine, source_id: str, day: Day, counts: dict[str, dict[str, float]], root: Path | None = None
) -> list[DQResult]:
    """Validate the warehouse for this day and source; write and return the results."""
    from article_etl.quality.validation import DEFAULT_CHUNK_ROWS, SuiteRun

    count_suite, article_suite = warehouse_suites()
    count_rows = [_count_row(engine, source_id, day.ds, counts)]
    results: list[DQResult] = []
    docs: list[str] = []
    for suite in (count_suite, article_suite):
        run = SuiteRun(
            suite,
            context=RuleContext(),
            docs_folder=data_docs_folder(root),
            run_name=run_key(day.run_id),
            batch_name=f"{day.ds}-{source_id}-{suite.name}",
        )
        if suite is count_suite:
            run.chunk(count_rows, count_rows)
        else:
            # The day's articles stream from the database a chunk at a time (never all at once).
            with engine.connect() as conn:
                result = conn.execution_options(stream_results=True).execute(
                    _article_query(source_id, day.ds)
                )
                for part in result.mappings().partitions(DEFAULT_CHUNK_ROWS):
                    rows = [dict(row) for row in part]
                    run.chunk(rows, rows)
        outcome = run.finish()
        docs += outcome.docs
        results += outcome.dq_results(ds=day.ds, source_id=source_id, stage=STAGE, run_id=day.run_id)
    _write(engine, source_id, day.ds, results)
    failed = [r.expectation for r in results if not r.success]
    for page in docs:
        log.info("Data Docs for %s ds=%s (warehouse): file://%s", source_id, day.ds, page)
    if failed:
        log.warning(
            "warehouse checks failed for source %s, ds %s: %s (counts: %s); see the Data Docs above",
            source_id,
            day.ds,
            ", ".join(failed),
            count_rows[0],
        )
    return results


def _count_row(
    engine: Engine, source_id: str, ds: str, counts: dict[str, dict[str, float]]
) -> dict[str, Any]:
    """The counts to reconcile, from the manifests (``counts``) and the warehouse itself."""
    where = and_(articles.c.ds == ds, articles.c.source_id == source_id)
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(articles).where(where)).scalar_one()
        load_rejected = conn.execute(
            select(pipeline_runs.c.value).where(
                pipeline_runs.c.ds == ds,
                pipeline_runs.c.source_id == source_id,
                pipeline_runs.c.stage == "load",
                pipeline_runs.c.metric == "rejected",
            )
        ).scalar()
    fetched = int(counts["fetch"]["pages"])
    clean = counts["clean"]
    return {
        "source_id": source_id,
        "fetched": fetched,
        "cleaned_plus_clean_rejected": int(clean["articles"] + clean["rejected"]),
        "loaded_for_day": int(stored),
        "validated_less_load_rejected": int(counts["validate"]["articles"] - (load_rejected or 0)),
    }


def _article_query(source_id: str, ds: str) -> Select[Any]:
    """One row per article of the day: whether its source is known, how often its URL is stored."""
    other = articles.alias("other")
    copies = (
        select(func.count())
        .select_from(other)
        .where(other.c.canonical_url == articles.c.canonical_url)
        .scalar_subquery()
    )
    query = (
        select(
            articles.c.article_id,
            articles.c.canonical_url,
            sources.c.source_id.label("known_source"),
            copies.label("canonical_url_copies"),
        )
        .select_from(articles.outerjoin(sources, sources.c.source_id == articles.c.source_id))
        .where(articles.c.ds == ds, articles.c.source_id == source_id)
    )
    return query


def _write(engine: Engine, source_id: str, ds: str, results: list[DQResult]) -> None:
    """Replace this partition's warehouse-stage rows of ``dq_results`` (columns the table has)."""
    columns = set(dq_results.c.keys())
    rows = [{k: v for k, v in dataclasses.asdict(r).items() if k in columns} for r in results]
    with engine.begin() as conn:
        conn.execute(
            delete(dq_results).where(
                dq_results.c.ds == ds, dq_results.c.source_id == source_id, dq_results.c.stage == STAGE
            )
        )
        if rows:
            conn.execute(dq_results.insert(), rows)
