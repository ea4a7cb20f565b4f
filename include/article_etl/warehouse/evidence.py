"""Which loaded articles a day's rejects take out of the warehouse, and what each reject says.

Only positive evidence removes an article (``codes.REMOVING_EVIDENCE``: the page is gone, or its
fresh content failed a check); an outage or our own failure keeps what an earlier run loaded, so
a bad day never destroys a good one. Every reject for a URL with a loaded article says which
happened to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy import Connection, delete, select

from article_etl.codes import REMOVING_EVIDENCE
from article_etl.records import Reject
from article_etl.warehouse.dialects import dialect_for
from article_etl.warehouse.fit import stored_url
from article_etl.warehouse.schema import articles, rejects

REMOVED = "; the article loaded earlier for this URL (article {id}) was removed"
KEPT = "; the article loaded earlier for this URL (article {id}) is kept (evidence {evidence!r} does not remove it)"
# The same words read back from a stored detail (so the note and its parser cannot drift apart).
_REMOVED_RE = re.compile(re.escape(REMOVED).replace(re.escape("{id}"), r"(\w+)"))


def remove_rejected(
    conn: Connection, source_id: str, ds: str, found: list[Reject], keep_ids: set[str]
) -> list[Reject]:
    """Take out this day's loaded articles that a reject gives positive evidence against, and
    return the rejects with a note saying what became of the article loaded for their URL
    (``Removals`` in one call, for a list of rejects held in memory)."""
    removals = Removals.plan(conn, source_id, ds, found, keep_ids)
    return [removals.note(rej) for rej in found]


class Removals:
    """The removals one load makes, decided from its rejects' URLs alone (``plan``), then told in
    each reject's detail (``note``), so the rejects themselves can stream past twice.

    A re-run may reject a page this day loaded before: only a reject whose evidence is in
    ``REMOVING_EVIDENCE`` takes its row out (a timeout says nothing about the article). A page the
    re-run does not mention at all (the feed has since dropped it) keeps its row: nothing leaves
    the warehouse without a reject saying why. An article this load keeps is never removed, even
    if another record with its URL was rejected.

    A removal is remembered across re-runs: the reject of the run that removed the row says so,
    and a re-run (which finds no row left to remove) carries that note over from the partition's
    previous rejects, so re-running a day leaves the same rejects table. ``plan`` reads those
    notes, so it runs before the partition's rejects are replaced.
    """

    def __init__(self, loaded: dict[str, list[str]], removed_before: dict[str, list[str]]) -> None:
        self.loaded = loaded
        self.removed_before = removed_before

    @classmethod
    def plan(
        cls, conn: Connection, source_id: str, ds: str, found: Iterable[Reject], keep_ids: set[str]
    ) -> Removals:
        """Remove the rows positive evidence takes out; remember what to tell each reject."""
        urls: set[str] = set()
        removing: set[str] = set()
        for rej in found:
            url = stored_url(rej.url)
            urls.add(url)
            if rej.evidence in REMOVING_EVIDENCE:
                removing.add(url)
        if not urls:
            return cls({}, {})
        partition = (articles.c.source_id == source_id) & (articles.c.ds == ds)
        loaded: dict[str, list[str]] = {}
        for member in dialect_for(conn.dialect.name).in_clauses(articles.c.url, sorted(urls)):
            for row in conn.execute(select(articles.c.url, articles.c.article_id).where(partition, member)):
                if row.article_id not in keep_ids:
                    loaded.setdefault(row.url, []).append(row.article_id)
        gone = sorted({aid for url in removing for aid in loaded.get(url, [])})
        for member in dialect_for(conn.dialect.name).in_clauses(articles.c.article_id, gone):
            conn.execute(delete(articles).where(member))
        return cls(loaded, _removals_recorded(conn, source_id, ds, removing - set(loaded)))

    def note(self, rej: Reject) -> Reject:
        """``rej`` with a note on what became of the article loaded earlier for its URL, if any."""
        url = stored_url(rej.url)
        ids = self.loaded.get(url, [])
        if rej.evidence in REMOVING_EVIDENCE:
            notes = [REMOVED.format(id=aid) for aid in ids] or self.removed_before.get(url, [])
        else:
            notes = [KEPT.format(id=aid, evidence=rej.evidence) for aid in ids]
        return replace(rej, detail=rej.detail + "".join(notes)) if notes else rej


def _removals_recorded(conn: Connection, source_id: str, ds: str, urls: set[str]) -> dict[str, list[str]]:
    """The removal notes the partition's current rejects hold for ``urls``, by URL."""
    if not urls:
        return {}
    out: dict[str, list[str]] = {}
    rows = (
        row
        for member in dialect_for(conn.dialect.name).in_clauses(rejects.c.url, sorted(urls))
        for row in conn.execute(
            select(rejects.c.url, rejects.c.detail).where(
                rejects.c.ds == ds, rejects.c.source_id == source_id, member
            )
        )
    )
    for row in rows:
        notes = [REMOVED.format(id=aid) for aid in _REMOVED_RE.findall(row.detail)]
        if notes and row.url not in out:
            out[row.url] = notes
    return out
