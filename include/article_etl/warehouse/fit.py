"""Make each record fit the warehouse's columns before it is inserted.

One record's bad value must cost that record (a reject, or a repair recorded on it), never the
batch: a database refuses a whole multi-row INSERT for one value too long for its column, and
PostgreSQL refuses a NUL anywhere in it. The limits are read from the tables in
``article_etl.warehouse.schema``, so a column that grows needs no change here.

Articles, column by column:

* Every text value loses NUL and lone surrogates (``encoding.scrub_unstorable``). The clean stage
  already does this; here it is defence in depth for records that reach the loader another way.
  The article's ``repairs`` gains ``"<column>:unstorable_removed"`` (and a scrubbed body gets its
  ``char_count`` and ``content_hash`` recomputed, so they describe the text actually stored).
* Identity columns (``url``, ``canonical_url``, and the computed ids, hashes and ``ds``) longer
  than their column make the article a ``field_too_long`` reject (stage "load", evidence "none":
  an article loaded earlier for the URL stays). A cut URL would be another URL, so it is never cut.
* Metadata columns (``site_name``, ``author``, ``lang``, ``detected_encoding``,
  ``encoding_method``, ``repairs``) are cut to the column's length, and ``repairs`` gains
  ``"<column>:truncated"``: a site name cut at 255 characters still names the site. When the
  repairs themselves do not fit, the entries that do are kept and ``"repairs:truncated"`` ends them.
* ``title`` and ``body`` are unbounded text (LONGTEXT on MySQL/MariaDB) and are never cut.

Rejects have no repairs to record a cut in, so their ``url`` and ``raw_ref`` are cut with a
visible marker (``"…[+N chars]"``); ``reason``, ``stage`` and ``run_id`` (codes and ids, short by
construction) are cut plainly; a removed unstorable character is noted in ``detail``, itself kept
under ``DETAIL_MAX_CHARS`` so it fits even a MySQL ``TEXT`` column of a table created before
``detail`` became MEDIUMTEXT.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import String, Table

from article_etl.codes import EVIDENCE_NONE, FIELD_TOO_LONG
from article_etl.encoding import scrub_unstorable
from article_etl.identity import content_hash
from article_etl.records import Article, Reject
from article_etl.warehouse.schema import articles, rejects

# Cut to fit, recording the cut in ``repairs``; every other bounded text column rejects instead.
TRUNCATABLE = frozenset(
    {
        "site_name",
        "author",
        "lang",
        "detected_encoding",
        "encoding_method",
        "repairs",
        "published_source",
        "title_source",
    }
)
# The article's text columns: every String/Text column but ``repairs``, which is a list on the record.
ARTICLE_TEXT_COLUMNS = tuple(
    c.name for c in articles.columns if isinstance(c.type, String) and c.name != "repairs"
)
# Each text column's length (None: unbounded), read once from the table: looked up per value.
_ARTICLE_LIMITS = {name: getattr(articles.c[name].type, "length", None) for name in ARTICLE_TEXT_COLUMNS}
# 16,000 characters of at most 4 bytes each fit MySQL's TEXT (65,535 bytes).
DETAIL_MAX_CHARS = 16_000
_MARKED = frozenset({"url", "raw_ref"})
_PLAIN = ("stage", "reason", "run_id", "evidence", "check_name")


def column_limit(table: Table, name: str) -> int | None:
    """The column's length in characters, or None for unbounded text."""
    return getattr(table.c[name].type, "length", None)


def clip(value: str, limit: int) -> str:
    """``value`` cut to ``limit`` characters, ending in a marker that says how much was cut."""
    if len(value) <= limit:
        return value
    keep = limit
    while True:
        marker = f"…[+{len(value) - keep} chars]"
        if keep + len(marker) <= limit or keep <= 0:
            break
        keep = limit - len(marker)
    if keep <= 0:  # a limit too small for any marker: cut plainly
        return value[:limit]
    return value[:keep] + marker


def fit_article(art: Article, run_id: str | None) -> Article | Reject:
    """``art`` as the warehouse can store it, or the ``field_too_long`` reject that says why not."""
    changes: dict[str, Any] = {}
    repairs: list[str] = []
    too_long: list[str] = []
    for name in ARTICLE_TEXT_COLUMNS:
        value = getattr(art, name)
        if not isinstance(value, str):
            continue
        value, removed = scrub_unstorable(value)
        if removed:
            repairs.append(f"{name}:unstorable_removed")
            if name == "body":
                changes["char_count"] = max(art.char_count - removed, 0)
                changes["content_hash"] = content_hash(value)
        limit = _ARTICLE_LIMITS[name]
        if limit is not None and len(value) > limit:
            if name not in TRUNCATABLE:
                too_long.append(f"{name} is {len(value)} characters long; its warehouse column holds {limit}")
                continue
            value = value[:limit]
            repairs.append(f"{name}:truncated")
        if value != getattr(art, name):
            changes[name] = value
    if too_long:
        return Reject.of_article(
            art,
            ds=art.ds,
            stage="load",
            reason=FIELD_TOO_LONG,
            detail="; ".join(too_long),
            run_id=run_id,
            evidence=EVIDENCE_NONE,
        )
    scrubbed = [scrub_unstorable(r)[0] for r in art.repairs]
    fitted = _fit_repairs([*scrubbed, *(r for r in repairs if r not in scrubbed)])
    if fitted != art.repairs:
        changes["repairs"] = fitted
    return dataclasses.replace(art, **changes) if changes else art


def _fit_repairs(entries: list[str]) -> list[str]:
    """The repairs list whose comma-joined form fits the ``repairs`` column."""
    limit = column_limit(articles, "repairs")
    if limit is None or len(",".join(entries)) <= limit:
        return entries
    tail = "repairs:truncated"
    kept: list[str] = []
    for entry in entries:
        if len(",".join([*kept, entry, tail])) > limit:
            break
        kept.append(entry)
    return [*kept, tail]


def fit_batch(batch: list[Article], run_id: str | None) -> tuple[list[Article], list[Reject]]:
    """The storable articles of ``batch`` (fitted), and a reject for each one that is not."""
    fitted: list[Article] = []
    unfit: list[Reject] = []
    for art in batch:
        result = fit_article(art, run_id)
        if isinstance(result, Reject):
            unfit.append(result)
        else:
            fitted.append(result)
    return fitted, unfit


def stored_url(url: str) -> str:
    """A URL as it would be stored in ``articles.url``: for matching rejects to loaded rows."""
    return scrub_unstorable(url)[0]


def reject_row(rej: Reject, *, ds: str, source_id: str, run_id: str | None) -> dict[str, Any]:
    """The ``rejects`` row for ``rej``, in the partition being loaded, fitted to the columns.

    ``ds`` and ``source_id`` are the partition's, whatever the record says: the load replaces the
    partition's rejects whole, and a row filed under another partition would never be replaced,
    so a re-run would add it again.
    """
    row: dict[str, Any] = {
        "ds": ds,
        "stage": rej.stage,
        "source_id": source_id,
        "url": rej.url,
        "reason": rej.reason,
        "detail": rej.detail,
        "raw_ref": rej.raw_ref,
        "run_id": rej.run_id or run_id,
        "evidence": rej.evidence,
        # The check or expectation that fired: records that carry it (the GX work) say so;
        # the stages' own checks are named by their reason code.
        "check_name": getattr(rej, "check_name", None) or rej.reason,
        "resolved_at": getattr(rej, "resolved_at", None),
    }
    notes: list[str] = []
    for name in ("url", "raw_ref", "detail", *_PLAIN):
        value = row[name]
        if not isinstance(value, str):
            continue
        value, removed = scrub_unstorable(value)
        if removed:
            notes.append(f"{removed} unstorable character(s) (NUL, lone surrogates) removed from {name}")
        limit = DETAIL_MAX_CHARS if name == "detail" else column_limit(rejects, name)
        if limit is not None and len(value) > limit:
            value = clip(value, limit) if name in _MARKED or name == "detail" else value[:limit]
        row[name] = value
    if notes:
        row["detail"] = clip(f"{row['detail']}; {'; '.join(notes)}", DETAIL_MAX_CHARS)
    return row
