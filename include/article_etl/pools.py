"""The Airflow pool that bounds concurrent fetch tasks, and how big it is.

Kept in a module that imports nothing, so the DAG file can name the pool at parse time and the
set-up (``make ui``, the demo and tests through ``localrun``, the compose init service) creates it
with the same name: a fresh install needs no manual step.
"""

from __future__ import annotations

import os

FETCH_POOL = "article_fetch"
FETCH_POOL_DESCRIPTION = "Article ETL: fetch tasks running at once (each is polite per host on its own)"


def fetch_pool_slots() -> int:
    """ARTICLE_ETL_FETCH_POOL_SLOTS, default 4: how many sources fetch at the same time."""
    return int(os.environ.get("ARTICLE_ETL_FETCH_POOL_SLOTS", "4"))
