"""``article-etl replay``: run a day of one source again from its stored WARC, with no request.

Kept out of ``cli.py`` so the command's module stays a dispatcher; nothing here is imported unless
the ``replay`` command runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any


def add_replay_parser(sub: Any) -> None:
    p = sub.add_parser(
        "replay", help="re-run clean, validate and load of a day from its stored WARC (no request)"
    )
    p.add_argument("--ds", required=True, help="the day, YYYY-MM-DD")
    p.add_argument("--source", required=True, help="the source id")
    p.add_argument(
        "--sources", type=Path, help="the sources file (default: ARTICLE_ETL_SOURCES or include/sources.yaml)"
    )
    p.add_argument("--warehouse", help="SQLAlchemy URL (default: ARTICLE_ETL_WAREHOUSE_URL or SQLite)")


def run_replay(args: argparse.Namespace) -> int:
    """Replay the day; one line on failure: exit 2 when there is nothing to replay, 1 when a
    stage failed (a gate)."""
    from article_etl.config import ConfigError, load_settings
    from article_etl.stages import replay
    from article_etl.warehouse import warehouse_url

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    settings = load_settings(args.sources)
    try:
        summary = replay.run(settings, args.source, args.ds, warehouse_url(args.warehouse))
    except (replay.ReplayError, ConfigError) as exc:
        print(f"article-etl: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:  # a gate after the load, a missing partition: one line
        print(f"article-etl: replay of {args.source} ds={args.ds} failed: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(summary))
    return 0
