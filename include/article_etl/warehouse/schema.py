"""The warehouse tables at the newest migration, as SQLAlchemy Core metadata shared by every dialect.

Alembic owns the schema (``warehouse/migrations``, applied by ``article-etl db upgrade`` or by the
DAG's first task): these tables describe what the head revision creates, for the loader's
statements and ``warehouse.fit``'s limits. Never ``create_all`` a warehouse with them; a test in
``tests/warehouse/test_migrations.py`` fails when this file and the migrations disagree.

Rows carry no wall-clock load timestamps: re-running a day must leave identical tables. What a
row says about time is derived from the data interval: ``first_seen`` / ``last_seen`` are the
``ds`` of the first and the latest run that saw the page, so a re-run of a day moves nothing.

Column lengths are the loader's limits too: ``warehouse.fit`` reads them from these tables to cut
or reject a value before it reaches the database, so change a length here (and in a migration).

On MySQL/MariaDB, ``TEXT`` holds 64 KB, less than a long article: ``articles.title`` and
``articles.body`` (and the revisions') are LONGTEXT there and ``rejects.detail`` MEDIUMTEXT.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
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

from article_etl.warehouse.timestamps import TzDateTime

metadata = MetaData()

# Article text: TEXT everywhere but MySQL/MariaDB, where TEXT stops at 64 KB (see the docstring).
LongText = Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")
MediumText = Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")

# The view "articles of day D in the source's time zone": see README "Warehouse".
LOCAL_DAY_VIEW = "articles_by_local_day"

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
    Column("published_at", TzDateTime(), nullable=False, index=True),
    Column("site_name", String(255)),
    Column("lang", String(16)),
    Column("detected_encoding", String(32), nullable=False),
    Column("encoding_method", String(32), nullable=False),
    Column("content_hash", String(64), nullable=False, index=True),
    Column("simhash", String(16), nullable=False, default="", comment="64-bit SimHash of the body, hex"),
    Column("char_count", Integer, nullable=False),
    Column("repairs", String(255), nullable=False, default=""),
    Column("ds", String(10), nullable=False, index=True),
    Column("published_date", Date, comment="the publication day in the source's time zone"),
    Column("published_source", String(16), comment="where published_at came from: page, jsonld, feed, ..."),
    Column("title_source", String(16), comment="where the title came from"),
    Column("decode_damage", Integer, nullable=False, default=0, server_default="0"),
    Column("first_seen", Date, comment="ds of the first run that stored the page"),
    Column("last_seen", Date, comment="ds of the latest run that saw the page"),
    Index("ix_articles_published_date", "published_date"),
    Index("ix_articles_source_published_date", "source_id", "published_date"),
    # Discover's already-loaded look-up (warehouse.known). Hash on PostgreSQL (a B-tree entry
    # stops at 2,704 bytes), a 255-character prefix on MariaDB (keys stop at 3,072 bytes):
    # migration 0003 and docs/decisions.md.
    Index("ix_articles_url", "url", postgresql_using="hash", mysql_length={"url": 255}),
)

article_revisions = Table(
    "article_revisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # No foreign key: a revision outlives its article when positive evidence removes the article.
    Column("article_id", String(40), nullable=False, index=True),
    Column("title", LongText, nullable=False),
    Column("body", LongText, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("first_seen", Date, comment="ds the replaced text was first stored for"),
    Column("replaced_ds", String(10), nullable=False, comment="ds of the load that replaced it"),
    Column("replaced_run_id", String(255)),
    Column("replaced_at", TzDateTime(), nullable=False),
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
    Column("evidence", String(16), comment="gone, content, transient or none (codes.EVIDENCE_*)"),
    Column("check_name", String(255), comment="the check or expectation that fired"),
    Column("resolved_at", TzDateTime(), comment="when a requeue loaded the record"),
    Index("ix_rejects_partition", "ds", "source_id"),
    Index("ix_rejects_reason", "reason", "ds"),
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
    Column("run_id", String(255)),
    Column("observed_value", Text),
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
