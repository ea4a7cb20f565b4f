"""
# article_quality_report

Runs whenever `article_etl_daily` loads a day (it is scheduled on the warehouse Asset
`article-etl://warehouse/articles`, whose events carry the day, the source and its counts).
For the day just loaded it prints, per source, what was discovered, loaded and rejected and the
extraction health (author and date fill, median body length), plus each source's freshness; then
it compares each figure with the source's own previous days and **fails, naming the figure and
both values**, when one dropped sharply: far fewer articles, far fewer authors or dates found,
much shorter bodies. That is how a site's layout change shows before anyone notices. The same
figures are on the Article quality page (Browse → Article quality).
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import dag, get_current_context, task

from article_etl.alerts import FailureNotifier
from article_etl.assets import ARTICLES_ASSET


@dag(
    dag_id="article_quality_report",
    schedule=[ARTICLES_ASSET],
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "article-etl",
        "retries": int(os.environ.get("ARTICLE_ETL_TASK_RETRIES", "1")),
        "retry_delay": timedelta(minutes=2),
        "execution_timeout": timedelta(minutes=15),
        "on_failure_callback": [FailureNotifier()],
    },
    tags=["article-etl", "quality"],
    doc_md=__doc__,
)
def article_quality_report() -> None:
    @task(doc_md="Summary, freshness and drift of the day just loaded, per source.")
    def summarise_and_check_drift() -> dict[str, Any]:
        from article_etl.orchestration import fail_fast, quality_report

        context = get_current_context()
        return fail_fast(lambda: quality_report(context))

    summarise_and_check_drift()


article_quality_report()
