"""Alerts: what a person is told when a task fails or a day loads nothing.

Every failure is logged as one line naming the DAG, task, source, day and the error; it is also
written into the warehouse as a ``source_failed`` reject (so the quality page shows the day), and
sent by e-mail or Slack when their Airflow connection exists. A notifier must never raise: a
broken mail server must not hide the failure it reports.

Like ``orchestration``, this module imports Airflow (its notifier base class); the rest of the
package does not.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from airflow.sdk import BaseNotifier

log = logging.getLogger("article_etl.alerts")

# E-mail goes to these addresses (comma-separated) through the `smtp_default` connection.
EMAIL_TO_ENV = "ARTICLE_ETL_ALERT_EMAIL"
SMTP_CONN_ID = "smtp_default"
# Slack through the `slack_default` webhook connection (needs apache-airflow-providers-slack).
SLACK_CONN_ID = "slack_default"
# A zero-article day is an alarm only for runs of recent days: a feed lists its latest items, so
# a backfill of a day years back rightly finds nothing.
RECENT_DAY = timedelta(hours=48)


def failure_line(context: Mapping[str, Any]) -> str:
    """One line a person can act on: which DAG, task, source and day failed, and why."""
    ti = context.get("ti") or context.get("task_instance")
    task_id = getattr(ti, "task_id", None) or getattr(context.get("task"), "task_id", "?")
    dag_id = getattr(ti, "dag_id", None) or getattr(context.get("dag"), "dag_id", "?")
    source = context.get("source_id") or getattr(ti, "map_index", None)
    exception = context.get("exception")
    why = str(exception).strip().splitlines()[0] if exception else "no exception recorded"
    start = context.get("data_interval_start")
    ds = start.strftime("%Y-%m-%d") if isinstance(start, datetime) else context.get("ds", "?")
    try_number = getattr(ti, "try_number", "?")
    return (
        f"article-etl alert: {dag_id}.{task_id} failed for source {source} on ds {ds} "
        f"(run {context.get('run_id', '?')}, try {try_number}): {type(exception).__name__ if exception else ''}"
        f"{': ' if exception else ''}{why}"
    )


def zero_article_problem(
    loaded: Iterable[Mapping[str, Any]], interval_end: datetime, now: datetime
) -> str | None:
    """Why a run that loaded nothing from any source is an alarm, or None when it is not one."""
    rows = list(loaded)
    if not rows or sum(int(r.get("loaded", 0)) for r in rows) > 0:
        return None
    if now - interval_end > RECENT_DAY:
        return None
    sources = ", ".join(sorted(str(r.get("source_id")) for r in rows))
    return (
        f"no articles were loaded from any source ({sources}) for a recent day: feeds may be empty, "
        "blocked or moved; look at the discover and fetch task logs and the rejects on the quality page"
    )


def _connection_exists(conn_id: str) -> bool:
    from airflow.sdk import Connection

    try:
        Connection.get(conn_id)
    except Exception:
        return False
    return True


class FailureNotifier(BaseNotifier):
    """The DAG's on_failure_callback: log, record in the warehouse, and send where configured."""

    def notify(self, context: Any) -> None:
        line = failure_line(context)
        log.error(line)
        print(line, flush=True)  # the task log shows it even where the logger is filtered
        for deliver in (self._record, self._email, self._slack):
            try:
                deliver(context, line)
            except Exception as exc:  # one channel failing must not hide the alert
                log.error("article-etl alert: could not deliver through %s: %s", deliver.__name__, exc)

    @staticmethod
    def _record(context: Any, line: str) -> None:
        source_id = context.get("source_id")
        if not source_id:
            return  # not a per-source task (list_sources, report): the log line is the record
        from article_etl.config import load_settings
        from article_etl.orchestration import day_from_context, warehouse_from_airflow
        from article_etl.urls import redact_url
        from article_etl.warehouse import get_engine
        from article_etl.warehouse.failures import record_source_failure

        settings = load_settings()
        day = day_from_context(context)
        task_id = str(getattr(context.get("ti"), "task_id", "") or "")
        first = settings.source(str(source_id)).routes[0]
        where = getattr(first, "url", None) or getattr(first, "path", None) or ""  # a local WARC: a path
        record_source_failure(
            get_engine(warehouse_from_airflow()),
            ds=day.ds,
            source_id=str(source_id),
            stage=task_id.rsplit(".", 1)[-1][:16],
            url=redact_url(where, settings.fetch.secret_params),
            detail=line,
            run_id=day.run_id,
        )

    @staticmethod
    def _email(context: Any, line: str) -> None:
        import os

        to = os.environ.get(EMAIL_TO_ENV, "").strip()
        if not to or not _connection_exists(SMTP_CONN_ID):
            return
        from airflow.providers.smtp.notifications.smtp import SmtpNotifier

        SmtpNotifier(to=to, subject=line[:150], html_content=line, smtp_conn_id=SMTP_CONN_ID).notify(context)

    @staticmethod
    def _slack(context: Any, line: str) -> None:
        if not _connection_exists(SLACK_CONN_ID):
            return
        try:
            from airflow.providers.slack.notifications.slack_webhook import SlackWebhookNotifier
        except ImportError:
            log.warning(
                "article-etl alert: connection %s exists but the Slack provider is not installed",
                SLACK_CONN_ID,
            )
            return
        SlackWebhookNotifier(slack_webhook_conn_id=SLACK_CONN_ID, text=line).notify(context)
