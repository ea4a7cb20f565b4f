"""Which listed URLs the warehouse already holds under another day: what discover need not fetch.

Feeds and dateless listings list yesterday's stories today; fetching them again costs the site a
request and ends in an ``out_of_window`` reject or an unchanged row. Only rows of *other* days
count (``articles.ds != ds``): a re-run or backfill of a day refetches that day's own URLs, so it
gives the same warehouse and updates land.

A URL matches a stored article by its ``article_id`` (the sha1 of the listed URL's canonical
form, as clean computes it when the page names no other canonical URL) or, for the same source,
by ``articles.url`` (the URL as listed, which is what a redirected page or one with its own
``rel=canonical`` is stored under). Both are index look-ups (``ix_articles_url``, migration 0003),
so the cost follows the day's URLs, not the warehouse's age (bench/already_loaded.py). The URL
statement names no ``source_id``: an index on it would tempt a planner without statistics
(SQLite's) to walk the source's rows instead; rows of other sources are dropped here. A
warehouse that does not exist yet (a first run: no SQLite file, or no ``articles`` table) holds
nothing, and reading it creates nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url

from article_etl.identity import article_id, canonical_url
from article_etl.warehouse.dialects import dialect_for
from article_etl.warehouse.engine import get_engine
from article_etl.warehouse.fit import stored_url
from article_etl.warehouse.schema import articles


@dataclass(frozen=True)
class LoadedArticle:
    """The stored article a listed URL matched: its id and the day (``ds``) it is filed under."""

    article_id: str
    ds: str


def loaded_elsewhere(
    warehouse: str, source_id: str, ds: str, urls: Iterable[str]
) -> dict[str, LoadedArticle]:
    """The ``urls`` (as listed) whose article the warehouse holds under a day other than ``ds``,
    mapped to that article. Reads only; an absent warehouse gives an empty mapping."""
    listed = sorted(set(urls))
    if not listed or not _exists(warehouse):
        return {}
    engine = get_engine(warehouse)
    ids = {article_id(canonical_url(url)): url for url in listed}
    stored = {stored_url(url): url for url in listed}
    found: dict[str, LoadedArticle] = {}
    with engine.connect() as conn:
        if not inspect(conn).has_table(articles.name):
            return {}
        dialect = dialect_for(conn.dialect.name)
        cols = (articles.c.article_id, articles.c.ds)
        for member in dialect.in_clauses(articles.c.article_id, sorted(ids)):
            for row in conn.execute(select(*cols).where(member, articles.c.ds != ds)):
                found.setdefault(ids[row.article_id], LoadedArticle(row.article_id, row.ds))
        left = {key: url for key, url in stored.items() if url not in found}
        by_url = (articles.c.article_id, articles.c.ds, articles.c.url, articles.c.source_id)
        for member in dialect.in_clauses(articles.c.url, sorted(left)):
            for hit in conn.execute(select(*by_url).where(member, articles.c.ds != ds)):
                # Exact: a case-insensitive collation (MariaDB's) also returns case variants.
                if hit.source_id == source_id and hit.url in left:
                    found.setdefault(left[hit.url], LoadedArticle(hit.article_id, hit.ds))
    return found


def _exists(warehouse: str) -> bool:
    """False for a SQLite warehouse whose file is not there yet (connecting would create it)."""
    url = make_url(warehouse)
    if url.get_backend_name() != "sqlite":
        return True
    database = url.database
    if not database:
        return False
    return database == ":memory:" or Path(database).exists()
