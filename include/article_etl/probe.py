"""``article-etl check-config --probe SOURCE [--ds DAY]``: what a source's discovery would take.

Reads the source's routes once, as the discover stage does (robots.txt, the host's pace, the
private-address guard, the project's client), and prints per route what it listed and found for
the day, whether the day is believed complete and why, and the first URLs with their dates.
Nothing else happens: no article page is fetched, no landing-zone file or conditional-GET state
is written, nothing is loaded. So a new source can be tried before it is scheduled, and a
backfill checked before it runs.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from article_etl.config import Settings
from article_etl.fetch import Discovery, discover, make_session
from article_etl.fetch.politeness import Politeness
from article_etl.run import Day


def default_day() -> str:
    """The day a run triggered now would take: the last complete UTC day."""
    return (datetime.now(UTC).date() - timedelta(days=1)).isoformat()


def probe(settings: Settings, source_id: str, ds: str, show: int = 10) -> str:
    """The probe's text for ``source_id`` on day ``ds``; raises as discovery does (ConfigError for
    the config's faults, DiscoveryError when the site is down)."""
    source = settings.source(source_id)
    day = Day.of(ds, run_id="probe")
    session = make_session(settings.fetch)
    found = discover(
        source, day.start, day.end, session, settings.fetch, polite=Politeness(session, settings.fetch)
    )
    return format_probe(source_id, day, found, show)


def format_probe(source_id: str, day: Day, found: Discovery, show: int) -> str:
    """Per route, the verdict on the day, the first ``show`` URLs and the problems, as text."""
    lines = [
        f"probe of source {source_id} for ds={day.ds} ({day.start:%Y-%m-%d %H:%M} to {day.end:%Y-%m-%d %H:%M} UTC)"
    ]
    for r in found.routes:
        if r.ran:
            lines.append(
                f"  {r.kind}[{r.index}] {r.url}: listed {r.listed}, {r.found} for the day; {r.reason}"
            )
        else:
            lines.append(f"  {r.kind}[{r.index}] {r.url}: not read, an earlier route covers the day")
    verdict = "complete" if found.complete else "NOT complete"
    lines.append(f"day {verdict}: {found.reason}")
    lines.append(
        f"would take {len(found.found)} URLs"
        + (f"; the first {min(show, len(found.found))}:" if found.found else "")
    )
    for item in found.found[:show]:
        when = item.listed_published_at
        shown = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if when else "(no date: the page decides)"
        lines.append(f"  {shown:<27} {item.route}[{item.route_index}] {item.url}")
    if found.problems:
        by_code = Counter(p.code for p in found.problems)
        lines.append(
            "entries that would be rejects: " + ", ".join(f"{c}={n}" for c, n in sorted(by_code.items()))
        )
    return "\n".join(lines)
