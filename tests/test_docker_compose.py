"""The deployment files, validated without a Docker engine (there is none here).

docker-compose.yaml is resolved by Debian's `docker-compose config` (it parses and interpolates
without an engine) with .env.example, and the resolved services are checked: health checks,
start order, what is published, where secrets come from. The init job's refusals run for real.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
COMPOSE = REPO / "docker-compose.yaml"
ENV_EXAMPLE = REPO / ".env.example"
INIT = REPO / "docker" / "airflow-init.sh"

SECRETS = (
    "AIRFLOW_FERNET_KEY",
    "AIRFLOW_JWT_SECRET",
    "AIRFLOW_DB_PASSWORD",
    "AIRFLOW_ADMIN_PASSWORD",
    "WAREHOUSE_DB_PASSWORD",
)
REQUIRED = (*SECRETS, "ARTICLE_ETL_CONTACT_URL", "AIRFLOW_ADMIN_USER")
AIRFLOW_SERVICES = {
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
}
LONG_RUNNING = {"postgres", "warehouse", "redis", *AIRFLOW_SERVICES}


def env_example() -> dict[str, str]:
    """.env.example's settings, as `docker-compose --env-file` reads them."""
    pairs = (line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines())
    return {key: value for key, value in (p for p in pairs if len(p) == 2) if not key.startswith("#")}


def write_env(path: Path, settings: dict[str, str]) -> Path:
    path.write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
    return path


def filled(**overrides: str) -> dict[str, str]:
    """.env.example with every empty secret filled in the way its comments say (fresh values)."""
    from cryptography.fernet import Fernet

    settings = env_example()
    settings |= {name: secrets.token_urlsafe(24) for name in SECRETS if not settings[name]}
    settings["AIRFLOW_FERNET_KEY"] = Fernet.generate_key().decode()
    settings["ARTICLE_ETL_CONTACT_URL"] = "https://data.example.org/crawler"
    return settings | overrides


def compose_config(env_file: Path) -> subprocess.CompletedProcess[str]:
    """`docker-compose --env-file ENV config`, with none of the stack's settings inherited."""
    exe = shutil.which("docker-compose")
    if exe is None:
        if os.environ.get("ARTICLE_ETL_REQUIRE_SERVICES"):
            pytest.fail("docker-compose is not installed; .ci/run installs Debian's docker-compose")
        pytest.skip("docker-compose is not installed (apt-get install docker-compose)")
    ours = set(env_example()) | set(SECRETS)
    env = {k: v for k, v in os.environ.items() if k not in ours}
    return subprocess.run(
        [exe, "--env-file", str(env_file), "-f", str(COMPOSE), "config"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=REPO,
    )


@pytest.fixture(scope="module")
def settings() -> dict[str, str]:
    return filled()


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory, settings: dict[str, str]) -> dict[str, Any]:
    """The resolved services of the stack with .env.example filled in."""
    out = compose_config(write_env(tmp_path_factory.mktemp("env") / ".env", settings))
    assert out.returncode == 0, out.stderr
    config = yaml.safe_load(out.stdout)
    result: dict[str, Any] = config["services"]
    return result


def default_profile(services: dict[str, Any]) -> dict[str, Any]:
    return {name: svc for name, svc in services.items() if not svc.get("profiles")}


def test_the_stack_has_the_official_shape(services: dict[str, Any]) -> None:
    assert set(default_profile(services)) == LONG_RUNNING | {"airflow-init"}
    assert services["flower"]["profiles"] == ["flower"]
    assert services["airflow-cli"]["profiles"] == ["debug"]
    for name in AIRFLOW_SERVICES | {"airflow-init", "flower"}:
        env = services[name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://"), name
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg://airflow:"), name
        # Airflow would derive an asyncpg URL, and asyncpg is not in the lock (init died on it).
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC"].startswith("postgresql+psycopg://"), name
        assert services[name]["user"] == "50000:0", name
        assert services[name]["image"] == "article-etl:latest", name
    commands = {name: services[name]["command"] for name in AIRFLOW_SERVICES}
    assert commands["airflow-worker"] == ["airflow", "celery", "worker"]
    assert commands["airflow-dag-processor"] == ["airflow", "dag-processor"]


def test_every_long_running_service_has_a_health_check(services: dict[str, Any]) -> None:
    for name in LONG_RUNNING | {"flower"}:
        check = services[name].get("healthcheck", {})
        assert check.get("test"), f"{name} has no health check"
        assert check["test"][0] in {"CMD", "CMD-SHELL"}, name
    assert "healthcheck" not in services["airflow-init"]
    assert services["airflow-init"]["restart"] == "no"


def test_start_order(services: dict[str, Any]) -> None:
    """Databases and Redis healthy -> init completed -> Airflow; workers after the API server."""
    healthy = {"postgres", "warehouse", "redis"}
    init = services["airflow-init"]["depends_on"]
    assert set(init) == healthy
    assert {dep["condition"] for dep in init.values()} == {"service_healthy"}
    for name in AIRFLOW_SERVICES | {"flower", "airflow-cli"}:
        deps = services[name]["depends_on"]
        assert deps["airflow-init"] == {"condition": "service_completed_successfully"}, name
        for dep in healthy:
            assert deps[dep] == {"condition": "service_healthy"}, name
    assert services["airflow-worker"]["depends_on"]["airflow-apiserver"] == {"condition": "service_healthy"}
    for name in healthy:
        assert "depends_on" not in services[name]


def test_only_the_ui_port_is_published(services: dict[str, Any]) -> None:
    published = {name: svc["ports"] for name, svc in default_profile(services).items() if svc.get("ports")}
    assert published == {"airflow-apiserver": [{"published": 8080, "target": 8080}]}
    # Flower (profile) answers this host only. Compose prints a host-bound port as a string.
    assert [str(p).split(":")[0] for p in services["flower"]["ports"]] == ["127.0.0.1"]


def test_ui_port_follows_the_setting(tmp_path: Path) -> None:
    out = compose_config(write_env(tmp_path / ".env", filled(AIRFLOW_UI_PORT="18080")))
    assert out.returncode == 0, out.stderr
    ports = yaml.safe_load(out.stdout)["services"]["airflow-apiserver"]["ports"]
    assert ports == [{"published": 18080, "target": 8080}]


def test_code_is_mounted_and_data_shared(services: dict[str, Any]) -> None:
    for name in AIRFLOW_SERVICES | {"airflow-init"}:
        targets = {v.split(":")[1]: v for v in services[name]["volumes"]}
        for folder in ("dags", "plugins", "include"):
            assert targets[f"/opt/airflow/{folder}"].startswith(str(REPO / folder)), name
        assert targets["/opt/airflow/data"].startswith("article-data:"), name
        assert services[name]["environment"]["ARTICLE_ETL_HOME"] == "/opt/airflow/data", name


def test_the_warehouse_is_separate(services: dict[str, Any], settings: dict[str, str]) -> None:
    meta, warehouse = services["postgres"], services["warehouse"]
    assert meta["volumes"][0].split(":")[0] != warehouse["volumes"][0].split(":")[0]
    assert warehouse["environment"]["POSTGRES_USER"] == settings["WAREHOUSE_DB_USER"] != "airflow"
    assert warehouse["environment"]["POSTGRES_PASSWORD"] == settings["WAREHOUSE_DB_PASSWORD"]
    assert "UTF8" in warehouse["environment"]["POSTGRES_INITDB_ARGS"]
    init = services["airflow-init"]["environment"]
    assert init["WAREHOUSE_DB_HOST"] == "warehouse"
    assert init["WAREHOUSE_DB_PASSWORD"] == settings["WAREHOUSE_DB_PASSWORD"]
    # The warehouse password reaches the tasks through the connection airflow-init stores, not
    # through every service's environment.
    for name in AIRFLOW_SERVICES:
        assert settings["WAREHOUSE_DB_PASSWORD"] not in str(services[name]["environment"]), name
        assert settings["AIRFLOW_ADMIN_PASSWORD"] not in str(services[name]["environment"]), name


def test_secrets_have_no_default() -> None:
    """Every reference to a secret is ${NAME} or ${NAME:?message}, never ${NAME:-default}."""
    text = COMPOSE.read_text()
    for name in SECRETS:
        refs = re.findall(r"\$\{" + name + r"(?=[:}])([^}]*)\}", text)
        assert refs, f"{name} is not used"
        assert all(ref == "" or ref.startswith(":?") for ref in refs), (name, refs)
    assert all(not env_example()[name] for name in SECRETS), ".env.example must leave secrets empty"


def test_every_setting_is_documented() -> None:
    used = set(re.findall(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)", COMPOSE.read_text()))
    assert used <= set(env_example()), used - set(env_example())


def test_env_example_as_shipped_is_refused(tmp_path: Path) -> None:
    out = compose_config(write_env(tmp_path / ".env", env_example()))
    assert out.returncode != 0
    assert "in .env" in out.stderr
    assert any(name in out.stderr for name in REQUIRED), out.stderr


@pytest.mark.parametrize("name", REQUIRED)
def test_each_missing_setting_is_refused_by_name(tmp_path: Path, name: str) -> None:
    out = compose_config(write_env(tmp_path / ".env", filled(**{name: ""})))
    assert out.returncode != 0
    assert f"set {name} in .env" in out.stderr, out.stderr


def run_init(**env: str) -> subprocess.CompletedProcess[str]:
    """docker/airflow-init.sh with only ``env``; its checks run before it touches anything."""
    base = {
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "AIRFLOW_ADMIN_USER": "admin",
        "AIRFLOW_ADMIN_PASSWORD": secrets.token_urlsafe(16),
        "AIRFLOW_DB_PASSWORD": secrets.token_urlsafe(16),
        "WAREHOUSE_DB_PASSWORD": secrets.token_urlsafe(16),
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
        "AIRFLOW__CORE__FERNET_KEY": "not a key",
        # A sources file that cannot be read stops the script before Airflow is touched.
        "ARTICLE_ETL_SOURCES": "/nonexistent/sources.yaml",
    }
    return subprocess.run(
        ["bash", str(INIT)], capture_output=True, text=True, env=base | env, check=False, timeout=120
    )


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("AIRFLOW_ADMIN_PASSWORD", "change-me", "is a placeholder"),
        ("WAREHOUSE_DB_PASSWORD", "CHANGEME-please", "is a placeholder"),
        ("AIRFLOW_DB_PASSWORD", "airflow", "is a placeholder"),
        ("AIRFLOW__API_AUTH__JWT_SECRET", "short", "is shorter than 12 characters"),
    ],
)
def test_init_refuses_placeholders_in_one_line(name: str, value: str, says: str) -> None:
    out = run_init(**{name: value})
    assert out.returncode == 1
    assert out.stderr.startswith(f"airflow-init: {name} {says}: set ")
    assert len(out.stderr.strip().splitlines()) == 1


def test_init_refuses_a_bad_fernet_key_then_a_bad_sources_file() -> None:
    from cryptography.fernet import Fernet

    out = run_init()
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        "airflow-init: AIRFLOW__CORE__FERNET_KEY is not a Fernet key: generate one as .env.example shows"
    ]
    out = run_init(AIRFLOW__CORE__FERNET_KEY=Fernet.generate_key().decode())
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1] == (
        "airflow-init: the sources file /nonexistent/sources.yaml is invalid (see the line above)"
    )


def test_dockerfile_extends_the_pinned_airflow_image() -> None:
    text = (REPO / "Dockerfile").read_text()
    args = dict(re.findall(r"^ARG (\w+)=(\S+)$", text, re.M))
    pinned = re.search(r"^apache-airflow==(\S+)$", (REPO / "requirements.in").read_text(), re.M)
    assert pinned is not None
    assert args["AIRFLOW_VERSION"] == pinned.group(1)
    assert args["PYTHON_VERSION"] == "3.11"
    assert re.search(
        r"^FROM apache/airflow:slim-\$\{AIRFLOW_VERSION\}-python\$\{PYTHON_VERSION\}$", text, re.M
    )
    assert re.findall(r"^USER (\S+)$", text, re.M)[-1] == "airflow"
    assert "-r /tmp/article-etl/requirements.txt" in text
    lock = (REPO / "requirements.txt").read_text()
    assert re.search(r"^apache-airflow-providers-celery==", lock, re.M)
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {".venv", ".git", ".env"} <= set(ignored)
