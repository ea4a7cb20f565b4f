"""The article-quality page as HTML: tables and inline SVG charts, no script and no CDN.

The page must work offline (a warehouse behind a firewall) and inside Airflow's iframe, so the
charts are drawn here as SVG from the same figures the JSON endpoints return. Every value that
comes from the warehouse is escaped: a URL or a reject detail is page text, never markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from urllib.parse import urlencode

from article_etl.dashboard import Overview, QuarantinedRecord, SourceDayFigures

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:16px;color:#1a202c}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #cbd5e0;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#edf2f7}td.n{text-align:right;font-variant-numeric:tabular-nums}
.bad{color:#c53030}.muted{color:#718096}.chart{display:inline-block;margin:4px 16px 12px 0}
a{color:#2b6cb0}
"""


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _link(text: str, **query: str) -> str:
    return f'<a href="quarantine?{escape(urlencode(query))}">{escape(text)}</a>'


def bar_chart(
    title: str, days: list[str], series: Mapping[str, Mapping[str, float]], colors: dict[str, str]
) -> str:
    """Stacked bars per day, one colour per series; a day without data is an empty slot."""
    width, height, pad = 360, 120, 18
    slot = (width - 2 * pad) / max(len(days), 1)
    top: float = max((sum(s.get(d, 0) for s in series.values()) for d in days), default=0) or 1
    bars = []
    for i, day in enumerate(days):
        y: float = height - pad
        for name, values in series.items():
            value = values.get(day, 0)
            if not value:
                continue
            h = (height - 2 * pad) * value / top
            y -= h
            bars.append(
                f'<rect x="{pad + i * slot:.1f}" y="{y:.1f}" width="{max(slot - 1, 1):.1f}" height="{h:.1f}" '
                f'fill="{colors[name]}"><title>{escape(day)} {escape(name)}: {value:g}</title></rect>'
            )
    legend = " ".join(f'<tspan fill="{colors[n]}">■ {escape(n)}</tspan>' for n in series)
    return (
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><text x="{pad}" y="12" font-size="11">{escape(title)} '
        f"(max {top:g}) {legend}</text>"
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#a0aec0"/>'
        f'{"".join(bars)}<text x="{pad}" y="{height - 4}" font-size="10">{escape(days[0]) if days else ""}</text>'
        f'<text x="{width - pad}" y="{height - 4}" font-size="10" text-anchor="end">'
        f"{escape(days[-1]) if days else ''}</text></svg>"
    )


def _latest_table(latest: list[SourceDayFigures], reasons: dict[str, str]) -> str:
    head = (
        "<tr><th>source</th><th>discovered</th><th>fetched</th><th>loaded</th><th>rejected</th>"
        "<th>rejects by reason</th><th>checks passed, by stage</th><th>with author</th><th>with date</th>"
        "<th>own title</th><th>median body chars</th><th>runs</th></tr>"
    )
    body = []
    for f in latest:
        by_reason = ", ".join(
            f'<span title="{escape(reasons.get(code, ""))}">'
            f"{_link(code, ds=f.ds, source_id=f.source_id, reason=code)} {n}</span>"
            for code, n in sorted(f.rejects_by_reason.items(), key=lambda kv: -kv[1])
        )
        checks = ", ".join(
            f'<span class="{"bad" if ok < total else ""}">{escape(stage)} {ok}/{total}</span>'
            for stage, (ok, total) in sorted(f.checks.items())
        )
        median = "–" if f.median_body_chars is None else f"{f.median_body_chars:.0f}"
        body.append(
            f"<tr><td>{escape(f.source_id)}</td><td class=n>{f.discovered}</td><td class=n>{f.fetched}</td>"
            f'<td class="n{" bad" if f.loaded == 0 else ""}">{f.loaded}</td>'
            f"<td class=n>{_link(str(f.rejected), ds=f.ds, source_id=f.source_id) if f.rejected else 0}</td>"
            f"<td>{by_reason or '–'}</td><td>{checks or '–'}</td><td class=n>{_pct(f.with_author)}</td>"
            f"<td class=n>{_pct(f.with_date)}</td><td class=n>{_pct(f.own_title)}</td><td class=n>{median}</td>"
            f'<td class="muted">{escape(", ".join(f.runs)) or "–"}</td></tr>'
        )
    return f"<table>{head}{''.join(body)}</table>"


def render_overview(view: Overview) -> str:
    """The whole page: the newest day per source, trends over the window, freshness."""
    if not view.days:
        content = (
            "<p>The warehouse holds no runs yet. Trigger <code>article_etl_daily</code> and come back.</p>"
        )
        return _page("Article quality", content)
    newest = view.days[-1]
    latest = [f for f in view.rows if f.ds == newest]
    parts = [
        f"<p class=muted>Window {escape(view.days[0])} – {escape(newest)} ({len(view.days)} days), "
        f"{len(view.sources)} sources. Figures come from the warehouse; each reject count opens its records.</p>",
        f"<h2>Day {escape(newest)}</h2>",
        _latest_table(latest, view.reasons),
        "<h2>Trends</h2>",
    ]
    for source_id in view.sources:
        mine = [f for f in view.rows if f.source_id == source_id]
        volume = {
            "loaded": {f.ds: f.loaded for f in mine},
            "rejected": {f.ds: f.rejected for f in mine},
        }
        health = {"with author %": {f.ds: round(100 * (f.with_author or 0)) for f in mine}}
        body = {"median body chars": {f.ds: f.median_body_chars or 0 for f in mine}}
        parts.append(
            f"<h3>{escape(source_id)}</h3>"
            + bar_chart(
                f"{source_id}: articles", view.days, volume, {"loaded": "#2f855a", "rejected": "#c53030"}
            )
            + bar_chart(f"{source_id}: author fill", view.days, health, {"with author %": "#2b6cb0"})
            + bar_chart(f"{source_id}: body length", view.days, body, {"median body chars": "#805ad5"})
        )
    fresh_rows = "".join(
        f"<tr><td>{escape(f.source_id)}</td><td>{escape(f.last_published or '–')}</td>"
        f"<td>{escape(f.last_loaded_ds or '–')}</td></tr>"
        for f in view.freshness
    )
    parts.append(
        "<h2>Freshness</h2><table><tr><th>source</th><th>newest article published</th>"
        f"<th>newest day loaded</th></tr>{fresh_rows}</table>"
    )
    parts.append(
        '<p class=muted>JSON: <a href="api/overview">api/overview</a>, <a href="api/quarantine">api/quarantine</a></p>'
    )
    return _page("Article quality", "".join(parts))


def render_quarantine(
    records: list[QuarantinedRecord], reasons: dict[str, str], query: dict[str, str]
) -> str:
    """The quarantined records behind a figure, with what each reason means."""
    what = ", ".join(f"{k} {v}" for k, v in query.items() if v) or "all days"
    rows = "".join(
        f"<tr><td>{escape(r.ds)}</td><td>{escape(r.source_id)}</td><td>{escape(r.stage)}</td>"
        f'<td title="{escape(reasons.get(r.reason, ""))}">{escape(r.reason)}</td>'
        f'<td><a href="{escape(r.url)}" rel="noreferrer noopener" target="_blank">{escape(r.url)}</a></td>'
        f"<td>{escape(r.detail)}</td><td class=muted>{escape(r.run_id or '')}</td></tr>"
        for r in records
    )
    content = (
        f'<p><a href=".">← overview</a></p><p class=muted>{len(records)} records ({escape(what)})</p>'
        "<table><tr><th>ds</th><th>source</th><th>stage</th><th>reason</th><th>url</th><th>detail</th>"
        f"<th>run</th></tr>{rows}</table>"
    )
    return _page("Quarantined records", content)


def _page(title: str, content: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>{content}</body></html>"
    )
