"""Which warehouse to talk to, and an engine for it.

The URL comes from (in order) an explicit argument (the DAG passes the Airflow connection
``article_warehouse`` when one exists), ARTICLE_ETL_WAREHOUSE_URL, else a SQLite file under
ARTICLE_ETL_HOME, so a laptop needs no set-up. URLs are only ever shown with the password masked.
"""

from __future__ import annotations

import os
from functools import cache

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from article_etl.storage import data_root

_DRIVERS = {
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mysql+pymysql",
}


def warehouse_url(explicit: str | None = None) -> str:
    """The warehouse URL in force (see the module docstring for the order)."""
    if explicit:
        return normalise_url(explicit)
    env = os.environ.get("ARTICLE_ETL_WAREHOUSE_URL")
    if env:
        return normalise_url(env)
    return f"sqlite:///{data_root() / 'warehouse.db'}"


def normalise_url(url: str) -> str:
    """Give bare dialect URLs (as Airflow connections write them) the driver we ship.

    MySQL/MariaDB get ``charset=utf8mb4``: MySQL's ``utf8`` is three bytes and would mangle
    characters outside the BMP (the load stage's round-trip check would then reject them).
    """
    parsed = make_url(url)
    driver = _DRIVERS.get(parsed.drivername, parsed.drivername)
    parsed = parsed.set(drivername=driver)
    if driver.startswith("mysql") and "charset" not in parsed.query:
        parsed = parsed.update_query_dict({"charset": "utf8mb4"})
    return parsed.render_as_string(hide_password=False)


def masked(url: str) -> str:
    """The URL with its password hidden, for logs and error messages."""
    return make_url(url).render_as_string(hide_password=True)


@cache
def get_engine(url: str) -> Engine:
    """One engine per URL per process. The schema is Alembic's (``warehouse.migrate``), never
    created here: a warehouse has the tables of the revision it was upgraded to."""
    kwargs: dict[str, object] = {"future": True, "pool_pre_ping": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 60}
        database = make_url(url).database
        if database and database != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(database)), exist_ok=True)
    engine = create_engine(url, **kwargs)  # type: ignore[arg-type]
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    """WAL lets the UI read while a load task writes; the busy timeout lets mapped loads queue."""
    cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.close()
