"""What a row says: zone-aware dates, where fields came from, first/last seen, revisions,
reject evidence and check names, dq_results run and observed value, indexes, the local-day view.

Existing rows are kept and filled in: ``published_date`` from ``published_at`` in the source's
time zone, ``first_seen`` / ``last_seen`` from ``ds``; SQLite timestamps (stored as UTC without an
offset) are rewritten as ISO 8601 in the source's zone *with* its offset. MySQL/MariaDB article
text columns become LONGTEXT (a table created before they were is TEXT, 64 KB).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_LONG = sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")
_MYSQL: dict[str, Any] = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}
VIEW = "articles_by_local_day"
_BATCH = 1_000


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect in ("mysql", "mariadb"):
        op.alter_column("articles", "title", type_=mysql.LONGTEXT(), existing_nullable=False, nullable=False)
        op.alter_column("articles", "body", type_=mysql.LONGTEXT(), existing_nullable=False, nullable=False)
        op.alter_column(
            "rejects", "detail", type_=mysql.MEDIUMTEXT(), existing_nullable=False, nullable=False
        )
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("published_date", sa.Date))
        batch.add_column(sa.Column("published_source", sa.String(16)))
        batch.add_column(sa.Column("title_source", sa.String(16)))
        batch.add_column(sa.Column("decode_damage", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("first_seen", sa.Date))
        batch.add_column(sa.Column("last_seen", sa.Date))
    op.create_index("ix_articles_published_date", "articles", ["published_date"])
    op.create_index("ix_articles_source_published_date", "articles", ["source_id", "published_date"])
    with op.batch_alter_table("rejects") as batch:
        batch.add_column(sa.Column("evidence", sa.String(16)))
        batch.add_column(sa.Column("check_name", sa.String(255)))
        batch.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True)))
    op.create_index("ix_rejects_reason", "rejects", ["reason", "ds"])
    with op.batch_alter_table("dq_results") as batch:
        batch.add_column(sa.Column("run_id", sa.String(255)))
        batch.add_column(sa.Column("observed_value", sa.Text))
    op.create_table(
        "article_revisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.String(40), nullable=False, index=True),
        sa.Column("title", _LONG, nullable=False),
        sa.Column("body", _LONG, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("first_seen", sa.Date),
        sa.Column("replaced_ds", sa.String(10), nullable=False),
        sa.Column("replaced_run_id", sa.String(255)),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        **_MYSQL,
    )
    _fill_existing_articles(dialect)
    op.execute(
        f"CREATE VIEW {VIEW} AS SELECT a.published_date AS local_day, a.source_id, s.timezone, "
        "a.article_id, a.published_at, a.title, a.url, a.ds "
        "FROM articles a LEFT JOIN sources s ON s.source_id = a.source_id"
    )


def _fill_existing_articles(dialect: str) -> None:
    """Give rows loaded before this revision their local day, first/last seen (and, on SQLite,
    a timestamp with its offset). In batches, so a large warehouse does not fill memory."""
    conn = op.get_bind()
    arts = sa.table(
        "articles",
        sa.column("article_id", sa.String),
        sa.column("source_id", sa.String),
        sa.column("published_at", sa.String if dialect == "sqlite" else sa.DateTime(timezone=True)),
        sa.column("published_date", sa.Date),
        sa.column("first_seen", sa.Date),
        sa.column("last_seen", sa.Date),
        sa.column("ds", sa.String),
    )
    srcs = sa.table("sources", sa.column("source_id", sa.String), sa.column("timezone", sa.String))
    zones = {
        row.source_id: row.timezone for row in conn.execute(sa.select(srcs.c.source_id, srcs.c.timezone))
    }
    query = (
        sa.select(arts.c.article_id, arts.c.source_id, arts.c.published_at, arts.c.ds)
        .where(arts.c.first_seen.is_(None))
        .order_by(arts.c.article_id)
        .limit(_BATCH)
    )
    stmt = (
        sa.update(arts)
        .where(arts.c.article_id == sa.bindparam("b_id"))
        .values(
            published_date=sa.bindparam("b_date"),
            first_seen=sa.bindparam("b_seen"),
            last_seen=sa.bindparam("b_seen"),
            **({"published_at": sa.bindparam("b_at")} if dialect == "sqlite" else {}),
        )
    )
    while True:
        rows = list(conn.execute(query))
        if not rows:
            return
        params: list[dict[str, Any]] = []
        for row in rows:
            when = row.published_at
            if isinstance(when, str):
                when = datetime.fromisoformat(when)
            if when.tzinfo is None:  # stored as UTC without an offset (SQLite, MySQL)
                when = when.replace(tzinfo=UTC)
            local = when.astimezone(ZoneInfo(zones.get(row.source_id) or "UTC"))
            params.append(
                {
                    "b_id": row.article_id,
                    "b_date": local.date(),
                    "b_seen": date.fromisoformat(row.ds),
                    "b_at": local.isoformat(),
                }
            )
        conn.execute(stmt, params)


def downgrade() -> None:
    op.execute(f"DROP VIEW {VIEW}")
    op.drop_table("article_revisions")
    with op.batch_alter_table("dq_results") as batch:
        batch.drop_column("observed_value")
        batch.drop_column("run_id")
    op.drop_index("ix_rejects_reason", "rejects")
    with op.batch_alter_table("rejects") as batch:
        for name in ("resolved_at", "check_name", "evidence"):
            batch.drop_column(name)
    op.drop_index("ix_articles_source_published_date", "articles")
    op.drop_index("ix_articles_published_date", "articles")
    with op.batch_alter_table("articles") as batch:
        for name in (
            "last_seen",
            "first_seen",
            "decode_damage",
            "title_source",
            "published_source",
            "published_date",
        ):
            batch.drop_column(name)
