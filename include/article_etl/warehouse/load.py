"""Load one day of one source into the warehouse, idempotently, in one transaction.

Articles are upserted on ``article_id`` (a hash of the canonical URL), so a re-run or backfill
of a day rewrites the same rows. The partition's rejects, quality results and counts are
replaced whole, for the same reason, and all of it commits at once: a load killed half-way
leaves the warehouse as the previous load left it, and the next attempt loads the day exactly
once. Before committing, the loaded text is read back and compared with what was written: a
database or connection in the wrong charset (MySQL ``utf8`` instead of ``utf8mb4``, a LATIN1
PostgreSQL database) shows up as ``roundtrip_mismatch`` instead of as silently damaged articles.

A bad day never destroys a good one:

* An article a re-run does not load leaves the warehouse only on positive evidence: a reject for
  its URL whose ``evidence`` is in ``codes.REMOVING_EVIDENCE`` (the page is gone, or its fresh
  content failed a check). An outage or our own failure (evidence "transient" or "none") keeps
  it. Either way the reject says what became of the article loaded earlier (``warehouse.evidence``).
* One record's bad value costs that record only: ``warehouse.fit`` cuts or rejects values the
  columns cannot hold before the INSERT, and a row the database still refuses for its data
  becomes a ``warehouse_refused`` reject while the rest of the batch loads (``warehouse.write``). Lock waits, timeouts
  and lost connections (``OperationalError``) are not the data's fault: they fail the load, which
  changes nothing, and the task retries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine, Table, delete, select, update

from article_etl.codes import DUPLICATE, EVIDENCE_CONTENT, EVIDENCE_NONE, ROUNDTRIP_MISMATCH
from article_etl.config import Source
from article_etl.identity import SimHashIndex
from article_etl.phases import Phases
from article_etl.records import Article, Reject
from article_etl.warehouse.dialects import dialect_for
from article_etl.warehouse.evidence import Removals
from article_etl.warehouse.fit import fit_batch, reject_row
from article_etl.warehouse.schema import (
    article_revisions,
    articles,
    dq_results,
    pipeline_runs,
    rejects,
    sources,
)
from article_etl.warehouse.write import article_row, upsert, upsert_isolated, write_articles

T = TypeVar("T")

NEAR_DUPLICATE_DAYS = timedelta(days=3)
# Stored timestamps keep their source's offset on some dialects, so a range filter in SQL is off
# by up to a day; the SQL filter is widened by this margin and the exact window applied in Python.
_OFFSET_MARGIN = timedelta(days=1)
_TEXT_COLUMNS = ("title", "body", "author", "site_name")
# The phases ``load_partition`` times (``phases``), in the order they run. "read", "fit" and
# "upsert" are the upsert path proper: the work a raw COPY of the same rows also does (read the
# published articles, make rows, write them); the others are checks and bookkeeping around it.
LOAD_PHASES = (
    "connect",
    "lock",
    "seen_elsewhere",
    "near_index",
    "probe",
    "read",
    "fit",
    "duplicates",
    "revisions",
    "upsert",
    "read_back",
    "rejects",
    "dq_results",
    "counts",
    "commit",
)
UPSERT_PATH = ("read", "fit", "upsert")


@dataclass(frozen=True)
class LoadResult:
    """What one load did, for XCom and the report."""

    loaded: int
    rejected: int


def load_partition(
    engine: Engine,
    *,
    source: Source,
    ds: str,
    batch: Iterable[Article],
    partition_rejects: Iterable[Reject],
    dq_rows: Sequence[dict[str, Any]],
    counts: dict[str, dict[str, float]],
    run_id: str | None,
    near_duplicate_max_distance: int = -1,
    chunk_rows: int | None = None,
    seen_elsewhere: Sequence[str] = (),
    phases: Phases | None = None,
) -> LoadResult:
    """Upsert ``batch`` and replace the partition's rejects, dq results and counts.

    The articles go through ``chunk_rows`` at a time (fitted, checked for duplicates, written and
    read back per chunk), all in the one transaction, so memory is flat in the day's size while a
    load killed half-way still changes nothing. ``partition_rejects`` is read twice (a list, or
    anything that reads its records again on each iteration, such as a published file); so is
    ``batch`` when near-duplicates are looked for (the first pass finds its date range). Only the
    ids of the articles kept and the load's own rejects stay in memory for the whole day.
    ``chunk_rows`` defaults to the dialect's ``load_chunk_rows``.

    ``seen_elsewhere``: ids of articles other days loaded that this day listed again (discover
    did not fetch them): their ``last_seen`` moves to ``ds``, as for a page fetched again.

    ``phases``: the load's time is added to it phase by phase (:data:`LOAD_PHASES`), also when
    the load fails part-way.

    Returns how many articles this load stored and how many rejects the partition now has.
    """
    phases = Phases() if phases is None else phases
    dialect = dialect_for(engine.dialect.name)
    chunk_rows = chunk_rows or dialect.capabilities.load_chunk_rows
    batch = _reiterable(batch)
    partition_rejects = _reiterable(partition_rejects)
    with phases.phase("connect"):
        conn = engine.connect()
    with conn:
        try:
            with _transaction(conn, phases):
                with phases.phase("lock"):
                    # One load at a time per warehouse: two sources loading the same wire story
                    # at once would each miss the other's uncommitted copy.
                    dialect.acquire_load_lock(conn)
                    upsert(
                        conn,
                        sources,
                        [
                            {
                                "source_id": source.id,
                                "name": source.name,
                                "lang": source.lang,
                                "timezone": source.timezone,
                            }
                        ],
                        ["source_id"],
                    )
                with phases.phase("seen_elsewhere"):
                    _mark_seen(conn, sorted(set(seen_elsewhere)), ds)
                with phases.phase("near_index"):
                    near = _near_index(conn, source.id, batch, ds, near_duplicate_max_distance)
                # A first load of the day: no kept article can be stored yet (ids stored for
                # other days or sources become duplicate rejects below), so the write need not
                # look for them, unless an earlier chunk of this load wrote the same id.
                with phases.phase("probe"):
                    first_load = not partition_has_articles(conn, source.id, ds)
                keep_ids: set[str] = set()
                # The load's own rejects: unfit and duplicate ones (told what became of a row
                # loaded earlier for their URL, as the stages' rejects are), refused and damaged ones.
                own: list[Reject] = []
                refused_all: list[Reject] = []
                stored_count = 0
                for chunk in phases.timed("read", _chunks(batch, chunk_rows)):
                    with phases.phase("fit"):
                        fitted, unfit = fit_batch(chunk, run_id)
                    with phases.phase("duplicates"):
                        keep, dup_rejects = _split_warehouse_duplicates(conn, fitted, ds, run_id, near)
                    ids = {a.article_id for a in keep}
                    absent = first_load and len(ids) == len(keep) and keep_ids.isdisjoint(ids)
                    keep_ids |= ids
                    stored, refused = _write_articles(
                        conn, keep, ds, run_id, source.timezone or "UTC", absent=absent, phases=phases
                    )
                    stored_count += len(stored)
                    own += [*unfit, *dup_rejects]
                    refused_all += refused
                found = _Both(partition_rejects, own)
                partition = (ds, source.id)
                rejected = 0
                with phases.phase("rejects"):
                    removals = Removals.plan(conn, source.id, ds, found, keep_ids)
                    _replace(conn, rejects, partition, [])
                    for told in _chunks(found, chunk_rows):
                        rejected += len(told)
                        rows = [
                            reject_row(removals.note(r), ds=ds, source_id=source.id, run_id=run_id)
                            for r in told
                        ]
                        conn.execute(rejects.insert(), rows)
                    if refused_all:
                        rejected += len(refused_all)
                        conn.execute(
                            rejects.insert(),
                            [reject_row(r, ds=ds, source_id=source.id, run_id=run_id) for r in refused_all],
                        )
                load_counts = {"loaded": stored_count, "rejected": len(own) + len(refused_all)}
                counts = {**counts, "load": {**counts.get("load", {}), **load_counts}}
                with phases.phase("dq_results"):
                    _replace(conn, dq_results, partition, [{"run_id": run_id, **row} for row in dq_rows])
                with phases.phase("counts"):
                    _replace(
                        conn,
                        pipeline_runs,
                        partition,
                        [
                            {
                                "ds": ds,
                                "source_id": source.id,
                                "stage": stage,
                                "metric": metric,
                                "value": float(value),
                            }
                            for stage, metrics in counts.items()
                            for metric, value in metrics.items()
                        ],
                    )
        finally:
            dialect.release_load_lock(conn)
    return LoadResult(loaded=stored_count, rejected=rejected)


@contextmanager
def _transaction(conn: Connection, phases: Phases) -> Iterator[None]:
    """``conn.begin()``'s block (rolled back if it raises), its commit timed as the phase "commit"."""
    transaction = conn.begin()
    try:
        yield
    except BaseException:
        transaction.rollback()
        raise
    with phases.phase("commit"):
        transaction.commit()


class _Both(Generic[T]):
    """Two re-iterable sequences of records read one after the other, again on each iteration."""

    def __init__(self, first: Iterable[T], second: Iterable[T]) -> None:
        self.first, self.second = first, second

    def __iter__(self) -> Iterator[T]:
        yield from self.first
        yield from self.second


def _reiterable(items: Iterable[T]) -> Iterable[T]:
    """``items`` itself when it can be read again; a one-shot iterator is read into a list."""
    return list(items) if iter(items) is items else items


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _near_index(
    conn: Connection, source_id: str, batch: Iterable[Article], ds: str, near_max: int
) -> SimHashIndex[Any] | None:
    """The warehouse's articles of other partitions published within a few days of the batch's
    dates, indexed by SimHash (None when near-duplicates are off or nothing is dated)."""
    if near_max < 0:
        return None
    low = high = None
    for art in batch:
        if art.published_at is not None:
            low = art.published_at if low is None else min(low, art.published_at)
            high = art.published_at if high is None else max(high, art.published_at)
    if low is None or high is None:
        return None
    low, high = low - NEAR_DUPLICATE_DAYS, high + NEAR_DUPLICATE_DAYS
    others = ~((articles.c.source_id == source_id) & (articles.c.ds == ds))
    index: SimHashIndex[Any] = SimHashIndex(near_max)
    for row in conn.execute(
        select(articles.c.article_id, articles.c.url, articles.c.simhash, articles.c.published_at).where(
            others,
            articles.c.simhash != "",
            articles.c.published_at >= low - _OFFSET_MARGIN,
            articles.c.published_at <= high + _OFFSET_MARGIN,
        )
    ):
        if low <= row.published_at <= high:
            index.add(row.simhash, row)
    return index


def _replace(conn: Connection, table: Table, partition: tuple[str, str], rows: list[dict[str, Any]]) -> None:
    """Replace the partition's rows of a table whose rows belong to one (ds, source_id)."""
    ds, source_id = partition
    conn.execute(delete(table).where(table.c.ds == ds, table.c.source_id == source_id))
    if rows:
        conn.execute(table.insert(), rows)


def partition_has_articles(conn: Connection, source_id: str, ds: str) -> bool:
    """Whether the warehouse holds any article of this source and day (one indexed probe)."""
    query = select(articles.c.article_id).where(articles.c.source_id == source_id, articles.c.ds == ds)
    return conn.execute(query.limit(1)).first() is not None


def _write_articles(
    conn: Connection,
    batch: list[Article],
    ds: str,
    run_id: str | None,
    timezone: str,
    *,
    absent: bool = False,
    phases: Phases | None = None,
) -> tuple[list[Article], list[Reject]]:
    """Upsert ``batch``; return the articles now stored, and a reject for each one that is not.

    The whole write is a savepoint: when the read-back finds damaged text, it is rolled back and
    redone without the damaged articles, so an article loaded earlier for the same id keeps its
    (undamaged) row instead of being overwritten and then deleted. A stored article whose text
    changed keeps its previous text in ``article_revisions``.
    """
    if not batch:
        return [], []
    phases = Phases() if phases is None else phases
    with phases.phase("revisions"):
        previous = _previous_texts(conn, batch)
    attempt = conn.begin_nested()
    try:
        with phases.phase("upsert"):
            stored, refused = upsert_isolated(conn, batch, ds, run_id, timezone, absent=absent)
        with phases.phase("read_back"):
            damaged = _roundtrip_mismatches(conn, stored, ds, run_id)
    except BaseException:
        attempt.rollback()
        raise
    with phases.phase("upsert"):
        if not damaged:
            attempt.commit()
        else:
            attempt.rollback()
            stored = [a for a in stored if a.article_id not in damaged]
            if stored:
                write_articles(conn, [article_row(a, timezone) for a in stored])
    with phases.phase("revisions"):
        _record_revisions(conn, stored, previous, ds, run_id)
    return stored, [*refused, *damaged.values()]


def _previous_texts(conn: Connection, batch: Sequence[Article]) -> dict[str, Any]:
    """The stored title, body and hash of the batch's articles whose text this load changes, by id
    (read before they are upserted). Bodies are read only for those: a re-run reads none."""
    incoming = {a.article_id: (a.content_hash, a.title) for a in batch}
    changed: list[str] = []
    for member in _members(conn, articles.c.article_id, list(incoming)):
        for stored in conn.execute(
            select(articles.c.article_id, articles.c.content_hash, articles.c.title).where(member)
        ):
            if (stored.content_hash, stored.title) != incoming[stored.article_id]:
                changed.append(stored.article_id)
    out: dict[str, Any] = {}
    for member in _members(conn, articles.c.article_id, changed):
        for row in conn.execute(
            select(
                articles.c.article_id,
                articles.c.title,
                articles.c.body,
                articles.c.content_hash,
                articles.c.first_seen,
            ).where(member)
        ):
            out[row.article_id] = row
    return out


def _record_revisions(
    conn: Connection, stored: Sequence[Article], previous: dict[str, Any], ds: str, run_id: str | None
) -> None:
    """Keep the text an upsert replaced: a page whose text changed is a new revision, and the old
    one stays readable. Unchanged text (a re-run) records nothing."""
    now = datetime.now(UTC)
    rows = [
        {
            "article_id": art.article_id,
            "title": old.title,
            "body": old.body,
            "content_hash": old.content_hash,
            "first_seen": old.first_seen,
            "replaced_ds": ds,
            "replaced_run_id": run_id,
            "replaced_at": now,
        }
        for art in stored
        if (old := previous.get(art.article_id)) is not None
        and (old.content_hash != art.content_hash or old.title != art.title)
    ]
    if rows:
        conn.execute(article_revisions.insert(), rows)


def _split_warehouse_duplicates(
    conn: Connection, batch: Sequence[Article], ds: str, run_id: str | None, near: SimHashIndex[Any] | None
) -> tuple[list[Article], list[Reject]]:
    """Articles the warehouse already holds under another article_id become duplicate rejects:
    the same text (content hash), or nearly the same text published within a few days (SimHash,
    found in ``near``, the index ``_near_index`` built for the day; None: off). This day's own rows of this source are
    not compared with, since this load replaces them."""
    if not batch:
        return [], []
    source_id = batch[0].source_id
    others = ~((articles.c.source_id == source_id) & (articles.c.ds == ds))
    exact = {
        row.content_hash: row
        for member in _members(conn, articles.c.content_hash, sorted({a.content_hash for a in batch}))
        for row in conn.execute(
            select(articles.c.content_hash, articles.c.article_id, articles.c.url).where(others, member)
        )
    }
    # The same article (same canonical URL) already loaded for another day or source, e.g. an
    # undated feed entry seen again the next day: it stays where it was first loaded.
    elsewhere = {
        row.article_id: row
        for member in _members(conn, articles.c.article_id, sorted({a.article_id for a in batch}))
        for row in conn.execute(
            select(articles.c.article_id, articles.c.ds, articles.c.source_id).where(others, member)
        )
    }
    # Seen again: the page's row (loaded for its first day) records the latest day it was seen.
    _mark_seen(conn, sorted(elsewhere), ds)
    keep: list[Article] = []
    out: list[Reject] = []
    for art in batch:
        owner = exact.get(art.content_hash)
        detail = None
        if (first := elsewhere.get(art.article_id)) is not None:
            detail = f"already in the warehouse, loaded for ds={first.ds} from source {first.source_id}"
        elif owner is not None and owner.article_id != art.article_id:
            detail = f"same text as {owner.url} (article {owner.article_id}), already in the warehouse"
        elif art.simhash and near is not None:
            close = min(
                ((bits, row) for bits, row in near.within(art.simhash) if row.article_id != art.article_id),
                default=None,
                key=lambda pair: pair[0],
            )
            if close is not None:
                detail = (
                    f"near-duplicate of {close[1].url} (article {close[1].article_id}), already in the warehouse: "
                    f"SimHash {close[0]} of 64 bits apart (checks.near_duplicate_max_distance is {near.max_distance})"
                )
        if detail is None:
            keep.append(art)
        else:
            out.append(
                Reject.of_article(
                    art,
                    ds=ds,
                    stage="load",
                    reason=DUPLICATE,
                    detail=detail,
                    run_id=run_id,
                    evidence=EVIDENCE_CONTENT,
                )
            )
    return keep, out


def _mark_seen(conn: Connection, ids: list[str], ds: str) -> None:
    """Move the ``last_seen`` of the articles ``ids`` forward to ``ds`` (never back)."""
    if not ids:
        return
    seen = date.fromisoformat(ds)
    for member in _members(conn, articles.c.article_id, ids):
        conn.execute(
            update(articles)
            .where(member)
            .where((articles.c.last_seen < seen) | articles.c.last_seen.is_(None))
            .values(last_seen=seen)
        )


def _members(conn: Connection, column: Any, values: list[str]) -> list[Any]:
    """``column IN values`` as the dialect splits it (SQLite stops at 32,766 parameters;
    PostgreSQL takes one array): run one query per condition."""
    return dialect_for(conn.dialect.name).in_clauses(column, values)


def _roundtrip_mismatches(
    conn: Connection, batch: Sequence[Article], ds: str, run_id: str | None
) -> dict[str, Reject]:
    """Read the text columns back and compare; returns a reject per damaged article_id."""
    if not batch:
        return {}
    by_id = {a.article_id: a for a in batch}
    cols = [articles.c.article_id, *(articles.c[name] for name in _TEXT_COLUMNS)]
    out: dict[str, Reject] = {}
    rows = (
        row
        for member in _members(conn, articles.c.article_id, list(by_id))
        for row in conn.execute(select(*cols).where(member))
    )
    for row in rows:
        art = by_id[row.article_id]
        for name in _TEXT_COLUMNS:
            written, read = getattr(art, name), getattr(row, name)
            if written != read:
                where = next(
                    (i for i, (a, b) in enumerate(zip(written or "", read or "", strict=False)) if a != b),
                    min(len(written or ""), len(read or "")),
                )
                out[art.article_id] = Reject.of_article(
                    art,
                    ds=ds,
                    stage="load",
                    reason=ROUNDTRIP_MISMATCH,
                    detail=f"{name} read back differs from what was written at char {where} "
                    "(check the database and connection charset, e.g. utf8mb4 for MySQL)",
                    run_id=run_id,
                    evidence=EVIDENCE_NONE,
                )
                break
    return out
