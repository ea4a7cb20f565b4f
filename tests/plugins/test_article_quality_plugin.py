"""The quality page's app as Airflow's API server mounts it: it refuses anonymous callers and
serves the warehouse's figures to a signed-in user.

Runs Airflow's real app (``create_app``, our plugins folder, a migrated throwaway metadata DB) in
a fresh interpreter, because Airflow reads its plugins folder once per process. The browser test
(tests/e2e/test_quality_page_browser.py) does the same through a real server and Chromium.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlalchemy import Engine

from article_etl.localrun import airflow_env, migrate
from article_etl.warehouse.door import prepare_warehouse
from tests.conftest import REPO
from tests.warehouse.helpers import DS, load, make_article, make_reject

PROBE = """
import json
from fastapi.testclient import TestClient
from airflow.api_fastapi.app import create_app, get_auth_manager
from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

client = TestClient(create_app())
out = {"anonymous": {}, "garbage": {}, "admin": {}}
token = get_auth_manager().generate_jwt(SimpleAuthManagerUser(username="admin", role="admin"))
for path in ("/article-quality/", "/article-quality/api/overview", "/article-quality/api/quarantine"):
    out["anonymous"][path] = client.get(path).status_code
    out["garbage"][path] = client.get(path, headers={"Authorization": "Bearer not-a-token"}).status_code
    r = client.get(path, headers={"Authorization": f"Bearer {token}"})
    out["admin"][path] = [r.status_code, r.json() if "api" in path else r.text]
plugins = client.get("/api/v2/plugins", headers={"Authorization": f"Bearer {token}"}).json()
out["views"] = [v for p in plugins["plugins"] for v in p.get("external_views", [])]
print("PROBE" + json.dumps(out))
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("plugin")
    warehouse = f"sqlite:///{tmp / 'w.db'}"
    engine: Engine = prepare_warehouse(warehouse)
    load(
        engine,
        [make_article(f"http://x/a/{i}", f"第{i}篇文章的正文。" * 30) for i in range(3)],
        [make_reject("http://x/gone", "http_status", "gone")],
    )
    env = airflow_env(tmp / "airflow", warehouse_url=warehouse)
    env["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(REPO / "plugins")
    migrate(env)
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("PROBE")), None)
    assert line, proc.stdout[-3000:] + proc.stderr[-3000:]
    result: dict[str, object] = json.loads(line[len("PROBE") :])
    return result


def test_anonymous_and_forged_callers_are_refused(served: dict[str, dict[str, int]]) -> None:
    assert set(served["anonymous"].values()) == {401}
    assert set(served["garbage"].values()) == {403}


def test_a_signed_in_user_gets_the_warehouse_figures(served: dict[str, dict[str, list[object]]]) -> None:
    status, body = served["admin"]["/article-quality/api/overview"]
    assert status == 200
    assert isinstance(body, dict)
    (fig,) = [r for r in body["rows"] if r["ds"] == DS]
    assert (fig["loaded"], fig["rejected"], fig["rejects_by_reason"]) == (3, 1, {"http_status": 1})
    status, records = served["admin"]["/article-quality/api/quarantine"]
    assert status == 200
    assert [r["url"] for r in records] == ["http://x/gone"]  # type: ignore[union-attr]
    status, page = served["admin"]["/article-quality/"]
    assert status == 200
    assert "Day 2026-11-18" in str(page)


def test_the_page_is_linked_from_the_navigation(served: dict[str, list[dict[str, str]]]) -> None:
    (view,) = [v for v in served["views"] if v["name"] == "Article quality"]
    assert view["href"] == "/article-quality/"
    assert view["destination"] == "nav"
