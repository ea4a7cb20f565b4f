"""
# article_etl_daily

Every day, for each source in the sources file (`ARTICLE_ETL_SOURCES`, default
`include/sources.yaml`): **discover** the articles its feed or sitemap lists for the data
interval, **fetch** them (raw WARC kept), **clean** them into fields, **validate** them with Great
Expectations and **load** them into the warehouse (the Airflow connection `article_warehouse`,
else `ARTICLE_ETL_WAREHOUSE_URL`, else SQLite under `ARTICLE_ETL_HOME`).

Each source is one mapped task group, so one broken site does not hold the others. Records that
fail a check land in the `rejects` table with a reason code; a source whose reject rate passes
its `max_reject_rate` turns its load task red after loading, with the reason in the log.

The run for the interval [D, D+1) writes partition `ds=D`, under its own run folder, so a
backfill beside a manual run of the same day cannot mix their files. Re-running or backfilling a
day rewrites the same rows; an outage (most pages fail with network errors or 5xx) fails the
fetch task and removes nothing that was loaded. Deterministic failures (bad config, unknown
source, the reject-rate gate) fail at once without retries. This file is wiring only: the logic
is in `include/article_etl`.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, CronDataIntervalTimetable, Param, dag, get_current_context, task, task_group

from article_etl.pools import FETCH_POOL

ARTICLES_ASSET = Asset(name="article_etl_articles", uri="article-etl://warehouse/articles")


def _minutes(name: str, default: int) -> timedelta:
    """A task's execution_timeout, overridable per deployment (ARTICLE_ETL_<NAME>_TIMEOUT_MINUTES)."""
    return timedelta(minutes=int(os.environ.get(f"ARTICLE_ETL_{name}_TIMEOUT_MINUTES", str(default))))


def _stage(stage: str, source_id: str) -> dict[str, Any]:
    from article_etl.orchestration import run_stage

    return run_stage(stage, source_id)


@dag(
    dag_id="article_etl_daily",
    schedule=CronDataIntervalTimetable("@daily", timezone="UTC"),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=2,
    default_args={
        "owner": "article-etl",
        # ARTICLE_ETL_TASK_RETRIES=0 lets `make demo` and the tests fail fast instead of waiting on backoff.
        "retries": int(os.environ.get("ARTICLE_ETL_TASK_RETRIES", "2")),
        "retry_delay": timedelta(minutes=2),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=30),
        "execution_timeout": _minutes("TASK", 30),
    },
    tags=["article-etl", "news", "etl"],
    params={
        "sources": Param(
            [],
            type="array",
            items={"type": "string"},
            description="Source ids to run; empty runs every enabled source.",
        ),
    },
    doc_md=__doc__,
)
def article_etl_daily() -> None:
    @task(
        doc_md="Check the warehouse (reachable, room, charset) and upgrade its schema, before any page "
        "is fetched; then the enabled source ids (or the `sources` param), one mapped task group each."
    )
    def list_sources() -> list[str]:
        from article_etl.orchestration import enabled_sources, fail_fast, warehouse_from_airflow
        from article_etl.warehouse.door import prepare_warehouse

        fail_fast(lambda: prepare_warehouse(warehouse_from_airflow()))

        return enabled_sources(get_current_context()["params"].get("sources") or [])

    @task_group
    def per_source(source_id: str) -> Any:
        @task(doc_md="List the URLs the source's feed or sitemap published in the data interval.")
        def discover(source_id: str) -> dict[str, Any]:
            return _stage("discover", source_id)

        @task(
            pool=FETCH_POOL,
            execution_timeout=_minutes("FETCH", 120),
            doc_md="Fetch the pages over HTTP (each within fetch.deadline_seconds); raw responses kept as WARC.",
        )
        def fetch(discovered: dict[str, Any]) -> dict[str, Any]:
            return _stage("fetch", discovered["source_id"])

        @task(
            doc_md="Extract and check each page (a time budget each); failures go to rejects with a reason code."
        )
        def clean(fetched: dict[str, Any]) -> dict[str, Any]:
            return _stage("clean", fetched["source_id"])

        @task(doc_md="Great Expectations gate over the cleaned batch (required fields, encoding).")
        def validate(cleaned: dict[str, Any]) -> dict[str, Any]:
            return _stage("validate", cleaned["source_id"])

        @task(
            outlets=[ARTICLES_ASSET],
            doc_md="Upsert into the warehouse with every stage's rejects, in one transaction.",
        )
        def load(validated: dict[str, Any]) -> dict[str, Any]:
            return _stage("load", validated["source_id"])

        # TaskFlow calls take XComArgs where the functions take their resolved values.
        return load(validate(clean(fetch(discover(source_id)))))  # type: ignore[arg-type]

    @task(doc_md="Print what each source loaded and rejected.")
    def report(loaded: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for row in loaded:
            print(f"{row['source_id']}: loaded {row['loaded']}, rejected {row['rejected']}")
        return list(loaded)

    report(per_source.expand(source_id=list_sources()))  # type: ignore[arg-type]


article_etl_daily()
