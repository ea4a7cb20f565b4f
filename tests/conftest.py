"""Shared fixtures: service URLs, a loopback HTTP server, a fresh landing zone."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def service_url(env_name: str, what: str) -> str:
    """The URL of a test service; skip when unset, unless CI requires services (then fail)."""
    url = os.environ.get(env_name)
    if url:
        return url
    if os.environ.get("ARTICLE_ETL_REQUIRE_SERVICES"):
        pytest.fail(f"{env_name} is not set but ARTICLE_ETL_REQUIRE_SERVICES is: CI must test against {what}")
    pytest.skip(f"{env_name} is not set: no {what} to test against (set it to run these tests)")


def reachable_engine(env_name: str, what: str):  # type: ignore[no-untyped-def]
    """An engine on the service, or skip/fail (as above) when it does not answer."""
    from sqlalchemy import create_engine, text

    url = service_url(env_name, what)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        if os.environ.get("ARTICLE_ETL_REQUIRE_SERVICES"):
            pytest.fail(f"{what} at {engine.url.render_as_string(hide_password=True)} is unreachable: {exc}")
        pytest.skip(f"{what} is unreachable: {exc}")
    return engine


Route = tuple[int, list[tuple[str, str]], bytes]


@contextlib.contextmanager
def serving(routes: dict[str, Route], log: list[str] | None = None) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving ``routes`` (path -> status, headers, body) while the
    block runs; yields its base URL. Routes may be added after it starts. ``log``, when given,
    gets the path of every request received, in order (a test proves what was not requested)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if log is not None:
                log.append(self.path)
            status, headers, body = routes.get(
                self.path, (404, [("Content-Type", "text/plain")], b"not found")
            )
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def http_server() -> Iterator[Callable[[dict[str, Route]], str]]:
    """A real HTTP server on 127.0.0.1 serving the routes a test gives it; returns its base URL."""
    with contextlib.ExitStack() as servers:
        yield lambda routes: servers.enter_context(serving(routes))


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh ARTICLE_ETL_HOME for the test."""
    home = tmp_path / "home"
    monkeypatch.setenv("ARTICLE_ETL_HOME", str(home))
    monkeypatch.delenv("ARTICLE_ETL_WAREHOUSE_URL", raising=False)
    return home


@pytest.fixture
def sqlite_engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A warehouse in a fresh SQLite file, schema created."""
    from article_etl.warehouse.door import prepare_warehouse

    return prepare_warehouse(f"sqlite:///{tmp_path / 'w.db'}")
