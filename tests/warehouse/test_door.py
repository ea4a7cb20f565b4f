"""The door: an unreachable warehouse, a full disk, a utf8mb3 table or connection each fail in
one line naming the warehouse (password masked) and the remedy, before any page is fetched."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from article_etl.cli import main
from article_etl.warehouse.dialects import WarehouseSetupError, capabilities_for, dialect_for, known
from article_etl.warehouse.door import WarehouseFull, WarehouseUnavailable, prepare_warehouse
from tests.warehouse.conftest import mariadb_database


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_warehouse_is_one_line_with_the_password_masked() -> None:
    url = f"postgresql+psycopg://etl:s3cret@127.0.0.1:{_closed_port()}/warehouse?connect_timeout=3"
    with pytest.raises(WarehouseUnavailable) as info:
        prepare_warehouse(url)
    message = str(info.value)
    assert "\n" not in message
    assert "s3cret" not in message
    assert "etl:***@127.0.0.1" in message
    assert "ARTICLE_ETL_WAREHOUSE_URL" in message


def test_article_etl_run_stops_before_fetching_when_the_warehouse_is_down(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No page is requested: the demo sources point at a listener that records any connection."""
    hits: list[int] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    threading.Thread(target=lambda: (server.accept(), hits.append(1)), daemon=True).start()
    monkeypatch.setenv("ARTICLE_ETL_DEMO_URL", f"http://127.0.0.1:{server.getsockname()[1]}")
    url = f"mysql+pymysql://etl:s3cret@127.0.0.1:{_closed_port()}/w"
    assert main(["run", "--ds", "2026-11-18", "--warehouse", url]) == 2
    err = capsys.readouterr().err.strip()
    server.close()
    assert len(err.splitlines()) == 1
    assert "unreachable" in err
    assert "s3cret" not in err
    assert hits == []


def test_a_full_disk_fails_before_loading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARTICLE_ETL_MIN_FREE_MB", str(10**12))
    with pytest.raises(WarehouseFull) as info:
        prepare_warehouse(f"sqlite:///{tmp_path / 'w.db'}")
    assert "\n" not in str(info.value)
    assert "free space" in str(info.value)


def test_dialects_are_plugins_with_declared_capabilities() -> None:
    assert set(known()) >= {"sqlite", "postgresql", "mysql", "mariadb"}
    assert capabilities_for("postgresql").bulk_load == "copy"
    assert capabilities_for("postgresql").timestamps == "native"
    assert capabilities_for("sqlite").timestamps == "iso_offset"
    assert capabilities_for("mysql").timestamps == "utc_naive"
    assert dialect_for("mariadb") is dialect_for("mysql")
    with pytest.raises(WarehouseSetupError, match="not supported"):
        dialect_for("oracle")


@pytest.mark.mysql
def test_a_utf8mb3_table_is_refused_with_the_statement_that_fixes_it() -> None:
    with mariadb_database() as url:
        engine = prepare_warehouse(url)
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE articles CONVERT TO CHARACTER SET utf8mb3"))
        from article_etl.warehouse import door

        door._ready.discard(url)
        with pytest.raises(WarehouseSetupError) as info:
            prepare_warehouse(url)
        assert "utf8mb3" in str(info.value)
        assert "CONVERT TO CHARACTER SET utf8mb4" in str(info.value)
        assert "\n" not in str(info.value)


@pytest.mark.mysql
def test_a_utf8mb3_connection_is_refused() -> None:
    with mariadb_database() as url, pytest.raises(WarehouseSetupError, match="charset=utf8mb4"):
        prepare_warehouse(url.replace("charset=utf8mb4", "charset=utf8mb3"))


@pytest.mark.mysql
def test_mariadb_article_text_is_longtext() -> None:
    with mariadb_database() as url:
        engine = prepare_warehouse(url)
        with engine.connect() as conn:
            types = dict(
                conn.execute(
                    text(
                        "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS "
                        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'articles' AND COLUMN_NAME IN ('title', 'body')"
                    )
                ).all()
            )
    assert types == {"title": "longtext", "body": "longtext"}
