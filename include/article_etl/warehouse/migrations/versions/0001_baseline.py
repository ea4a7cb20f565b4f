"""Baseline: the schema ``metadata.create_all`` made before Alembic owned it.

A warehouse created that way has these tables and no ``alembic_version``: ``migrate.upgrade``
stamps it at this revision (nothing is created) and applies the later ones. Frozen: never edit.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_LONG = sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")
_MEDIUM = sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")
_MYSQL: dict[str, Any] = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("source_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("lang", sa.String(16)),
        sa.Column("timezone", sa.String(64)),
        **_MYSQL,
    )
    op.create_table(
        "articles",
        sa.Column("article_id", sa.String(40), primary_key=True, comment="sha1 of the canonical URL"),
        sa.Column("source_id", sa.String(64), nullable=False, index=True),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("canonical_url", sa.String(768), nullable=False, unique=True),
        sa.Column("title", _LONG, nullable=False),
        sa.Column("body", _LONG, nullable=False),
        sa.Column("author", sa.String(512)),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("site_name", sa.String(255)),
        sa.Column("lang", sa.String(16)),
        sa.Column("detected_encoding", sa.String(32), nullable=False),
        sa.Column("encoding_method", sa.String(32), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False, index=True),
        sa.Column("simhash", sa.String(16), nullable=False, comment="64-bit SimHash of the body, hex"),
        sa.Column("char_count", sa.Integer, nullable=False),
        sa.Column("repairs", sa.String(255), nullable=False),
        sa.Column("ds", sa.String(10), nullable=False, index=True),
        **_MYSQL,
    )
    op.create_table(
        "rejects",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ds", sa.String(10), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("detail", _MEDIUM, nullable=False),
        sa.Column("raw_ref", sa.String(1024)),
        sa.Column("run_id", sa.String(255)),
        sa.Index("ix_rejects_partition", "ds", "source_id"),
        **_MYSQL,
    )
    op.create_table(
        "dq_results",
        sa.Column("ds", sa.String(10), primary_key=True),
        sa.Column("source_id", sa.String(64), primary_key=True),
        sa.Column("stage", sa.String(16), primary_key=True),
        sa.Column("expectation", sa.String(255), primary_key=True),
        sa.Column("success", sa.Boolean, nullable=False),
        sa.Column("element_count", sa.Integer, nullable=False),
        sa.Column("unexpected_count", sa.Integer, nullable=False),
        sa.Column("suite", sa.String(128), nullable=False),
        **_MYSQL,
    )
    op.create_table(
        "pipeline_runs",
        sa.Column("ds", sa.String(10), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("metric", sa.String(64), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.UniqueConstraint("ds", "source_id", "stage", "metric", name="uq_pipeline_runs_metric"),
        **_MYSQL,
    )


def downgrade() -> None:
    for name in ("pipeline_runs", "dq_results", "rejects", "articles", "sources"):
        op.drop_table(name)
