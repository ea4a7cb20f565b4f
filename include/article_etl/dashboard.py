"""The figures of the article-quality page, read from the warehouse and nothing else.

The Airflow plugin (plugins/article_quality) renders these; its JSON endpoints return them as
they are. Kept here, free of Airflow and of HTML, so the figures are tested against a real
warehouse without a web server, and so `article-etl` or a notebook can read the same numbers.

The window is the last ``days`` days *that the warehouse holds* (ending at its newest ``ds``),
not the last days of the calendar: a backfilled history or the demo's fixed day still shows.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select

from article_etl.codes import DESCRIPTIONS
from article_etl.warehouse.schema import articles, dq_results, pipeline_runs, rejects

# Titles that came from the feed or listing, not from the page (a page without a title of its
# own): counted against the "own title" share of extraction health.
_BORROWED_TITLE_SOURCES = ("feed", "listing")


@dataclass
class SourceDayFigures:
    """One source on one day: volumes, rejects by reason, checks and extraction health."""

    ds: str
    source_id: str
    discovered: int = 0
    fetched: int = 0
    loaded: int = 0
    rejected: int = 0
    rejects_by_reason: dict[str, int] = field(default_factory=dict)
    # Per stage: [expectations passed, expectations evaluated] from dq_results.
    checks: dict[str, list[int]] = field(default_factory=dict)
    with_author: float | None = None
    with_date: float | None = None
    own_title: float | None = None
    median_body_chars: float | None = None
    # The runs that wrote this day's rejects and check results (a re-run replaces them).
    runs: list[str] = field(default_factory=list)


@dataclass
class Freshness:
    """When a source last published an article we hold, and the last day that loaded any."""

    source_id: str
    last_published: str | None
    last_loaded_ds: str | None


@dataclass
class Overview:
    days: list[str]
    sources: list[str]
    rows: list[SourceDayFigures]
    freshness: list[Freshness]
    reasons: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def window(engine: Engine, days: int, end: str | None = None) -> list[str]:
    """The ``days`` calendar days ending at ``end`` (default: the newest ds the warehouse holds)."""
    if end is None:
        with engine.connect() as conn:
            newest = [
                conn.execute(select(func.max(t.c.ds))).scalar() for t in (articles, rejects, pipeline_runs)
            ]
        end = max((d for d in newest if d), default=None)
    if end is None:
        return []
    last = date.fromisoformat(end)
    return [(last - timedelta(days=n)).isoformat() for n in range(days - 1, -1, -1)]


def overview(engine: Engine, days: int = 30, end: str | None = None) -> Overview:
    """Every figure of the page for the window, per day and source."""
    span = window(engine, days, end)
    rows: dict[tuple[str, str], SourceDayFigures] = {}
    if span:
        first, last = span[0], span[-1]

        def row(ds: str, source_id: str) -> SourceDayFigures:
            return rows.setdefault((ds, source_id), SourceDayFigures(ds, source_id))

        with engine.connect() as conn:
            for m in conn.execute(
                select(pipeline_runs).where(pipeline_runs.c.ds.between(first, last))
            ).mappings():
                fig = row(m["ds"], m["source_id"])
                if (m["stage"], m["metric"]) == ("discover", "urls"):
                    fig.discovered = int(m["value"])
                elif (m["stage"], m["metric"]) == ("fetch", "pages"):
                    fig.fetched = int(m["value"])
            for r in conn.execute(
                select(rejects.c.ds, rejects.c.source_id, rejects.c.reason, rejects.c.run_id, func.count())
                .where(rejects.c.ds.between(first, last))
                .group_by(rejects.c.ds, rejects.c.source_id, rejects.c.reason, rejects.c.run_id)
            ):
                fig = row(r[0], r[1])
                fig.rejects_by_reason[r[2]] = fig.rejects_by_reason.get(r[2], 0) + int(r[4])
                fig.rejected += int(r[4])
                if r[3] and r[3] not in fig.runs:
                    fig.runs.append(r[3])
            for r in conn.execute(
                select(
                    dq_results.c.ds, dq_results.c.source_id, dq_results.c.stage, dq_results.c.success
                ).where(dq_results.c.ds.between(first, last))
            ):
                passed_total = row(r[0], r[1]).checks.setdefault(r[2], [0, 0])
                passed_total[0] += int(bool(r[3]))
                passed_total[1] += 1
            _health(conn, first, last, row)
    ordered = sorted(rows.values(), key=lambda f: (f.ds, f.source_id))
    return Overview(
        days=span,
        sources=sorted({f.source_id for f in ordered}),
        rows=ordered,
        freshness=freshness(engine),
        reasons=dict(DESCRIPTIONS),
    )


def _health(conn: Any, first: str, last: str, row: Any) -> None:
    """Extraction health: the share of loaded articles with an author, a date and a title of their
    own, and the median body length. A layout change shows here first: the shares drop."""
    title_source = articles.c.get("title_source")
    columns = [articles.c.ds, articles.c.source_id, articles.c.author, articles.c.published_at]
    columns += [articles.c.char_count] + ([title_source] if title_source is not None else [])
    samples: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for r in conn.execute(select(*columns).where(articles.c.ds.between(first, last))):
        samples.setdefault((r[0], r[1]), []).append(tuple(r))
    for key, found in samples.items():
        fig = row(*key)
        n = len(found)
        fig.loaded = n
        fig.with_author = round(sum(1 for r in found if r[2]) / n, 3)
        fig.with_date = round(sum(1 for r in found if r[3] is not None) / n, 3)
        if title_source is not None:
            fig.own_title = round(sum(1 for r in found if r[5] not in _BORROWED_TITLE_SOURCES) / n, 3)
        fig.median_body_chars = float(statistics.median(r[4] for r in found))


def freshness(engine: Engine) -> list[Freshness]:
    """Per source: the newest publication time held and the newest day that loaded articles."""
    with engine.connect() as conn:
        found = conn.execute(
            select(articles.c.source_id, func.max(articles.c.published_at), func.max(articles.c.ds)).group_by(
                articles.c.source_id
            )
        ).all()
    return [
        Freshness(source_id, _iso(published), ds)
        for source_id, published, ds in sorted(found, key=lambda r: r[0])
    ]


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, datetime) else str(value)


@dataclass
class QuarantinedRecord:
    ds: str
    source_id: str
    stage: str
    reason: str
    url: str
    detail: str
    raw_ref: str | None
    run_id: str | None


def quarantine(
    engine: Engine,
    ds: str | None = None,
    source_id: str | None = None,
    reason: str | None = None,
    limit: int = 500,
) -> list[QuarantinedRecord]:
    """The rejected records behind a figure, newest day first (at most ``limit``)."""
    query = select(
        rejects.c.ds,
        rejects.c.source_id,
        rejects.c.stage,
        rejects.c.reason,
        rejects.c.url,
        rejects.c.detail,
        rejects.c.raw_ref,
        rejects.c.run_id,
    )
    if ds:
        query = query.where(rejects.c.ds == ds)
    if source_id:
        query = query.where(rejects.c.source_id == source_id)
    if reason:
        query = query.where(rejects.c.reason == reason)
    query = query.order_by(rejects.c.ds.desc(), rejects.c.source_id, rejects.c.url).limit(limit)
    with engine.connect() as conn:
        return [QuarantinedRecord(*r) for r in conn.execute(query)]
