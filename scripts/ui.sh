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
exec .venv/bin/airflow standalone
