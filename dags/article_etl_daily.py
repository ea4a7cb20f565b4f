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

The run for the interval [D, D+1) writes partition `ds=D`. Re-running or backfilling a day
rewrites the same rows. This file is wiring only: the logic is in `include/article_etl`.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, CronDataIntervalTimetable, Param, dag, get_current_context, task, task_group

ARTICLES_ASSET = Asset(name="article_etl_articles", uri="article-etl://warehouse/articles")


def _settings() -> Any:
    from article_etl.config import load_settings

    return load_settings()


def _day() -> Any:
    from article_etl.orchestration import day_from_context

    return day_from_context(get_current_context())


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
    @task(doc_md="The enabled source ids (or the `sources` param), one mapped task group each.")
    def list_sources() -> list[str]:
        wanted = set(get_current_context()["params"].get("sources") or [])
        ids = [s.id for s in _settings().sources if s.enabled and (not wanted or s.id in wanted)]
        unknown = wanted - {s.id for s in _settings().sources}
        if unknown:
            raise ValueError(
                f"param sources names unknown source ids {sorted(unknown)}; see the sources file"
            )
        return ids

    @task_group
    def per_source(source_id: str) -> Any:
        @task(doc_md="List the URLs the source's feed or sitemap published in the data interval.")
        def discover(source_id: str) -> dict[str, Any]:
            from article_etl.pipeline import run_discover

            return run_discover(_settings(), source_id, _day())

        @task(max_active_tis_per_dag=2, doc_md="Fetch the pages over HTTP; raw responses are kept as WARC.")
        def fetch(discovered: dict[str, Any]) -> dict[str, Any]:
            from article_etl.pipeline import run_fetch

            return run_fetch(_settings(), discovered["source_id"], _day())

        @task(doc_md="Decode, extract and check each page; failures go to rejects with a reason code.")
        def clean(fetched: dict[str, Any]) -> dict[str, Any]:
            from article_etl.pipeline import run_clean

            return run_clean(_settings(), fetched["source_id"], _day())

        @task(doc_md="Great Expectations gate over the cleaned batch (required fields, encoding).")
        def validate(cleaned: dict[str, Any]) -> dict[str, Any]:
            from article_etl.pipeline import run_validate

            return run_validate(_settings(), cleaned["source_id"], _day())

        @task(
            outlets=[ARTICLES_ASSET],
            doc_md="Upsert into the warehouse with every stage's rejects, in one transaction.",
        )
        def load(validated: dict[str, Any]) -> dict[str, Any]:
            from article_etl.orchestration import warehouse_from_airflow
            from article_etl.pipeline import run_load

            return run_load(_settings(), validated["source_id"], _day(), warehouse_from_airflow())

        # TaskFlow calls take XComArgs where the functions take their resolved values.
        return load(validate(clean(fetch(discover(source_id)))))  # type: ignore[arg-type]

    @task(doc_md="Print what each source loaded and rejected.")
    def report(loaded: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for row in loaded:
            print(f"{row['source_id']}: loaded {row['loaded']}, rejected {row['rejected']}")
        return list(loaded)

    report(per_source.expand(source_id=list_sources()))  # type: ignore[arg-type]


article_etl_daily()
