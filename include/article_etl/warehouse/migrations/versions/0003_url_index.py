"""An index on ``articles.url``: discover's already-loaded look-up (``warehouse.known``) matches
listed URLs there, and without one every daily run scanned the source's rows, a cost that grew
with the warehouse's age (BENCHMARKS.md "Discover's already-loaded look-up", issue #16).

One index, ``ix_articles_url``, shaped as each database can hold it (docs/decisions.md):

* SQLite: a plain B-tree (no key-size limit).
* PostgreSQL: a hash index. A B-tree entry may not exceed 2,704 bytes, and ``url`` holds 2,048
  characters, up to 8 KB of UTF-8: a long non-ASCII URL would fail its load. A hash index stores
  a 4-byte hash per row and serves ``url = ANY(array)`` (a bitmap index scan), all we ask of it.
  Built in the upgrade's transaction (not ``CONCURRENTLY``): it holds a SHARE lock on
  ``articles``, so reads go on and writes wait, as loads already do behind the upgrade's load
  lock. An operator who would rather not block writers builds it first with
  ``CREATE INDEX CONCURRENTLY ix_articles_url ON articles USING hash (url)``; the upgrade then
  keeps it (and rebuilds one a failed concurrent build left invalid).
* MariaDB/MySQL: a prefix index on the first ``URL_PREFIX`` characters. A utf8mb4 VARCHAR(2048)
  is 8 KB, over InnoDB's 3,072-byte key limit; the server compares the full value on the rows the
  prefix finds, so the match stays exact.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NAME = "ix_articles_url"
URL_PREFIX = 255  # characters; 1,020 bytes of utf8mb4


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        valid = conn.execute(
            text(
                "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = :name AND c.relnamespace = to_regnamespace(current_schema())::oid"
            ),
            {"name": NAME},
        ).scalar()
        if valid:  # built beforehand, CONCURRENTLY, by an operator
            return
        if valid is not None:  # a failed concurrent build's leftover
            op.execute(f"DROP INDEX {NAME}")
    op.create_index(NAME, "articles", ["url"], postgresql_using="hash", mysql_length={"url": URL_PREFIX})


def downgrade() -> None:
    op.drop_index(NAME, "articles")
