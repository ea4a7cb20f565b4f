"""The ``article-etl`` command: the pipeline's functions for a person at a terminal.

Errors users can cause (bad config, missing files, unreachable sites) print one line naming the
thing and what to do, and exit 2; they are never tracebacks.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from article_etl.config import CheckThresholds, ConfigError, Source, load_settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="article-etl", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo-site", help="serve the local demo news site")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--host", default="127.0.0.1")

    p = sub.add_parser("extract", help="show what the pipeline would extract from saved pages (JSON lines)")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--url", help="the URL the page came from (default: file:// URL of the file)")
    p.add_argument("--content-type", help='the HTTP Content-Type it came with, e.g. "text/html; charset=gbk"')
    p.add_argument("--lang", default=None, help="the source's language (zh, en, ...)")
    p.add_argument("--timezone", default="Asia/Shanghai", help="the source's time zone for dates without one")

    p = sub.add_parser("run", help="run every stage for one day without Airflow")
    p.add_argument("--ds", required=True, help="the day, YYYY-MM-DD (interval [ds, ds+1) in UTC)")
    p.add_argument("--source", action="append", help="only this source id (repeatable)")
    p.add_argument("--warehouse", help="SQLAlchemy URL (default: ARTICLE_ETL_WAREHOUSE_URL or SQLite)")
    p.add_argument(
        "--refresh",
        action="store_true",
        help="also fetch listed URLs whose article the warehouse holds under another day (skipped by default)",
    )

    p = sub.add_parser("report", help="print what a day loaded and rejected, per source")
    p.add_argument("--ds", required=True)
    p.add_argument("--warehouse", help="SQLAlchemy URL (default: ARTICLE_ETL_WAREHOUSE_URL or SQLite)")

    p = sub.add_parser("check-config", help="validate the sources file and print its sources")
    p.add_argument(
        "--probe", metavar="SOURCE_ID", help="read this source's discovery once and print what it would take"
    )
    p.add_argument("--ds", help="the day to probe, YYYY-MM-DD (default: yesterday, UTC)")
    p.add_argument("--show", type=int, default=10, help="how many of the URLs to print (default 10)")

    _add_rejects_parser(sub)
    from article_etl.replay_cli import add_replay_parser

    add_replay_parser(sub)
    p = sub.add_parser("db", help="the warehouse schema: upgrade it to this version's, or show its revision")
    p.add_argument("action", choices=["upgrade", "current"])
    p.add_argument("--warehouse", help="SQLAlchemy URL (default: ARTICLE_ETL_WAREHOUSE_URL or SQLite)")

    p = sub.add_parser("demo", help="run the daily DAG once against the local demo site and print the report")
    p.add_argument("--keep", action="store_true", help="keep the throwaway AIRFLOW_HOME for inspection")

    args = parser.parse_args(argv)
    try:
        return _dispatch(args)
    except (ConfigError, FileNotFoundError, OSError) as exc:
        print(f"article-etl: {exc}", file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "demo-site":
        from article_etl.demo.site import serve

        print(f"demo news site on http://{args.host}:{args.port}/ (Ctrl-C stops)", flush=True)
        serve(args.port, args.host)
        return 0
    if args.command == "extract":
        return _extract(args)
    if args.command == "run":
        return _run(args)
    if args.command == "report":
        from article_etl.report import day_report, format_report
        from article_etl.warehouse import get_engine, warehouse_url

        print(format_report(args.ds, day_report(get_engine(warehouse_url(args.warehouse)), args.ds)))
        return 0
    if args.command == "rejects":
        from article_etl.rejects_cli import run_rejects

        return run_rejects(args)
    if args.command == "replay":
        from article_etl.replay_cli import run_replay

        return run_replay(args)
    if args.command == "db":
        from article_etl.warehouse.cli import db_command

        return db_command(args.action, args.warehouse)
    if args.command == "demo":
        from article_etl.demo_run import run_demo

        return run_demo(keep=args.keep)
    if args.command == "check-config":
        settings = load_settings()
        if args.probe:
            return _probe(settings, args)
        for src in settings.sources:
            routes = " | ".join(f"{r.kind} {r.where}" for r in src.routes)
            print(f"{src.id}: {src.name} ({src.lang}, {src.timezone}) {routes}")
        return 0
    raise AssertionError(args.command)


def _probe(settings: Any, args: argparse.Namespace) -> int:
    """``check-config --probe``: one read of a source's discovery, nothing fetched or loaded."""
    from article_etl.fetch import DiscoveryError
    from article_etl.probe import default_day, probe

    ds = args.ds or default_day()
    try:
        datetime.fromisoformat(ds)
    except ValueError:
        print(f"article-etl: --ds {ds!r} is not a day; give it as YYYY-MM-DD", file=sys.stderr)
        return 2
    try:
        print(probe(settings, args.probe, ds, show=args.show))
    except DiscoveryError as exc:  # the site is down or unreadable now: one line, not a traceback
        print(f"article-etl: {exc}", file=sys.stderr)
        return 1
    return 0


def _add_rejects_parser(sub: Any) -> None:
    """``article-etl rejects list|show|requeue``: the quarantine from a terminal."""
    p = sub.add_parser("rejects", help="list, show or requeue quarantined records")
    rsub = p.add_subparsers(dest="rejects_command", required=True)
    for name, text in (
        ("list", "list rejects (unresolved unless --all)"),
        ("requeue", "replay a day from the capture"),
    ):
        q = rsub.add_parser(name, help=text)
        q.add_argument("--ds", required=name == "requeue", help="the day, YYYY-MM-DD")
        q.add_argument("--source", required=name == "requeue", help="the source id")
        q.add_argument("--reason", help="only this reason code (e.g. missing_title)")
        q.add_argument("--warehouse", help="SQLAlchemy URL (default: ARTICLE_ETL_WAREHOUSE_URL or SQLite)")
    q = rsub.choices["list"]
    q.add_argument("--stage", help="only rejects of this stage (fetch, clean, validate, load)")
    q.add_argument("--all", action="store_true", help="include rejects a requeue resolved")
    q.add_argument("--limit", type=int, default=200, help="at most this many rows (default 200)")
    q.add_argument("--json", action="store_true", help="one JSON object per line")
    q = rsub.add_parser("show", help="show one reject in full")
    q.add_argument("id", type=int)
    q.add_argument("--warehouse", help="SQLAlchemy URL (default: ARTICLE_ETL_WAREHOUSE_URL or SQLite)")


def _extract(args: argparse.Namespace) -> int:
    from article_etl.encoding import decode_html
    from article_etl.extract import extract_article
    from article_etl.quality.checks import check_article
    from article_etl.records import Page
    from article_etl.stages.clean import build_article

    thresholds = CheckThresholds()  # the defaults: a saved page has no sources file
    source = Source.model_validate(
        {
            "id": "cli",
            "name": "command line",
            "lang": args.lang or "zh",
            "timezone": args.timezone,
            "discovery": {"kind": "urls", "urls": ["http://localhost/"]},  # never read
        }
    )
    for path in args.files:
        data = path.read_bytes()
        url = args.url or path.resolve().as_uri()
        # A saved page is decoded here exactly as the fetch stage decodes a fetched one.
        decoded = decode_html(data, args.content_type)
        page = Page(
            source_id="cli",
            url=url,
            final_url=url,
            status=200,
            content_type=args.content_type,
            fetched_at=datetime.now(UTC),
            sha256="",
            size=len(data),
            warc_record_id="",
            html=decoded.text,
            encoding=decoded.encoding,
            encoding_method=decoded.method,
            declared_charset=decoded.declared,
            encoding_note=decoded.note,
            decode_damage=decoded.damage,
        )
        art = build_article(source, page, ds="", extract=extract_article)
        failures = check_article(art, thresholds=thresholds, languages=source.languages)
        print(
            json.dumps(
                {
                    "url": art.url,
                    "title": art.title,
                    "body": art.body,
                    "author": art.author,
                    "published_at": art.published_at.isoformat() if art.published_at else None,
                    "site_name": art.site_name,
                    "lang": art.lang,
                    "encoding": art.detected_encoding,
                    "encoding_method": art.encoding_method,
                    "decode_damage": {"page": page.decode_damage, "article": art.decode_damage},
                    "repairs": art.repairs,
                    "content_hash": art.content_hash,
                    "checks": sorted({f.code for f in failures}),
                },
                ensure_ascii=False,
            )
        )
    return 0


def _run(args: argparse.Namespace) -> int:
    from article_etl.progress_bar import terminal_progress

    # On a terminal: a bar per stage and source. Piped or logged: the stages' periodic lines
    # ("fetch s ds=...: 120 done, ...").
    with terminal_progress():
        return _run_stages(args)


def _run_stages(args: argparse.Namespace) -> int:
    import logging

    from article_etl.run import Day
    from article_etl.stages import clean, discover, fetch, load, validate
    from article_etl.warehouse import warehouse_url

    # Configured inside the bars' block, so log lines print above the bars instead of through them.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    settings = load_settings()
    # Every CLI run is a run of its own: its files never mix with another run's of the same day.
    run_id = f"cli__{args.ds}__{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}"
    day = Day.of(args.ds, run_id=run_id)
    url = warehouse_url(args.warehouse)
    from article_etl.warehouse.door import prepare_warehouse

    try:  # the warehouse is checked (and its schema upgraded) before any page is fetched
        prepare_warehouse(url)
    except RuntimeError as exc:
        print(f"article-etl: {exc}", file=sys.stderr)
        return 2
    failed = 0
    for src in settings.sources:
        if not src.enabled or (args.source and src.id not in args.source):
            continue
        try:
            # URLs another day loaded are not fetched again, unless --refresh asks for them.
            discover.run(settings, src.id, day, warehouse=url, refresh=args.refresh)
            for stage in (fetch, clean, validate):
                stage.run(settings, src.id, day)
            print(json.dumps(load.run(settings, src.id, day, url)))
        except RuntimeError as exc:  # transient and permanent stage failures alike: one line each
            failed += 1
            print(f"article-etl: {exc}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
