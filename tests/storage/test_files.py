from __future__ import annotations

import errno
from pathlib import Path

import pytest

from article_etl.records import Reject
from article_etl.storage import StorageError, atomic_writer, read_jsonl, write_jsonl


def _reject(url: str) -> Reject:
    return Reject(
        ds="2026-11-18", stage="fetch", source_id="s", url=url, reason="http_status", detail="HTTP 404 ✓"
    )


@pytest.mark.parametrize("name", ["rejects.jsonl", "pages.jsonl.gz"])
def test_jsonl_round_trip_keeps_unicode(data_home: Path, name: str) -> None:
    path = data_home / name
    assert write_jsonl(path, [_reject("http://a/镕"), _reject("http://b/")]) == 2
    if not name.endswith(".gz"):
        assert "镕" in path.read_text(encoding="utf-8")
    assert read_jsonl(path, Reject) == [_reject("http://a/镕"), _reject("http://b/")]


def test_failed_write_keeps_the_old_file_and_leaves_no_temp(data_home: Path) -> None:
    path = data_home / "clean" / "articles.jsonl"
    write_jsonl(path, [_reject("http://old/")])

    def boom():  # type: ignore[no-untyped-def]
        yield _reject("http://new/")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(StorageError, match="disk is full"):
        write_jsonl(path, boom())
    assert read_jsonl(path, Reject) == [_reject("http://old/")]
    assert [p.name for p in path.parent.iterdir()] == ["articles.jsonl"]


def test_unwritable_folder_names_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with (
        pytest.raises(StorageError, match=str(blocker)),
        atomic_writer(blocker / "sub" / "out.jsonl") as handle,
    ):
        handle.write("never")


def test_missing_partition_says_which_stage_to_rerun(data_home: Path) -> None:
    with pytest.raises(StorageError, match="re-run the upstream task"):
        read_jsonl(data_home / "nope.jsonl", Reject)
