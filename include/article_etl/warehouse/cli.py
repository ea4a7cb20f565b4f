"""``article-etl db upgrade|current``: the warehouse schema from a terminal."""

from __future__ import annotations

import sys

from article_etl.warehouse.engine import get_engine, masked, warehouse_url


def db_command(action: str, explicit_url: str | None) -> int:
    """Upgrade the warehouse to this version's schema (after the door's checks), or print its revision."""
    from article_etl.warehouse.migrate import current, head

    url = warehouse_url(explicit_url)
    try:
        if action == "upgrade":
            from article_etl.warehouse.door import prepare_warehouse

            engine = prepare_warehouse(url)
            print(f"warehouse {masked(url)} is at schema revision {current(engine)} (head {head()})")
            return 0
        from article_etl.warehouse.door import check_reachable

        engine = get_engine(url)
        check_reachable(engine, masked(url))
        revision = current(engine)
    except RuntimeError as exc:
        print(f"article-etl: {exc}", file=sys.stderr)
        return 2
    state = "up to date" if revision == head() else "run article-etl db upgrade"
    print(f"warehouse {masked(url)}: schema revision {revision or 'none (empty)'}, head {head()}: {state}")
    return 0
