"""The Asset each load updates, defined once for both DAG files.

Each load task's event carries the day, the source and its counts in ``extra``;
``article_quality_report`` is scheduled on it. Imported by DAG files only (it imports Airflow).
"""

from __future__ import annotations

from airflow.sdk import Asset

ARTICLES_ASSET = Asset(name="article_etl_articles", uri="article-etl://warehouse/articles")
