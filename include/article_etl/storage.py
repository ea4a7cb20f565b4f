"""The landing zone: where each stage leaves its output for the next one.

Layout: ``{ARTICLE_ETL_HOME}/{stage}/ds=YYYY-MM-DD/source={id}/{name}``. Every write goes to a
temporary file in the same folder and is renamed into place, so a retried or re-run task
replaces its partition whole and a reader never sees half a file. A full disk or an unwritable
folder becomes a StorageError that names the path and what to do, and the old file stays.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

from article_etl.records import from_json, to_json

T = TypeVar("T")

DEFAULT_HOME = ".article_etl"


class StorageError(OSError):
    """A landing-zone write or read that failed; the message names the file and the remedy."""


def data_root() -> Path:
    """ARTICLE_ETL_HOME, default ``./.article_etl``: the root of the landing zone and SQLite file."""
    return Path(os.environ.get("ARTICLE_ETL_HOME", DEFAULT_HOME)).resolve()


def partition(stage: str, ds: str, source_id: str, root: Path | None = None) -> Path:
    """The folder one stage writes for one day and one source."""
    return (root or data_root()) / stage / f"ds={ds}" / f"source={source_id}"


@contextmanager
def atomic_writer(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary sibling of ``path`` for writing and rename it over ``path`` on success."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _storage_error(path, exc) from exc
    tmp = Path(tmp_name)
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _storage_error(path, exc) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_jsonl(path: Path, records: Iterable[Any]) -> int:
    """Write record dataclasses as JSON lines, atomically; returns how many were written."""
    count = 0
    with atomic_writer(path) as handle:
        for record in records:
            handle.write(to_json(record))
            handle.write("\n")
            count += 1
    return count


def read_jsonl(path: Path, cls: type[T]) -> list[T]:
    """Read what ``write_jsonl`` wrote; a missing file is an error naming the stage to re-run."""
    if not path.exists():
        raise StorageError(
            f"{path} does not exist: the stage that writes it has not run for this day and source; "
            "clear and re-run the upstream task"
        )
    with path.open(encoding="utf-8") as handle:
        return [from_json(cls, line) for line in handle if line.strip()]


def _storage_error(path: Path, exc: OSError) -> StorageError:
    if exc.errno == errno.ENOSPC:
        hint = "the disk is full: free space under ARTICLE_ETL_HOME and re-run the task"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "the folder is not writable: fix its permissions or point ARTICLE_ETL_HOME elsewhere"
    else:
        hint = "check the disk and ARTICLE_ETL_HOME, then re-run the task"
    return StorageError(exc.errno or 0, f"cannot write {path}: {exc.strerror or exc}; {hint}")
