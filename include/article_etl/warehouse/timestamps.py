"""``published_at`` as a time zone-aware value on every dialect.

A timestamp without its offset is misread: a Beijing article of 2004-12-10 00:30 stored as UTC
without an offset reads "2004-12-09 16:00" to anyone looking at the column. Each dialect declares
how it keeps the instant (``Capabilities.timestamps``):

* ``native``: the database has a zone-aware type (PostgreSQL ``TIMESTAMPTZ``); values pass as is.
* ``iso_offset``: stored as ISO 8601 text *with* its offset (SQLite has no date type), so the
  row says ``2004-12-10T00:30:00+08:00``; read back as an aware ``datetime``.
* ``utc_naive``: MySQL/MariaDB ``DATETIME`` has no zone: the value is converted to UTC before it
  is stored and read back as UTC. Say so to users (README "Warehouse").

A naive ``datetime`` is refused: the loader cannot know which zone it meant.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.engine import Dialect as SADialect
from sqlalchemy.types import TypeDecorator, TypeEngine


def _storage(dialect: SADialect) -> str:
    from article_etl.warehouse.dialects import capabilities_for

    return capabilities_for(dialect.name).timestamps


class TzDateTime(TypeDecorator[datetime]):
    """A zone-aware timestamp column; storage chosen by the dialect's declared capability."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: SADialect) -> TypeEngine[Any]:
        if _storage(dialect) == "iso_offset":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: Any, dialect: SADialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise ValueError(f"a timestamp column needs a datetime, not {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"timestamp {value.isoformat()} has no time zone; give it an offset")
        storage = _storage(dialect)
        if storage == "iso_offset":
            return value.isoformat()
        if storage == "utc_naive":
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: SADialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:  # utc_naive storage, or a row written before the offset was kept
            return value.replace(tzinfo=UTC)
        return value  # type: ignore[no-any-return]
