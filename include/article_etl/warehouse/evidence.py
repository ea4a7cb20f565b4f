"""Which loaded articles a day's rejects take out of the warehouse, and what each reject says.

Only positive evidence removes an article (``codes.REMOVING_EVIDENCE``: the page is gone, or its
fresh content failed a check); an outage or our own failure keeps what an earlier run loaded, so
a bad day never destroys a good one. Every reject for a URL with a loaded article says which
happened to it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from sqlalchemy import Connection, delete, select

from article_etl.codes import REMOVING_EVIDENCE
from article_etl.records import Reject
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
    return the rejects with a note saying what became of the article loaded for their URL.

    A re-run may reject a page this day loaded before: only a reject whose evidence is in
    ``REMOVING_EVIDENCE`` takes its row out (a timeout says nothing about the article). A page the
    re-run does not mention at all (the feed has since dropped it) keeps its row: nothing leaves
    the warehouse without a reject saying why. An article this load keeps is never removed, even
    if another record with its URL was rejected.

    A removal is remembered across re-runs: the reject of the run that removed the row says so,
    and a re-run (which finds no row left to remove) carries that note over from the partition's
    previous rejects, so re-running a day leaves the same rejects table.
    """
    urls = {stored_url(r.url) for r in found}
    if not urls:
        return found
    partition = (articles.c.source_id == source_id) & (articles.c.ds == ds)
    loaded: dict[str, list[str]] = {}
    for row in conn.execute(
        select(articles.c.url, articles.c.article_id).where(partition, articles.c.url.in_(urls))
    ):
        if row.article_id not in keep_ids:
            loaded.setdefault(row.url, []).append(row.article_id)
    removing = {stored_url(r.url) for r in found if r.evidence in REMOVING_EVIDENCE}
    gone = sorted({aid for url in removing for aid in loaded.get(url, [])})
    if gone:
        conn.execute(delete(articles).where(articles.c.article_id.in_(gone)))
    removed_before = _removals_recorded(conn, source_id, ds, removing - set(loaded))
    out: list[Reject] = []
    for rej in found:
        url = stored_url(rej.url)
        ids = loaded.get(url, [])
        if rej.evidence in REMOVING_EVIDENCE:
            notes = [REMOVED.format(id=aid) for aid in ids] or removed_before.get(url, [])
        else:
            notes = [KEPT.format(id=aid, evidence=rej.evidence) for aid in ids]
        out.append(replace(rej, detail=rej.detail + "".join(notes)) if notes else rej)
    return out


def _removals_recorded(conn: Connection, source_id: str, ds: str, urls: set[str]) -> dict[str, list[str]]:
    """The removal notes the partition's current rejects hold for ``urls``, by URL."""
    if not urls:
        return {}
    out: dict[str, list[str]] = {}
    for row in conn.execute(
        select(rejects.c.url, rejects.c.detail).where(
            rejects.c.ds == ds, rejects.c.source_id == source_id, rejects.c.url.in_(urls)
        )
    ):
        notes = [REMOVED.format(id=aid) for aid in _REMOVED_RE.findall(row.detail)]
        if notes and row.url not in out:
            out[row.url] = notes
    return out
