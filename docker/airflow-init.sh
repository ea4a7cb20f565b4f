#!/usr/bin/env bash
# The compose `airflow-init` job: everything a fresh stack needs before its first run, in order.
# Idempotent, so it runs on every `docker compose up`: a password or pool size changed in .env is
# applied by the next start. Every other Airflow service waits for it to exit 0
# (depends_on: service_completed_successfully), so none starts on an unmigrated database.
set -euo pipefail

die() {
  echo "airflow-init: $*" >&2
  exit 1
}

# 1. Refuse placeholders and weak secrets, one line each. Compose's ${VAR:?} already refuses
#    empty ones; this catches values copied from documentation or left from a tutorial.
require_secret() {
  local name=$1
  local value=${!1:-}
  [ -n "$value" ] || die "$name is empty: set it in .env (see .env.example)"
  case "${value,,}" in
    *change*me* | *placeholder* | airflow | admin | password | secret | postgres)
      die "$name is a placeholder: set a real value in .env (see .env.example)" ;;
  esac
  [ "${#value}" -ge 12 ] || die "$name is shorter than 12 characters: set a longer one in .env"
}
for name in AIRFLOW_ADMIN_PASSWORD AIRFLOW_DB_PASSWORD WAREHOUSE_DB_PASSWORD AIRFLOW__API_AUTH__JWT_SECRET; do
  require_secret "$name"
done
python - <<'PY' 2>/dev/null || die "AIRFLOW__CORE__FERNET_KEY is not a Fernet key: generate one as .env.example shows"
import os

from cryptography.fernet import Fernet

Fernet(os.environ["AIRFLOW__CORE__FERNET_KEY"].encode())
PY

# 2. The sources file must parse before anything is scheduled from it.
article-etl check-config >/dev/null || die "the sources file ${ARTICLE_ETL_SOURCES} is invalid (see the line above)"

# 3. Airflow's metadata database.
airflow db migrate

# 4. The admin user. SimpleAuthManager (Airflow 3's default) reads passwords from this file and
#    generates one only for users missing from it; the password lives only in this job's
#    environment and in the file (mode 600, on the airflow-auth volume).
python - <<'PY'
import json
import os

os.umask(0o077)
with open(os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"], "w", encoding="utf-8") as out:
    json.dump({os.environ["AIRFLOW_ADMIN_USER"]: os.environ["AIRFLOW_ADMIN_PASSWORD"]}, out)
PY

# 5. The fetch pool: the same name, size and description as the DAG, the demo and `make ui` use.
python - <<'PY'
import subprocess

from article_etl.pools import FETCH_POOL, FETCH_POOL_DESCRIPTION, fetch_pool_slots

subprocess.run(["airflow", "pools", "set", FETCH_POOL, str(fetch_pool_slots()), FETCH_POOL_DESCRIPTION], check=True)
PY

# 6. The warehouse connection (and smtp_default when ARTICLE_ETL_SMTP_URL is set), stored encrypted (Fernet) in the metadata database; --overwrite
#    applies a changed password. Passed through a private temporary file, never a command line.
conn_file=$(mktemp --suffix=.json)
trap 'rm -f "$conn_file"' EXIT
python - "$conn_file" <<'PY'
import json
import os
import sys

from article_etl.orchestration import WAREHOUSE_CONN_ID

conn = {
    "conn_type": "postgres",
    "host": os.environ["WAREHOUSE_DB_HOST"],
    "port": int(os.environ["WAREHOUSE_DB_PORT"]),
    "schema": os.environ["WAREHOUSE_DB_NAME"],
    "login": os.environ["WAREHOUSE_DB_USER"],
    "password": os.environ["WAREHOUSE_DB_PASSWORD"],
    "description": "Article ETL warehouse (written by airflow-init from .env)",
}
connections: dict[str, object] = {WAREHOUSE_CONN_ID: conn}
# Alert e-mail goes through smtp_default (article_etl.alerts); optional, as a connection URI.
if os.environ.get("ARTICLE_ETL_SMTP_URL"):
    connections["smtp_default"] = os.environ["ARTICLE_ETL_SMTP_URL"]
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(connections, out)
PY
airflow connections import --overwrite "$conn_file"

# 7. The warehouse schema (migrations through our CLI), on the database the connection names.
ARTICLE_ETL_WAREHOUSE_URL=$(python - <<'PY'
import os

from sqlalchemy import URL

url = URL.create(
    "postgresql+psycopg",
    username=os.environ["WAREHOUSE_DB_USER"],
    password=os.environ["WAREHOUSE_DB_PASSWORD"],
    host=os.environ["WAREHOUSE_DB_HOST"],
    port=int(os.environ["WAREHOUSE_DB_PORT"]),
    database=os.environ["WAREHOUSE_DB_NAME"],
)
print(url.render_as_string(hide_password=False))
PY
)
export ARTICLE_ETL_WAREHOUSE_URL
article-etl db upgrade

echo "airflow-init: ready (admin user ${AIRFLOW_ADMIN_USER}; pool, warehouse connection and schema in place)"
