"""The quarantine as people use it: rejects listed, shown and marked resolved.

It reads the warehouse's ``rejects`` table as it is on disk (reflected), so it works before and
after the migration that adds ``check_name``, ``evidence`` and ``resolved_at``: a column the
table lacks is shown as absent, and resolving needs ``resolved_at``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, MetaData, Table, select


class QuarantineError(RuntimeError):
    """A quarantine request that cannot be met (unknown id, a table without resolved_at)."""


@dataclass(frozen=True)
class Filters:
    """Which rejects: by day, source, reason and stage; resolved ones only when asked."""

    ds: str | None = None
    source_id: str | None = None
    reason: str | None = None
    stage: str | None = None
    include_resolved: bool = False


def rejects_table(engine: Engine) -> Table:
    """The ``rejects`` table as the database has it."""
    return Table("rejects", MetaData(), autoload_with=engine)


def list_rejects(engine: Engine, filters: Filters, limit: int | None = None) -> list[dict[str, Any]]:
    """The rejects matching ``filters``, oldest day first, as dicts of the table's columns."""
    table = rejects_table(engine)
    query = select(table)
    for column, value in (
        ("ds", filters.ds),
        ("source_id", filters.source_id),
        ("reason", filters.reason),
        ("stage", filters.stage),
    ):
        if value is not None:
            query = query.where(table.c[column] == value)
    if "resolved_at" in table.c and not filters.include_resolved:
        query = query.where(table.c.resolved_at.is_(None))
    query = query.order_by(table.c.ds, table.c.source_id, table.c.id)
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def show_reject(engine: Engine, reject_id: int) -> dict[str, Any]:
    """One reject by its id; QuarantineError naming the id when there is none."""
    table = rejects_table(engine)
    with engine.connect() as conn:
        row = conn.execute(select(table).where(table.c.id == reject_id)).first()
    if row is None:
        raise QuarantineError(f"no reject with id {reject_id}; list them with `article-etl rejects list`")
    return dict(row._mapping)


def keep_as_resolved(engine: Engine, rows: Sequence[dict[str, Any]], when: datetime | None = None) -> int:
    """Write ``rows`` (rejects a requeue fixed) back with ``resolved_at`` set: a load replaces the
    partition's rejects with the new run's, and a fixed reject is history, not something to delete."""
    table = rejects_table(engine)
    if "resolved_at" not in table.c:
        raise QuarantineError(
            "the rejects table has no resolved_at column yet: run the warehouse migration "
            "(`article-etl db upgrade`), then requeue again to record which rejects were fixed"
        )
    stamp = (when or datetime.now(UTC)).replace(tzinfo=None)
    out = [{**{k: v for k, v in row.items() if k != "id"}, "resolved_at": stamp} for row in rows]
    if out:
        with engine.begin() as conn:
            conn.execute(table.insert(), out)
    return len(out)
