"""A load SIGKILLed in the middle of its transaction, then re-run, leaves the day loaded exactly once.

The load runs in a real child process; a hook on its engine writes a file once a chosen INSERT has
run inside the transaction and then waits, so the SIGKILL always lands mid-transaction (after the
whole article upsert, or at the last statement before COMMIT). Nothing of the killed run may be
visible, and a re-run of the same day, in this process, must load it whole, with every row once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from article_etl.warehouse.schema import articles, pipeline_runs, rejects
from tests.conftest import REPO
from tests.warehouse.helpers import DS, big_day, load_day, make_reject, snapshot

CHILD = """
import sys, time
from pathlib import Path
from sqlalchemy import event
from article_etl.warehouse import get_engine
from tests.warehouse.helpers import big_day, load_day

url, marker, table = sys.argv[1:]
engine = get_engine(url)

@event.listens_for(engine, "after_cursor_execute")
def hold(conn, cursor, statement, parameters, context, executemany):
    if statement.startswith(f"INSERT INTO {table} "):
        Path(marker).write_text("inside the transaction")
        time.sleep(600)

load_day(engine, *big_day())
sys.exit("the load committed before it was killed")
"""


def _kill_mid_load(engine: Engine, table: str, tmp_path: Path) -> None:
    marker, errors = tmp_path / "inside", tmp_path / "child.err"
    url = engine.url.render_as_string(hide_password=False)
    with errors.open("w") as err:
        child = subprocess.Popen([sys.executable, "-c", CHILD, url, str(marker), table], cwd=REPO, stderr=err)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            if child.poll() is not None:
                pytest.fail(f"the loading child exited ({child.returncode}): {errors.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail("the loading child never reached the INSERT")
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


@pytest.mark.parametrize("kill_at", ["articles", "pipeline_runs"])
def test_a_load_killed_mid_transaction_then_rerun_loads_the_day_exactly_once(
    warehouse: Engine, kill_at: str, tmp_path: Path
) -> None:
    batch, failed, counts = big_day()
    # An earlier run of the day, with half the articles (under older titles, so the killed run has
    # rows to update: PostgreSQL sends no unchanged row at all) and other rejects: the killed run
    # must not touch it.
    earlier_failed = [make_reject(f"http://x/earlier/{i}", "fetch_error", "transient") for i in range(7)]
    earlier = [replace(a, title=f"旧标题 {i}") for i, a in enumerate(batch[:1000])]
    load_day(warehouse, earlier, earlier_failed, {"fetch": {"pages": 1000.0}})
    before = snapshot(warehouse)

    _kill_mid_load(warehouse, kill_at, tmp_path)
    assert snapshot(warehouse) == before

    result = load_day(warehouse, batch, failed, counts)
    assert (result.loaded, result.rejected) == (len(batch), len(failed))
    with warehouse.connect() as conn:
        ids = conn.execute(select(articles.c.article_id).where(articles.c.ds == DS)).scalars().all()
        stored_rejects = conn.execute(select(rejects.c.url, rejects.c.reason, rejects.c.detail)).all()
        metrics = conn.execute(
            select(pipeline_runs.c.stage, pipeline_runs.c.metric, pipeline_runs.c.value)
        ).all()
    assert len(ids) == len(set(ids)) == len(batch)
    assert set(ids) == {a.article_id for a in batch}
    assert sorted(tuple(r) for r in stored_rejects) == sorted((r.url, r.reason, r.detail) for r in failed)
    expected = {(stage, m, v) for stage, ms in counts.items() for m, v in ms.items()}
    assert {tuple(r) for r in metrics} == expected | {("load", "loaded", 2000.0), ("load", "rejected", 0.0)}
    assert len(metrics) == len(expected) + 2

    # And the re-run is itself repeatable.
    after = snapshot(warehouse)
    load_day(warehouse, batch, failed, counts)
    assert snapshot(warehouse) == after
