"""The quality page as a person sees it: a real Airflow API server with our DAGs and plugins,
Debian's headless Chromium driven by Playwright, after a real run of the daily DAG.

Chromium comes from Debian (`apt-get install chromium`; `.ci/run` installs it). Without it this
test skips with that reason, unless ARTICLE_ETL_REQUIRE_SERVICES is set (CI), where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from article_etl.demo.catalog import DEMO_DAY
from article_etl.demo.site import running_site
from article_etl.localrun import dags_test
from article_etl.warehouse import get_engine
from article_etl.warehouse.schema import articles
from tests.conftest import REPO
from tests.e2e.airflow_cluster import free_port, wait_until_healthy
from tests.e2e.helpers import DEMO_RUN_DATE, demo_airflow

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Served:
    base: str
    password: str
    loaded: dict[str, int]
    screenshots: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("ARTICLE_ETL_REQUIRE_SERVICES"):
            pytest.fail(
                "chromium is not installed but CI requires the browser tests (apt-get install chromium)"
            )
        pytest.skip("chromium is not installed (apt-get install chromium) : no browser to test the UI with")
    tmp = tmp_path_factory.mktemp("browser")
    warehouse = f"sqlite:///{tmp / 'warehouse.db'}"
    with running_site() as demo_url:
        env = demo_airflow(
            tmp,
            demo_url,
            warehouse,
            AIRFLOW__CORE__PLUGINS_FOLDER=str(REPO / "plugins"),
            AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="admin:admin",
        )
        run = dags_test(env, DEMO_RUN_DATE)
        assert run.state == "success", run.output[-5000:]
    airflow = str(Path(sys.executable).with_name("airflow"))
    subprocess.run([airflow, "dags", "reserialize"], env=env, check=True, capture_output=True)
    port = free_port()
    log = tmp / "api-server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [airflow, "api-server", "-H", "127.0.0.1", "-p", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, proc, log)
        password = json.loads((tmp / "airflow" / "simple_auth_manager_passwords.json.generated").read_text())[
            "admin"
        ]
        with get_engine(warehouse).connect() as conn:
            loaded = dict(
                conn.execute(select(articles.c.source_id, func.count()).group_by(articles.c.source_id)).all()
            )
        yield Served(base, password, {str(k): int(v) for k, v in loaded.items()}, tmp)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_an_anonymous_caller_is_refused(served: Served) -> None:
    for path in ("/article-quality/", "/article-quality/api/overview", "/article-quality/api/quarantine"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(served.base + path, timeout=10)
        assert refused.value.code == 401, path


def test_the_dags_load_and_the_navigation_opens_the_page_with_the_runs_numbers(served: Served) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(served.base + "/")
            page.get_by_label("Username").fill("admin")
            page.get_by_label("Password").fill(served.password)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{served.base}/", timeout=60_000)

            # The DAGs parsed without import errors (asked as the signed-in browser).
            errors = page.request.get(served.base + "/api/v2/importErrors").json()
            assert errors["total_entries"] == 0, errors
            dags = page.request.get(served.base + "/api/v2/dags").json()
            assert "article_etl_daily" in {d["dag_id"] for d in dags["dags"]}

            page.get_by_role("button", name="Browse").click()
            page.get_by_role("menuitem", name="Article quality").click()
            frame = page.frame_locator("iframe")
            frame.locator("h1").wait_for(timeout=60_000)
            assert frame.locator("h1").inner_text() == "Article quality"
            assert f"Day {DEMO_DAY.isoformat()}" in frame.locator("body").inner_text()
            shown = {
                row.locator("td").nth(0).inner_text(): int(row.locator("td").nth(3).inner_text())
                for row in frame.locator("table").first.locator("tr").all()[1:]
            }
            assert shown == served.loaded
            assert sum(shown.values()) > 0
            page.screenshot(path=str(served.screenshots / "quality-page.png"), full_page=True)
        finally:
            browser.close()
