#!/usr/bin/env bash
# `make ui`: Airflow on this machine with our DAGs and plugins, at http://127.0.0.1:${UI_PORT:-8080}.
#
# By default it also serves the demo news site and points the pipeline at it (include/demo), so a
# triggered run has something to fetch; `make ui SOURCES=path/to/sources.yaml` uses your sources
# instead. It starts the api-server, scheduler, dag-processor and triggerer one by one (each in
# its own process group), prints the URL and the login, and stops every process it started on
# Ctrl-C or when any of them dies. Home: ./.airflow (metadata in SQLite unless
# AIRFLOW__DATABASE__SQL_ALCHEMY_CONN says otherwise; PostgreSQL avoids SQLite's lock errors
# under backfills).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
# Airflow's own processes look for `airflow` on PATH (standalone and the executors do).
export PATH="$REPO/.venv/bin:$PATH"
export AIRFLOW_HOME="${AIRFLOW_HOME:-$REPO/.airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="$REPO/dags"
export AIRFLOW__CORE__PLUGINS_FOLDER="$REPO/plugins"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__PARALLELISM="${AIRFLOW__CORE__PARALLELISM:-4}"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS:-admin:admin}"
export AIRFLOW__API__HOST=127.0.0.1
export AIRFLOW__API__PORT="${UI_PORT:-8080}"
export AIRFLOW__LOGGING__WORKER_LOG_SERVER_HOST=127.0.0.1
export AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL="${AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL:-30}"
export ARTICLE_ETL_HOME="${ARTICLE_ETL_HOME:-$REPO/.article_etl}"
export PYTHONPATH="$REPO/include${PYTHONPATH:+:$PYTHONPATH}"

pids=()
stop() {
  # Kill first, talk after: the terminal (or a pipe) may already be gone.
  trap - INT TERM EXIT
  trap '' PIPE
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "make ui: stopped ${#pids[@]} processes" >&2 || true
}
trap stop INT TERM EXIT

start() {  # start NAME COMMAND...: a process group of its own, output in $AIRFLOW_HOME/logs/NAME.log
  local name=$1; shift
  mkdir -p "$AIRFLOW_HOME/logs"
  setsid "$@" >"$AIRFLOW_HOME/logs/$name.log" 2>&1 &
  pids+=("$!")
  echo "make ui: started $name (pid $!, log $AIRFLOW_HOME/logs/$name.log)"
}

if [ -n "${SOURCES:-}" ]; then
  export ARTICLE_ETL_SOURCES="$(realpath "$SOURCES")"
else
  demo_port="${DEMO_PORT:-8765}"
  export ARTICLE_ETL_SOURCES="$REPO/include/demo/sources.yaml"
  export ARTICLE_ETL_DEMO_URL="http://127.0.0.1:$demo_port"
  start demo-site article-etl demo-site --port "$demo_port"
fi
article-etl check-config >/dev/null || { echo "make ui: the sources file $ARTICLE_ETL_SOURCES is invalid (see above)"; exit 1; }

airflow db migrate >/dev/null
# The fetch pool must exist before the first run (same name and size as the DAG and the demo use).
python - <<'PY'
import subprocess
from article_etl.pools import FETCH_POOL, FETCH_POOL_DESCRIPTION, fetch_pool_slots
subprocess.run(["airflow", "pools", "set", FETCH_POOL, str(fetch_pool_slots()), FETCH_POOL_DESCRIPTION], check=True, stdout=subprocess.DEVNULL)
PY

start api-server airflow api-server
start scheduler airflow scheduler
start dag-processor airflow dag-processor
start triggerer airflow triggerer

url="http://127.0.0.1:$AIRFLOW__API__PORT"
for _ in $(seq 1 120); do
  curl -fsS "$url/api/v2/monitor/health" >/dev/null 2>&1 && break
  sleep 1
done
passwords="$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated"
echo
echo "Airflow is at $url"
echo "Sign in as: $(python -c 'import json,sys; print(", ".join(f"{u} / {p}" for u, p in json.load(open(sys.argv[1])).items()))' "$passwords" 2>/dev/null || echo "see $passwords")"
echo "Sources: $ARTICLE_ETL_SOURCES${ARTICLE_ETL_DEMO_URL:+ (demo site at $ARTICLE_ETL_DEMO_URL)}"
echo "Ctrl-C stops everything this started."
# Stop everything as soon as one of the processes ends (a crash should not leave half an Airflow).
wait -n "${pids[@]}"
echo "make ui: a process ended; see the logs in $AIRFLOW_HOME/logs"
