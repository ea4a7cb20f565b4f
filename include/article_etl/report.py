"""What a day did, per source, read from the warehouse: the table `make demo` prints."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select

from article_etl.codes import DESCRIPTIONS
from article_etl.warehouse.schema import articles, pipeline_runs, rejects

# pipeline_runs metrics of discover written by stages.load.discovery_metrics: route{index}_{kind}.
_ROUTE_METRIC = re.compile(r"route(\d+)_([a-z]+)")


@dataclass(frozen=True)
class RejectLine:
    source_id: str
    stage: str
    reason: str
    url: str
    detail: str


@dataclass
class SourceDay:
    source_id: str
    pages_fetched: int = 0
    articles_loaded: int = 0
    # The day's last load was a replay from the stored WARC (no request), not a fetch.
    replayed: bool = False
    rejects: dict[str, int] = field(default_factory=dict)
    rejected: list[RejectLine] = field(default_factory=list)
    # Whether discovery believed the day complete (None: not recorded) and the URLs each route
    # found: (index, kind, URLs).
    discovery_complete: bool | None = None
    routes: list[tuple[int, str, int]] = field(default_factory=list)
    # Listed URLs whose article another day had loaded, so not fetched again (no refresh asked).
    already_loaded: int = 0

    def discovery_line(self) -> str:
        """``rss[0]=0 sitemap[1]=7, day complete``: which routes found the day's URLs."""
        if self.discovery_complete is None:
            return ""
        found = " ".join(f"{kind}[{index}]={n}" for index, kind, n in sorted(self.routes))
        state = "day complete" if self.discovery_complete else "day NOT complete (see the discover log)"
        return f"{found}, {state}" if found else state


def day_report(engine: Engine, ds: str) -> list[SourceDay]:
    """Per source: pages fetched, articles loaded, rejects by reason, for one ``ds``."""
    out: dict[str, SourceDay] = {}
    with engine.connect() as conn:
        for row in conn.execute(
            select(pipeline_runs.c.source_id, pipeline_runs.c.metric, pipeline_runs.c.value).where(
                pipeline_runs.c.ds == ds,
                pipeline_runs.c.stage == "fetch",
                pipeline_runs.c.metric.in_(("pages", "replayed")),
            )
        ):
            day = out.setdefault(row.source_id, SourceDay(row.source_id))
            if row.metric == "pages":
                day.pages_fetched = int(row.value)
            else:
                day.replayed = bool(row.value)
        discover_rows = conn.execute(
            select(pipeline_runs.c.source_id, pipeline_runs.c.metric, pipeline_runs.c.value)
            .where(pipeline_runs.c.ds == ds, pipeline_runs.c.stage == "discover")
            .order_by(pipeline_runs.c.source_id, pipeline_runs.c.metric)
        )
        for metric in discover_rows:
            day = out.setdefault(metric.source_id, SourceDay(metric.source_id))
            if metric.metric == "complete":
                day.discovery_complete = bool(metric.value)
            elif metric.metric == "already_loaded":
                day.already_loaded = int(metric.value)
            elif (route := _ROUTE_METRIC.fullmatch(metric.metric)) is not None:
                day.routes.append((int(route.group(1)), route.group(2), int(metric.value)))
        for row in conn.execute(
            select(articles.c.source_id, func.count().label("n"))
            .where(articles.c.ds == ds)
            .group_by(articles.c.source_id)
        ):
            out.setdefault(row.source_id, SourceDay(row.source_id)).articles_loaded = int(row.n)
        for row in conn.execute(
            select(rejects.c.source_id, rejects.c.reason, func.count().label("n"))
            .where(rejects.c.ds == ds)
            .group_by(rejects.c.source_id, rejects.c.reason)
        ):
            out.setdefault(row.source_id, SourceDay(row.source_id)).rejects[row.reason] = int(row.n)
        for rej in conn.execute(
            select(rejects.c.source_id, rejects.c.stage, rejects.c.reason, rejects.c.url, rejects.c.detail)
            .where(rejects.c.ds == ds)
            .order_by(rejects.c.source_id, rejects.c.url)
        ):
            out[rej.source_id].rejected.append(
                RejectLine(rej.source_id, rej.stage, rej.reason, rej.url, rej.detail)
            )
    return [out[k] for k in sorted(out)]


def format_report(ds: str, rows: list[SourceDay]) -> str:
    """A plain-text table a person reads in a terminal."""
    lines = [f"Article ETL report for ds={ds}", ""]
    header = f"{'source':<14} {'fetched':>7} {'loaded':>6}  rejects by reason"
    lines += [header, "-" * len(header)]
    for r in rows:
        reasons = ", ".join(f"{k}={v}" for k, v in sorted(r.rejects.items())) or "-"
        lines.append(f"{r.source_id:<14} {r.pages_fetched:>7} {r.articles_loaded:>6}  {reasons}")
        if r.discovery_line():
            lines.append(f"{'':<14} discovery: {r.discovery_line()}")
        if r.already_loaded:
            lines.append(f"{'':<14} already loaded under other days, not fetched again: {r.already_loaded}")
    if not rows:
        lines.append("(nothing recorded for this day)")
    replayed = [r.source_id for r in rows if r.replayed]
    if replayed:
        lines += ["", f"Replayed from the stored WARC (no request sent): {', '.join(replayed)}"]
    quarantined = [r for row in rows for r in row.rejected]
    if quarantined:
        lines += ["", "Quarantined (table rejects):"]
        for rej in quarantined:
            detail = rej.detail if len(rej.detail) <= 150 else rej.detail[:147] + "..."
            lines.append(f"  [{rej.source_id}] {rej.reason} at {rej.stage}: {rej.url}")
            lines.append(f"      {detail}")
        lines += ["", "Reasons:"]
        for code in sorted({r.reason for r in quarantined}):
            lines.append(f"  {code}: {DESCRIPTIONS.get(code, '(unknown code)')}")
    return "\n".join(lines)
