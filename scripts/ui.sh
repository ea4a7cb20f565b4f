#!/usr/bin/env bash
# `make ui`: Airflow on this machine with our DAGs (and plugins), at http://127.0.0.1:8080.
# Its home is ./.airflow; sign in as admin with the password Airflow writes to
# .airflow/simple_auth_manager_passwords.json.generated.
set -euo pipefail
cd "$(dirname "$0")/.."
export AIRFLOW_HOME="${AIRFLOW_HOME:-$PWD/.airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="$PWD/dags"
export AIRFLOW__CORE__PLUGINS_FOLDER="$PWD/plugins"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__PARALLELISM="${AIRFLOW__CORE__PARALLELISM:-4}"
export AIRFLOW__API__HOST=127.0.0.1
export AIRFLOW__LOGGING__WORKER_LOG_SERVER_HOST=127.0.0.1
export ARTICLE_ETL_HOME="${ARTICLE_ETL_HOME:-$PWD/.article_etl}"
export GX_ANALYTICS_ENABLED=False
# The fetch pool must exist before the first run (same name and size as the DAG and the demo use).
.venv/bin/airflow db migrate >/dev/null
.venv/bin/python - <<'PY'
import subprocess
from article_etl.pools import FETCH_POOL, FETCH_POOL_DESCRIPTION, fetch_pool_slots
subprocess.run([".venv/bin/airflow", "pools", "set", FETCH_POOL, str(fetch_pool_slots()), FETCH_POOL_DESCRIPTION], check=True)
PY
exec .venv/bin/airflow standalone
