"""A bad day never destroys a good one: outages, concurrent runs, retries.

Real parts only: the demo news site on loopback (switched into failure modes with
``SiteFaults``), the stage modules as the DAG calls them, a real SQLite warehouse.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from article_etl.demo.catalog import catalog
from article_etl.demo.site import SiteFaults, running_site
from article_etl.errors import TransientError
from article_etl.fetch import DiscoveryError
from article_etl.run import Day
from article_etl.stages import clean, discover, fetch
from article_etl.stages.fetch import SourceUnavailableError
from article_etl.stages.load import QualityGateError
from article_etl.storage import Kind, PartitionError, RunPartition, Stage
from article_etl.warehouse import get_engine
from article_etl.warehouse.schema import articles, rejects
from tests.stages.helpers import DS, article_rows, demo_settings, reject_reasons, run_day

SOURCES = ("xijiang", "luoyang", "harbor")


def _warc_digests(root: Path) -> dict[str, str]:
    """sha256 of every published fetch WARC, by source."""
    out = {}
    for source_id in SOURCES:
        part = RunPartition.of(Stage.FETCH, Day.of(DS, run_id="good"), source_id, root)
        out[source_id] = hashlib.sha256(part.published().path(Kind.WARC).read_bytes()).hexdigest()
    return out


def test_a_rerun_while_article_pages_answer_503_keeps_every_article_and_the_raw_warc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    faults = SiteFaults()
    warehouse = f"sqlite:///{tmp_path / 'w.db'}"
    engine = get_engine(warehouse)
    with running_site(faults=faults) as base_url:
        settings = demo_settings(base_url, monkeypatch)
        for source_id in SOURCES:
            run_day(settings, "good", warehouse, tmp_path, source_id)
        loaded = article_rows(engine)
        warcs = _warc_digests(tmp_path)
        assert len(loaded) >= 6
        faults.pages_down = True  # the feeds still answer; every article page is 503
        for source_id in SOURCES:
            day = Day.of(DS, run_id="during_outage")
            discover.run(settings, source_id, day, tmp_path)
            with pytest.raises(SourceUnavailableError, match="looks down") as caught:
                fetch.run(settings, source_id, day, tmp_path)
            assert isinstance(caught.value, TransientError)  # the task retries; it is not a data problem
            # Nothing was published, so no later stage of this run can read an empty batch.
            with pytest.raises(PartitionError, match="published nothing"):
                clean.run(settings, source_id, day, tmp_path)
    assert article_rows(engine) == loaded
    assert _warc_digests(tmp_path) == warcs


def test_a_rerun_while_the_whole_site_is_down_keeps_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = f"sqlite:///{tmp_path / 'w.db'}"
    engine = get_engine(warehouse)
    with running_site() as base_url:
        settings = demo_settings(base_url, monkeypatch)
        for source_id in SOURCES:
            run_day(settings, "good", warehouse, tmp_path, source_id)
    loaded, warcs = article_rows(engine), _warc_digests(tmp_path)
    # The site is stopped now: its port refuses connections.
    for source_id in SOURCES:
        with pytest.raises(DiscoveryError):
            discover.run(settings, source_id, Day.of(DS, run_id="site_stopped"), tmp_path)
    assert article_rows(engine) == loaded
    assert _warc_digests(tmp_path) == warcs


def test_a_few_pages_down_keep_their_earlier_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below the outage threshold the batch goes on; a 503 reject says nothing about the article,
    so the article loaded earlier for that URL stays."""
    faults = SiteFaults()
    warehouse = f"sqlite:///{tmp_path / 'w.db'}"
    engine = get_engine(warehouse)
    with running_site(faults=faults) as base_url:
        settings = demo_settings(base_url, monkeypatch)
        run_day(settings, "good", warehouse, tmp_path, "harbor")
        loaded = article_rows(engine)
        settings.fetch.max_transient_failure_rate = 1.0  # let the outage batch through to the load
        faults.pages_down = True
        with pytest.raises(QualityGateError, match="site was down or blocking us"):
            run_day(settings, "outage_passed_on", warehouse, tmp_path, "harbor")
    assert article_rows(engine) == loaded
    reasons = reject_reasons(engine)
    assert all(r == ["http_status"] for url, r in reasons.items() if "/harbor/" in url)


def test_two_runs_of_one_day_at_once_load_every_url_exactly_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backfill beside a manual run, against pages that change on every request (an ad slot)."""
    faults = SiteFaults(ad_slot=True)
    warehouse = f"sqlite:///{tmp_path / 'w.db'}"
    engine = get_engine(warehouse)
    errors: list[BaseException] = []
    with running_site(faults=faults) as base_url:
        settings = demo_settings(base_url, monkeypatch)
        start = threading.Barrier(2)

        def one_run(run_id: str) -> None:
            try:
                start.wait()
                for source_id in SOURCES:
                    run_day(settings, run_id, warehouse, tmp_path, source_id)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=one_run, args=(r,)) for r in ("backfill__1", "manual__1")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
    assert not errors, errors
    with engine.connect() as conn:
        loaded = [r.url for r in conn.execute(select(articles.c.url))]
        rejected = [r.url for r in conn.execute(select(rejects.c.url))]
    assert len(loaded) == len(set(loaded)), "an article was loaded twice"
    assert len(rejected) == len(set(rejected)), "a URL was rejected twice"
    day = Day.of(DS)
    listed = {base_url + a.url_path for a in catalog() if day.start <= a.published_at < day.end}
    assert not set(loaded) & set(rejected), "a URL is both loaded and rejected"
    assert listed <= set(loaded) | set(rejected), sorted(listed - set(loaded) - set(rejected))
