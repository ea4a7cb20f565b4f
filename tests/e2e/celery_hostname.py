"""The host name task instances record, per Celery worker (``[core] hostname_callable``).

Both test workers run on one machine, so the default (the FQDN) would make their task instances
indistinguishable; each worker's environment names it instead, and everything it runs records that
name, as on a cluster where each worker is its own host.
"""

from __future__ import annotations

import os
import socket

WORKER_NAME_ENV = "ARTICLE_ETL_TEST_WORKER_NAME"


def worker_name() -> str:
    """The worker's name from its environment, else the FQDN (Airflow's default)."""
    return os.environ.get(WORKER_NAME_ENV) or socket.getfqdn()
