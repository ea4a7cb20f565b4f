"""
# article_etl_daily

Every day, for each source in the sources file (`ARTICLE_ETL_SOURCES`, default
`include/sources.yaml`): **discover** the articles its feed or sitemap lists for the data
interval, **fetch** them (raw WARC kept), **clean** them into fields, **validate** them with Great
Expectations and **load** them into the warehouse (the Airflow connection `article_warehouse`,
else `ARTICLE_ETL_WAREHOUSE_URL`, else SQLite under `ARTICLE_ETL_HOME`).

Each source is one mapped task group (listed by source id), so one broken site does not hold the
others. Records that fail a check land in the `rejects` table with a reason code and the
expectation that fired; a source whose batch fails a suite above its `max_reject_rate` turns its
validate task red and loads nothing of that batch, and a day whose overall reject rate (network
errors and 5xx included) passes it turns load red after loading. Failures are alerted in one line
in the log and recorded in the warehouse; the Article quality page (Browse) shows every figure.

The run for the interval [D, D+1) writes partition `ds=D`, under its own run folder, so a
backfill beside a manual run of the same day cannot mix their files. Re-running or backfilling a
day rewrites the same rows; an outage (most pages fail with network errors or 5xx) fails the
fetch task and removes nothing that was loaded. With the `replay` param on, discover and fetch
send no request: the day's pages come from its stored WARC, and clean, validate and load run
again on them (after a selector or threshold fix). A URL whose article the warehouse holds under
another day is not fetched again (counted as `already_loaded`) unless the `refresh` param is on.
Deterministic failures (bad config, unknown
source, the reject-rate gate) fail at once without retries. This file is wiring only: the logic
is in `include/article_etl`.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import CronDataIntervalTimetable, Param, dag, get_current_context, task, task_group

from article_etl.alerts import FailureNotifier
from article_etl.assets import ARTICLES_ASSET
from article_etl.dag_params import (
    REFRESH_DESCRIPTION,
    REFRESH_PARAM,
    REFRESH_TITLE,
    REPLAY_DESCRIPTION,
    REPLAY_PARAM,
    REPLAY_TITLE,
    earliest_day,
    source_ids,
)
from article_etl.pools import FETCH_POOL


def _minutes(name: str, default: int) -> timedelta:
    """A task's execution_timeout, overridable per deployment (ARTICLE_ETL_<NAME>_TIMEOUT_MINUTES)."""
    return timedelta(minutes=int(os.environ.get(f"ARTICLE_ETL_{name}_TIMEOUT_MINUTES", str(default))))


# Mapped tasks are listed by source id, not 0/1/2: each task puts its source id in the context.
BY_SOURCE = "{{ source_id }}"
FIRST_DAY = earliest_day()


def _stage(stage: str, source_id: str) -> dict[str, Any]:
    from article_etl.orchestration import run_stage

    get_current_context()["source_id"] = source_id  # type: ignore[typeddict-unknown-key]
    return run_stage(stage, source_id)


@dag(
    dag_id="article_etl_daily",
    schedule=CronDataIntervalTimetable("@daily", timezone="UTC"),
    # The earliest day a backfill or `dags test` may ask for: ARTICLE_ETL_EARLIEST_DAY or the
    # sources file's earliest_day (default 2000-01-01). Catchup is off, so it creates no runs.
    start_date=pendulum.datetime(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day, tz="UTC"),
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
        # One line per failure in the log and the warehouse; e-mail/Slack when configured.
        "on_failure_callback": [FailureNotifier()],
    },
    tags=["article-etl", "news", "etl"],
    params={
        "sources": Param(
            [],
            type=["array", "null"],
            items={"type": "string"},
            examples=source_ids() or None,
            title="Sources",
            description="Source ids to run (pick from the sources file's ids); empty runs every enabled source.",
        ),
        REPLAY_PARAM: Param(False, type="boolean", title=REPLAY_TITLE, description=REPLAY_DESCRIPTION),
        REFRESH_PARAM: Param(False, type="boolean", title=REFRESH_TITLE, description=REFRESH_DESCRIPTION),
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
        @task(
            map_index_template=BY_SOURCE,
            doc_md="List the URLs the source's feed or sitemap published in the data interval.",
        )
        def discover(source_id: str) -> dict[str, Any]:
            return _stage("discover", source_id)

        @task(
            pool=FETCH_POOL,
            map_index_template=BY_SOURCE,
            execution_timeout=_minutes("FETCH", 120),
            doc_md="Fetch the pages over HTTP (each within fetch.deadline_seconds); raw responses kept as WARC.",
        )
        def fetch(discovered: dict[str, Any]) -> dict[str, Any]:
            return _stage("fetch", discovered["source_id"])

        @task(
            map_index_template=BY_SOURCE,
            doc_md="Extract and check each page (a time budget each); failures go to rejects with a reason code.",
        )
        def clean(fetched: dict[str, Any]) -> dict[str, Any]:
            return _stage("clean", fetched["source_id"])

        @task(
            map_index_template=BY_SOURCE,
            doc_md="Great Expectations gate over the cleaned batch (required fields, encoding).",
        )
        def validate(cleaned: dict[str, Any]) -> dict[str, Any]:
            return _stage("validate", cleaned["source_id"])

        @task(
            outlets=[ARTICLES_ASSET],
            map_index_template=BY_SOURCE,
            doc_md="Upsert into the warehouse with every stage's rejects, in one transaction.",
        )
        def load(validated: dict[str, Any]) -> dict[str, Any]:
            summary = _stage("load", validated["source_id"])
            # The Asset event says what changed, for article_quality_report and anyone listening.
            context = get_current_context()
            context["outlet_events"][ARTICLES_ASSET].extra = {
                "ds": summary.get("ds"),
                "source_id": validated["source_id"],
                "loaded": summary.get("loaded"),
                "rejected": summary.get("rejected"),
                "reject_rate": summary.get("reject_rate"),
            }
            return summary

        # TaskFlow calls take XComArgs where the functions take their resolved values.
        return load(validate(clean(fetch(discover(source_id)))))  # type: ignore[arg-type]

    @task(doc_md="Print what each source loaded and rejected.")
    def report(loaded: list[dict[str, Any]] | dict[str, Any]) -> list[dict[str, Any]]:
        # A mapped group that ran for one source hands over that source's dict, not a list of one.
        rows = [loaded] if isinstance(loaded, dict) else list(loaded)
        for row in rows:
            print(f"{row['source_id']}: loaded {row['loaded']}, rejected {row['rejected']}")
        from article_etl.orchestration import fail_on_zero_articles

        fail_on_zero_articles(rows, get_current_context())
        return rows

    report(per_source.expand(source_id=list_sources()))  # type: ignore[arg-type]


article_etl_daily()
