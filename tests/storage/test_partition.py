"""Run-scoped partitions: attempts, atomic publish, checks against the manifest, retention."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from article_etl.records import Reject
from article_etl.run import Day
from article_etl.storage import Kind, Manifest, PartitionError, Retention, RunPartition, Stage, run_key

DAY = Day.of("2026-11-18", run_id="manual__2026-11-19T00:00:00+00:00")


def _manifest(part: RunPartition) -> Manifest:
    return Manifest(
        stage=part.stage.value,
        ds=part.ds,
        source_id=part.source_id,
        run_id=part.run_id,
        try_number=1,
        started_at="2026-11-19T00:00:00+00:00",
    )


def _reject(url: str) -> Reject:
    return Reject(ds=DAY.ds, stage="fetch", source_id="s", url=url, reason="http_status", detail="HTTP 404")


def _publish(part: RunPartition, urls: list[str], try_number: int = 1) -> str:
    attempt = part.begin(try_number)
    with attempt.writer(Kind.REJECTS) as out:
        for url in urls:
            out.write(_reject(url))
    attempt.publish(_manifest(part))
    return attempt.name


def test_nothing_is_visible_before_publish_and_the_error_says_what_to_rerun(tmp_path: Path) -> None:
    part = RunPartition.of(Stage.FETCH, DAY, "s", tmp_path)
    attempt = part.begin(1)
    with attempt.writer(Kind.REJECTS) as out:
        out.write(_reject("http://a/"))
    with pytest.raises(PartitionError, match="clear and re-run the fetch task"):
        part.published()
    attempt.publish(_manifest(part))
    assert [r.url for r in part.published().records(Kind.REJECTS, Reject)] == ["http://a/"]


def test_a_retry_replaces_the_published_attempt_and_leaves_the_first_untouched(tmp_path: Path) -> None:
    part = RunPartition.of(Stage.FETCH, DAY, "s", tmp_path)
    first = _publish(part, ["http://a/"])
    second = _publish(part, ["http://b/"], try_number=2)
    published = part.published()
    assert published.attempt == second
    assert [r.url for r in published.records(Kind.REJECTS, Reject)] == ["http://b/"]
    # The first try is still readable by name (a downstream manifest may point at it).
    assert [r.url for r in part.published(first).records(Kind.REJECTS, Reject)] == ["http://a/"]


def test_two_runs_of_one_day_have_separate_folders(tmp_path: Path) -> None:
    backfill = RunPartition.of(Stage.CLEAN, Day.of(DAY.ds, run_id="backfill__x"), "s", tmp_path)
    manual = RunPartition.of(Stage.CLEAN, DAY, "s", tmp_path)
    _publish(backfill, ["http://backfill/"])
    _publish(manual, ["http://manual/"])
    assert backfill.folder != manual.folder
    assert [r.url for r in backfill.published().records(Kind.REJECTS, Reject)] == ["http://backfill/"]
    assert [r.url for r in manual.published().records(Kind.REJECTS, Reject)] == ["http://manual/"]


def test_a_truncated_file_is_refused_as_partial(tmp_path: Path) -> None:
    part = RunPartition.of(Stage.FETCH, DAY, "s", tmp_path)
    _publish(part, ["http://a/", "http://b/"])
    path = part.published().path(Kind.REJECTS)
    path.write_bytes(path.read_bytes()[:10])
    with pytest.raises(PartitionError, match="missing or partial"):
        part.published().path(Kind.REJECTS)


def test_a_kind_never_published_is_an_error_naming_the_stage(tmp_path: Path) -> None:
    part = RunPartition.of(Stage.FETCH, DAY, "s", tmp_path)
    _publish(part, [])
    with pytest.raises(PartitionError, match="published no articles"):
        part.published().path(Kind.ARTICLES)


def test_run_keys_are_folder_safe_and_distinct() -> None:
    a, b = run_key("manual__2026-11-19T00:00:00+00:00"), run_key("manual__2026-11-19T00_00_00_00_00")
    assert "/" not in a
    assert ":" not in a
    assert "+" not in a
    assert a != b
    assert run_key("plain-run_1") == "plain-run_1"


def _age(path: Path, seconds: float) -> None:
    when = time.time() - seconds
    for p in [path, *path.rglob("*")]:
        os.utime(p, (when, when))


def test_retention_removes_old_runs_and_abandoned_tries_but_keeps_the_newest_run(tmp_path: Path) -> None:
    retention = Retention(retention_days=1, abandoned_attempt_hours=1)
    old = RunPartition.of(Stage.FETCH, Day.of(DAY.ds, run_id="old"), "s", tmp_path)
    _publish(old, ["http://old/"])
    _age(old.folder, 3 * 86400)
    # An abandoned try of the newest run (a killed attempt that never published).
    new = RunPartition.of(Stage.FETCH, Day.of(DAY.ds, run_id="new"), "s", tmp_path)
    abandoned = new.begin(1)
    _age(abandoned.folder, 2 * 3600)
    kept = new.begin(2)
    with kept.writer(Kind.REJECTS) as out:
        out.write(_reject("http://new/"))
    kept.publish(_manifest(new), retention)
    assert not old.folder.exists()
    assert not abandoned.folder.exists()
    assert [r.url for r in new.published().records(Kind.REJECTS, Reject)] == ["http://new/"]


def test_retention_never_removes_the_only_published_run(tmp_path: Path) -> None:
    retention = Retention(retention_days=1, abandoned_attempt_hours=1)
    only = RunPartition.of(Stage.FETCH, DAY, "s", tmp_path)
    _publish(only, ["http://a/"])
    _age(only.folder, 30 * 86400)
    # A later run's attempt that fails (an outage) publishes nothing and prunes nothing.
    retention.prune(RunPartition.of(Stage.FETCH, Day.of(DAY.ds, run_id="outage"), "s", tmp_path), keep="")
    assert [r.url for r in only.published().records(Kind.REJECTS, Reject)] == ["http://a/"]
