"""``article-etl rejects``: list, show and requeue quarantined records from a terminal.

Kept out of ``cli.py`` so the command's module stays a dispatcher; nothing here is imported unless
the ``rejects`` command runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any

from article_etl.config import load_settings


def run_rejects(args: argparse.Namespace) -> int:
    from article_etl.quality.quarantine import Filters, QuarantineError, list_rejects, show_reject
    from article_etl.warehouse import get_engine, warehouse_url

    engine = get_engine(warehouse_url(args.warehouse))
    try:
        if args.rejects_command == "list":
            filters = Filters(
                ds=args.ds,
                source_id=args.source,
                reason=args.reason,
                stage=args.stage,
                include_resolved=args.all,
            )
            rows = list_rejects(engine, filters, limit=args.limit)
            for row in rows:
                print(_json(row) if args.json else _line(row))
            if not args.json:
                print(f"{len(rows)} reject(s)", file=sys.stderr)
            return 0
        if args.rejects_command == "show":
            row = show_reject(engine, args.id)
            width = max(len(k) for k in row)
            for key, value in row.items():
                print(f"{key:<{width}}  {value}")
            return 0
        return _requeue(args)
    except QuarantineError as exc:
        print(f"article-etl: {exc}", file=sys.stderr)
        return 2


def _requeue(args: argparse.Namespace) -> int:
    from article_etl.stages import requeue
    from article_etl.warehouse import warehouse_url

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    try:
        result = requeue.run(
            load_settings(), args.source, args.ds, warehouse_url(args.warehouse), reason=args.reason
        )
    except RuntimeError as exc:  # a gate, a missing capture: one line, as every stage failure
        print(f"article-etl: requeue of {args.source} ds={args.ds} failed: {exc}", file=sys.stderr)
        return 1
    print(
        f"requeue {args.source} ds={args.ds} as run {result.run_id}: {len(result.resolved)} of "
        f"{result.quarantined} quarantined record(s) now load and are marked resolved; "
        f"{result.still_rejected} stay in quarantine"
    )
    for url in result.resolved:
        print(f"  resolved {url}")
    if result.note:
        print(f"article-etl: {result.note}", file=sys.stderr)
    return 0


def _line(row: dict[str, Any]) -> str:
    check = row.get("check_name") or "-"
    resolved = " resolved" if row.get("resolved_at") else ""
    detail = str(row.get("detail") or "").replace("\n", " ")
    if len(detail) > 100:
        detail = detail[:99] + "…"
    return f"{row['id']:>6} {row['ds']} {row['source_id']:<12} {row['stage']:<8} {row['reason']:<18} {check:<32} {row['url']}{resolved}  {detail}"


def _json(row: dict[str, Any]) -> str:
    return json.dumps(
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}, ensure_ascii=False
    )
