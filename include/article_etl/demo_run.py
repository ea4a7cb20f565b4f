"""``make demo``: the daily DAG, run once by Airflow against the local demo news site.

The site runs in this process on a free loopback port; Airflow gets a throwaway home; the
warehouse is ARTICLE_ETL_WAREHOUSE_URL when set (e.g. a PostgreSQL database), else SQLite under
ARTICLE_ETL_HOME (default ``./.article_etl/demo``) so a person can open it afterwards. Exit status is non-zero when the DAG run did not succeed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from article_etl.demo.catalog import DEMO_DAY, SOURCES_FILE
from article_etl.demo.site import running_site
from article_etl.localrun import airflow_env, dags_test, migrate
from article_etl.report import day_report, format_report
from article_etl.warehouse import get_engine, masked, warehouse_url


def run_demo(keep: bool = False) -> int:
    data_home = Path(os.environ.get("ARTICLE_ETL_HOME", ".article_etl/demo")).resolve()
    airflow_home = Path(tempfile.mkdtemp(prefix="article-etl-airflow-"))
    ds = DEMO_DAY.isoformat()
    # `dags test D` runs the interval that ends at D, so the demo day's run is asked for by the day after.
    run_date = (DEMO_DAY + timedelta(days=1)).isoformat()
    sqlite_file = data_home / "warehouse.db"
    warehouse = warehouse_url(os.environ.get("ARTICLE_ETL_WAREHOUSE_URL") or f"sqlite:///{sqlite_file}")
    try:
        # Article ids hash the URL, port included: a fixed ARTICLE_ETL_DEMO_PORT lets a second demo
        # into the same warehouse (e.g. PostgreSQL) find the same articles and change no row.
        with running_site(int(os.environ.get("ARTICLE_ETL_DEMO_PORT", "0"))) as base_url:
            env = airflow_env(
                airflow_home,
                home=str(data_home),
                sources=str(SOURCES_FILE),
                demo_url=base_url,
                warehouse_url=warehouse,
            )
            print(
                f"demo site at {base_url}; Airflow home {airflow_home}; data under {data_home}; "
                f"warehouse {masked(warehouse)}",
                flush=True,
            )
            migrate(env)
            print(
                f"running: airflow dags test article_etl_daily {run_date}  (data interval {ds} .. {run_date})",
                flush=True,
            )
            result = dags_test(env, run_date)
        log = data_home / "last_demo_run.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(result.output, encoding="utf-8")
        engine = get_engine(warehouse)
        print()
        print(format_report(ds, day_report(engine, ds)))
        print(f"\nDAG run state: {result.state}  (full Airflow output: {log})")
        if warehouse.startswith("sqlite"):
            print(f"Look inside: sqlite3 {sqlite_file} 'select reason, url, detail from rejects'")
        return 0 if result.state == "success" else 1
    finally:
        if not keep:
            shutil.rmtree(airflow_home, ignore_errors=True)
