"""The DAG's ``replay`` param, run by Airflow (``airflow dags test``) against the demo site: a day
fetched, then the same day triggered with ``replay`` on while the site is still up. The replay
run succeeds, sends the site no request and leaves the same article rows; the warehouse records
that the day was replayed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from article_etl.demo.site import SiteFaults, running_site
from article_etl.localrun import dags_test
from article_etl.warehouse import get_engine
from article_etl.warehouse.schema import articles, pipeline_runs
from tests.e2e.helpers import DEMO_RUN_DATE, demo_airflow

pytestmark = pytest.mark.e2e

SOURCE = "harbor"


def _articles(engine: Engine) -> list[tuple[str, ...]]:
    with engine.connect() as conn:
        return sorted(tuple(str(v) for v in r) for r in conn.execute(select(articles)))


def _replayed(engine: Engine) -> list[float]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(pipeline_runs.c.value).where(
                    pipeline_runs.c.source_id == SOURCE, pipeline_runs.c.metric == "replayed"
                )
            ).scalars()
        )


def test_the_replay_param_reloads_the_day_without_a_request(tmp_path: Path) -> None:
    warehouse = f"sqlite:///{tmp_path / 'warehouse.db'}"
    faults = SiteFaults()
    with running_site(faults=faults) as base_url:
        env = demo_airflow(tmp_path, base_url, warehouse)
        fetched = dags_test(env, DEMO_RUN_DATE, conf={"sources": [SOURCE]})
        assert fetched.state == "success", fetched.output[-8000:]
        asked = faults.requests
        assert asked > 0
        engine = get_engine(warehouse)
        before = _articles(engine)
        assert before
        assert _replayed(engine) == []

        replayed = dags_test(env, DEMO_RUN_DATE, conf={"sources": [SOURCE], "replay": True})
        assert replayed.state == "success", replayed.output[-8000:]
        assert faults.requests == asked  # the site was up and heard nothing
        assert _articles(engine) == before
        assert _replayed(engine) == [1.0]
