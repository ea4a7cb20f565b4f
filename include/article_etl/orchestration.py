"""The thin layer between Airflow's task context and the stage functions.

It is the only module of the package that imports Airflow, and it does so inside functions, so
the rest of the package (and its tests) run without a scheduler.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from article_etl.pipeline import Day
from article_etl.warehouse import normalise_url, warehouse_url

WAREHOUSE_CONN_ID = "article_warehouse"


def day_from_context(context: Any) -> Day:
    """The run's data interval; a run without one (a manual run with no logical date) takes the
    last complete UTC day before it was triggered, which is what a person pressing 'trigger' means."""
    start = context.get("data_interval_start")
    end = context.get("data_interval_end")
    run_id = context.get("run_id")
    if start is None or end is None or start == end:
        dag_run = context.get("dag_run")
        after = getattr(dag_run, "run_after", None) or datetime.now(UTC)
        end = after.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        start = end - timedelta(days=1)
    return Day(start=_plain_utc(start), end=_plain_utc(end), run_id=run_id)


def _plain_utc(when: datetime) -> datetime:
    """A stdlib UTC datetime. Airflow hands out pendulum DateTimes, and pendulum loses the time
    zone when one converted with ``astimezone(datetime.UTC)`` has a timedelta subtracted."""
    return datetime.fromtimestamp(when.timestamp(), tz=UTC)


def warehouse_from_airflow() -> str:
    """The ``article_warehouse`` connection if Airflow has one, else ``warehouse_url()``'s default.

    The connection may carry a full SQLAlchemy URL in its extra as ``sqlalchemy_url``; otherwise
    its own URI is used (postgres/mysql connection types get our drivers). The password never
    reaches a log: callers log ``masked(url)``.
    """
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        conn = Connection.get(WAREHOUSE_CONN_ID)
    except AirflowNotFoundException:
        return warehouse_url()
    explicit = (conn.extra_dejson or {}).get("sqlalchemy_url")
    if explicit:
        return normalise_url(str(explicit))
    if conn.conn_type == "sqlite":
        return f"sqlite:///{conn.host}"
    return normalise_url(conn.get_uri())
