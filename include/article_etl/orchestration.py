"""The thin layer between Airflow's task context and the stage functions.

It is the only module of the package that imports Airflow, and it does so inside functions, so
the rest of the package (and its tests) run without a scheduler. It turns the context into a run
identity (the data interval, the run id and the try number) and our deterministic failures into
``AirflowFailException``, so they turn red at once instead of after minutes of retries.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from article_etl.errors import PermanentError
from article_etl.run import Day
from article_etl.warehouse import normalise_url, warehouse_url

T = TypeVar("T")

WAREHOUSE_CONN_ID = "article_warehouse"


def day_from_context(context: Any) -> Day:
    """The run's data interval; a run without one (a manual run with no logical date) takes the
    last complete UTC day before it was triggered, which is what a person pressing 'trigger' means."""
    start = context.get("data_interval_start")
    end = context.get("data_interval_end")
    run_id = str(context.get("run_id") or "manual")
    try_number = int(getattr(context.get("ti"), "try_number", None) or 1)
    if start is None or end is None or start == end:
        dag_run = context.get("dag_run")
        after = getattr(dag_run, "run_after", None) or datetime.now(UTC)
        end = after.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        start = end - timedelta(days=1)
    return Day(start=_plain_utc(start), end=_plain_utc(end), run_id=run_id, try_number=try_number)


def _plain_utc(when: datetime) -> datetime:
    """A stdlib UTC datetime. Airflow hands out pendulum DateTimes, and pendulum loses the time
    zone when one converted with ``astimezone(datetime.UTC)`` has a timedelta subtracted."""
    return datetime.fromtimestamp(when.timestamp(), tz=UTC)


def warehouse_from_airflow() -> str:
    """The ``article_warehouse`` connection if Airflow has one, else ``warehouse_url()``'s default.

    The connection may carry a full SQLAlchemy URL in its extra as ``sqlalchemy_url``; otherwise
    its own URI is used (postgres/mysql connection types get our drivers). The password never
    reaches a log: callers log ``masked(url)``. For tasks (the Task SDK asks the API server).
    """
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        conn = Connection.get(WAREHOUSE_CONN_ID)
    except AirflowNotFoundException:
        return warehouse_url()
    return _url_of(conn)


def warehouse_for_server() -> str:
    """The same warehouse as ``warehouse_from_airflow``, looked up from inside Airflow's API server
    (the quality page), where the Task SDK's client is not available: the secrets backends and the
    metadata database are read directly."""
    from airflow.exceptions import AirflowNotFoundException
    from airflow.models.connection import Connection

    try:
        conn = Connection.get_connection_from_secrets(WAREHOUSE_CONN_ID)
    except AirflowNotFoundException:
        return warehouse_url()
    return _url_of(conn)


def _url_of(conn: Any) -> str:
    explicit = (conn.extra_dejson or {}).get("sqlalchemy_url")
    if explicit:
        return normalise_url(str(explicit))
    if conn.conn_type == "sqlite":
        return f"sqlite:///{conn.host}"
    return normalise_url(conn.get_uri())


def fail_fast(call: Callable[[], T]) -> T:
    """Run a stage; a deterministic failure (``PermanentError``) fails the task without retries."""
    try:
        return call()
    except PermanentError as exc:
        from airflow.sdk.exceptions import AirflowFailException

        raise AirflowFailException(str(exc)) from exc


def run_stage(stage: str, source_id: str) -> dict[str, Any]:
    """Run one stage of the current Airflow task's source and run (what each DAG task calls)."""
    from airflow.sdk import get_current_context

    from article_etl.config import load_settings
    from article_etl.dag_params import refresh_requested, replay_requested
    from article_etl.stages import clean, discover, fetch, load, replay, validate

    def call() -> dict[str, Any]:
        settings = load_settings()
        context = get_current_context()
        day = day_from_context(context)
        replaying = replay_requested(context.get("params"))
        if stage == "load":
            return load.run(settings, source_id, day, warehouse_from_airflow())
        if stage == "discover" and replaying:  # the stored URL list, no request
            return replay.run_discover(settings, source_id, day)
        if stage == "discover":  # URLs other days loaded are skipped unless the run asks for a refresh
            refreshing = refresh_requested(context.get("params"))
            return discover.run(
                settings, source_id, day, warehouse=warehouse_from_airflow(), refresh=refreshing
            )
        if stage == "fetch":
            return fetch.run(settings, source_id, day, replay=replaying)
        module = {"fetch": fetch, "clean": clean, "validate": validate}[stage]
        return module.run(settings, source_id, day)

    return fail_fast(call)


def fail_on_zero_articles(rows: list[dict[str, Any]], context: Any) -> None:
    """A recent day that loaded nothing from any source fails the run loudly (without retries)."""
    from article_etl.alerts import zero_article_problem

    end = context.get("data_interval_end")
    if end is None:
        return
    problem = zero_article_problem(rows, _plain_utc(end), datetime.now(UTC))
    if problem:
        from airflow.sdk.exceptions import AirflowFailException

        raise AirflowFailException(problem)


def quality_report(context: Any) -> dict[str, Any]:
    """The article_quality_report task: the day the triggering loads wrote, per source, with its
    drift against each source's recent days; a drop fails the task naming what moved."""
    from article_etl.dashboard import overview
    from article_etl.drift import BASELINE_DAYS, find_drift
    from article_etl.warehouse import get_engine

    days = [
        str(event.extra["ds"])
        for events in (context.get("triggering_asset_events") or {}).values()
        for event in events
        if (getattr(event, "extra", None) or {}).get("ds")
    ]
    engine = get_engine(warehouse_from_airflow())
    view = overview(engine, days=BASELINE_DAYS + 1, end=max(days) if days else None)
    if not view.days:
        print("article-etl quality report: the warehouse holds no runs yet")
        return {"ds": None, "drift": []}
    ds = view.days[-1]
    for fig in (f for f in view.rows if f.ds == ds):
        print(
            f"{fig.source_id} {ds}: discovered {fig.discovered}, loaded {fig.loaded}, rejected {fig.rejected} "
            f"{dict(fig.rejects_by_reason)}, author {fig.with_author}, date {fig.with_date}, "
            f"median body {fig.median_body_chars}"
        )
    for fresh in view.freshness:
        print(
            f"{fresh.source_id}: newest article {fresh.last_published}, newest day loaded {fresh.last_loaded_ds}"
        )
    drift = find_drift(view.rows, ds)
    if drift:
        raise PermanentError(
            f"{len(drift)} figures moved on {ds}: "
            + "; ".join(str(d) for d in drift)
            + ". A site's layout change shows like this: compare a page with the source's selectors"
        )
    return {"ds": ds, "drift": []}


def enabled_sources(wanted: list[str]) -> list[str]:
    """The source ids a run covers: the ``sources`` param, or every enabled source."""
    from article_etl.config import ConfigError, load_settings

    def call() -> list[str]:
        settings = load_settings()
        unknown = set(wanted) - {s.id for s in settings.sources}
        if unknown:
            raise ConfigError(
                f"param sources names unknown source ids {sorted(unknown)}; see the sources file"
            )
        return [s.id for s in settings.sources if s.enabled and (not wanted or s.id in wanted)]

    return fail_fast(call)
