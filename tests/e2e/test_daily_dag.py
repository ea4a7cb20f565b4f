"""The daily DAG, run by Airflow (`airflow dags test`) against the demo news site over HTTP.

Nothing is mocked: real loopback HTTP, real Airflow with a throwaway metadata DB, real SQLite
warehouse. Expectations come from the demo site's own catalogue, not from pipeline output.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from article_etl.demo.catalog import BOILERPLATE_MARKERS, DEMO_DAY, catalog
from article_etl.demo.site import running_site
from article_etl.localrun import DagTestResult, dags_test
from article_etl.warehouse import get_engine
from article_etl.warehouse.schema import articles, pipeline_runs, rejects
from tests.e2e.helpers import DEMO_RUN_DATE, demo_airflow

pytestmark = pytest.mark.e2e

WINDOW = (
    datetime(DEMO_DAY.year, DEMO_DAY.month, DEMO_DAY.day, tzinfo=UTC),
    datetime(DEMO_DAY.year, DEMO_DAY.month, DEMO_DAY.day, tzinfo=UTC) + timedelta(days=1),
)


@dataclass
class Runs:
    base_url: str
    engine: Engine
    first: DagTestResult
    second: DagTestResult
    rows_after_first: tuple[list[tuple[object, ...]], ...]
    rows_after_second: tuple[list[tuple[object, ...]], ...]


def _rows(engine: Engine) -> tuple[list[tuple[object, ...]], ...]:
    """Every row of the data tables but the surrogate key and ``run_id``: the one column whose job is
    to say which run last wrote a reject, so after a re-run it rightly names the second run."""
    with engine.connect() as conn:
        return tuple(
            sorted(
                tuple(str(v) for v in r)
                for r in conn.execute(select(*[c for c in t.columns if c.name not in ("id", "run_id")]))
            )
            for t in (articles, rejects, pipeline_runs)
        )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    tmp = tmp_path_factory.mktemp("e2e")
    warehouse = f"sqlite:///{tmp / 'warehouse.db'}"
    with running_site() as base_url:
        env = demo_airflow(tmp, base_url, warehouse)
        first = dags_test(env, DEMO_RUN_DATE)
        engine = get_engine(warehouse)
        after_first = _rows(engine)
        second = dags_test(env, DEMO_RUN_DATE)
        yield Runs(base_url, engine, first, second, after_first, _rows(engine))


def _in_window(when: datetime) -> bool:
    return WINDOW[0] <= when < WINDOW[1]


def _loaded(runs: Runs) -> dict[str, dict[str, object]]:
    with runs.engine.connect() as conn:
        return {r.url: r._asdict() for r in conn.execute(select(articles))}


def _rejected(runs: Runs) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    with runs.engine.connect() as conn:
        for r in conn.execute(select(rejects.c.url, rejects.c.reason)):
            out.setdefault(r.url, set()).add(r.reason)
    return out


def test_the_run_succeeds(runs: Runs) -> None:
    assert runs.first.state == "success", runs.first.output[-8000:]
    assert runs.second.state == "success", runs.second.output[-8000:]


def test_good_articles_are_loaded_with_the_right_fields(runs: Runs) -> None:
    loaded = _loaded(runs)
    good = [a for a in catalog() if a.case == "ok" and _in_window(a.published_at)]
    assert len(good) >= 6
    for art in good:
        row = loaded.get(runs.base_url + art.url_path)
        assert row is not None, f"{art.url_path} was not loaded; rejects: {_rejected(runs)}"
        assert row["title"] == art.title
        assert row["published_at"] is not None
        published = row["published_at"]
        assert isinstance(published, datetime)
        # Zone-aware, the same instant, and the publication day as the source's readers name it.
        assert published.tzinfo is not None
        assert published == art.published_at
        assert str(row["published_date"])[:10] == art.local_published.date().isoformat()
        body = str(row["body"])
        assert "".join(art.paragraphs[0].split())[:30] in "".join(body.split())
        assert "".join(art.paragraphs[-1].split())[:30] in "".join(body.split())
        for marker in BOILERPLATE_MARKERS[art.source_id]:
            assert marker not in body, f"furniture {marker!r} left in the body of {art.url_path}"
        if art.author:
            assert row["author"]
            assert art.author.split()[0].split(",")[0] in str(row["author"])


def test_only_the_data_interval_is_taken(runs: Runs) -> None:
    seen = set(_loaded(runs)) | set(_rejected(runs))
    for art in catalog():
        if not _in_window(art.published_at):
            assert runs.base_url + art.url_path not in seen, f"{art.url_path} is outside the window"


@pytest.mark.parametrize(
    ("case", "reasons"),
    [
        ("not_found", {"http_status"}),
        ("missing_title", {"missing_title"}),
        ("corrupted", {"pinyin_artifact", "lost_chars"}),
        ("duplicate", {"duplicate"}),
    ],
)
def test_bad_cases_are_quarantined_with_their_reason(runs: Runs, case: str, reasons: set[str]) -> None:
    rejected, loaded = _rejected(runs), _loaded(runs)
    cases = [a for a in catalog() if a.case == case and _in_window(a.published_at)]
    assert cases, f"the demo site has no {case} case on the demo day"
    for art in cases:
        url = runs.base_url + art.url_path
        assert url not in loaded
        assert rejected.get(url, set()) & reasons, (
            f"{art.url_path}: expected {reasons}, got {rejected.get(url)}"
        )


def test_the_duplicate_keeps_exactly_one_copy(runs: Runs) -> None:
    loaded = _loaded(runs)
    for art in catalog():
        if art.case == "duplicate" and _in_window(art.published_at):
            assert runs.base_url + str(art.duplicate_of) in loaded


def test_a_second_run_of_the_same_day_changes_nothing(runs: Runs) -> None:
    assert runs.rows_after_first[0], "nothing was loaded"
    assert runs.rows_after_second == runs.rows_after_first


def test_nothing_is_dropped_silently(runs: Runs) -> None:
    """Every URL the feeds list for the day is either loaded or rejected with a reason."""
    listed = {runs.base_url + a.url_path for a in catalog() if _in_window(a.published_at)}
    accounted = set(_loaded(runs)) | set(_rejected(runs))
    assert listed <= accounted, f"unaccounted for: {sorted(listed - accounted)}"


def test_landing_zone_is_partitioned_by_stage_ds_and_source(runs: Runs) -> None:
    data = Path(str(runs.engine.url.database)).parent / "data"
    for stage in ("discover", "fetch", "clean", "validate", "load"):
        assert list((data / stage / f"ds={DEMO_DAY.isoformat()}").glob("source=*")), stage
