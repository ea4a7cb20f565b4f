"""The warehouse schema as `metadata.create_all` made it before Alembic (frozen copy of schema.py at
the last commit without migrations): the "previous-schema" database the migration tests upgrade."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql

metadata = MetaData()

# Article text: TEXT everywhere but MySQL/MariaDB, where TEXT stops at 64 KB (see the docstring).
LongText = Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")
MediumText = Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")

sources = Table(
    "sources",
    metadata,
    Column("source_id", String(64), primary_key=True),
    Column("name", String(255), nullable=False),
    Column("lang", String(16)),
    Column("timezone", String(64)),
)

articles = Table(
    "articles",
    metadata,
    Column("article_id", String(40), primary_key=True, comment="sha1 of the canonical URL"),
    Column("source_id", String(64), nullable=False, index=True),
    Column("url", String(2048), nullable=False),
    Column("canonical_url", String(768), nullable=False, unique=True),
    Column("title", LongText, nullable=False),
    Column("body", LongText, nullable=False),
    Column("author", String(512)),
    Column("published_at", DateTime(timezone=True), nullable=False, index=True),
    Column("site_name", String(255)),
    Column("lang", String(16)),
    Column("detected_encoding", String(32), nullable=False),
    Column("encoding_method", String(32), nullable=False),
    Column("content_hash", String(64), nullable=False, index=True),
    Column("simhash", String(16), nullable=False, default="", comment="64-bit SimHash of the body, hex"),
    Column("char_count", Integer, nullable=False),
    Column("repairs", String(255), nullable=False, default=""),
    Column("ds", String(10), nullable=False, index=True),
)

rejects = Table(
    "rejects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ds", String(10), nullable=False),
    Column("stage", String(16), nullable=False),
    Column("source_id", String(64), nullable=False),
    Column("url", String(2048), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("detail", MediumText, nullable=False),
    Column("raw_ref", String(1024)),
    Column("run_id", String(255)),
    Index("ix_rejects_partition", "ds", "source_id"),
)

dq_results = Table(
    "dq_results",
    metadata,
    Column("ds", String(10), primary_key=True),
    Column("source_id", String(64), primary_key=True),
    Column("stage", String(16), primary_key=True),
    Column("expectation", String(255), primary_key=True),
    Column("success", Boolean, nullable=False),
    Column("element_count", Integer, nullable=False),
    Column("unexpected_count", Integer, nullable=False),
    Column("suite", String(128), nullable=False),
)

pipeline_runs = Table(
    "pipeline_runs",
    metadata,
    Column("ds", String(10), nullable=False),
    Column("source_id", String(64), nullable=False),
    Column("stage", String(16), nullable=False),
    Column("metric", String(64), nullable=False),
    Column("value", Float, nullable=False),
    UniqueConstraint("ds", "source_id", "stage", "metric", name="uq_pipeline_runs_metric"),
)
