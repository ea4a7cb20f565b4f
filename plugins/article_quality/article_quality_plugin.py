"""The article-quality page inside Airflow: per day and source, what loaded, what was rejected
and why, check pass rates, trends, freshness and extraction health, read from the warehouse.

An Airflow 3 plugin: a FastAPI app mounted at ``/article-quality`` and a link under Browse that
opens it inside the UI. Airflow does not put a plugin's app behind its login, so every route here
requires a signed-in Airflow user itself (the UI's ``_token`` cookie or a Bearer token); an
anonymous caller gets 401. The figures and the HTML come from ``article_etl.dashboard`` and
``article_etl.dashboard_page``, which know nothing of Airflow.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from airflow.api_fastapi.core_api.security import requires_authenticated
from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends, FastAPI, Query
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine

URL_PREFIX = "/article-quality"

app = FastAPI(
    title="Article quality",
    description="Article ETL's data-quality figures, read from the warehouse.",
    dependencies=[Depends(requires_authenticated())],
)


@cache
def _engine() -> Engine:
    """One engine per API-server process, on the warehouse the pipeline loads into."""
    from article_etl.orchestration import warehouse_for_server
    from article_etl.warehouse import get_engine

    return get_engine(warehouse_for_server())


@app.get("/", response_class=HTMLResponse)
def overview_page(days: int = Query(30, ge=1, le=366)) -> str:
    from article_etl.dashboard import overview
    from article_etl.dashboard_page import render_overview

    return render_overview(overview(_engine(), days=days))


@app.get("/api/overview")
def overview_json(days: int = Query(30, ge=1, le=366), end: str | None = None) -> dict[str, Any]:
    from article_etl.dashboard import overview

    return overview(_engine(), days=days, end=end).to_json()


@app.get("/quarantine", response_class=HTMLResponse)
def quarantine_page(ds: str = "", source_id: str = "", reason: str = "") -> str:
    from article_etl.codes import DESCRIPTIONS
    from article_etl.dashboard import quarantine
    from article_etl.dashboard_page import render_quarantine

    records = quarantine(_engine(), ds or None, source_id or None, reason or None)
    return render_quarantine(records, dict(DESCRIPTIONS), {"ds": ds, "source": source_id, "reason": reason})


@app.get("/api/quarantine")
def quarantine_json(
    ds: str = "", source_id: str = "", reason: str = "", limit: int = Query(500, ge=1, le=10_000)
) -> list[dict[str, Any]]:
    from dataclasses import asdict

    from article_etl.dashboard import quarantine

    return [asdict(r) for r in quarantine(_engine(), ds or None, source_id or None, reason or None, limit)]


class ArticleQualityPlugin(AirflowPlugin):
    # Airflow declares these as plain class attributes (lists), so they are not ClassVars here.
    name = "article_quality"
    fastapi_apps = [{"app": app, "url_prefix": URL_PREFIX, "name": "Article quality"}]  # noqa: RUF012
    external_views = [  # noqa: RUF012
        {
            "name": "Article quality",
            "href": f"{URL_PREFIX}/",
            "destination": "nav",
            "category": "browse",
            "url_route": "article-quality",
        }
    ]
