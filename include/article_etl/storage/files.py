"""Files of the landing zone: atomic writes, JSON lines (plain or gzipped), clear errors.

Every write goes to a temporary file in the same folder and is renamed into place, so a reader
never sees half a file. A full disk or an unwritable folder becomes a StorageError that names
the path and what to do, and whatever was there before stays. Folder and file *names* are not
decided here but in ``storage.partition``.
"""

from __future__ import annotations

import errno
import gzip
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
    except StorageError:  # already names its file and remedy (e.g. a missing upstream partition)
        tmp.unlink(missing_ok=True)
        raise
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _storage_error(path, exc) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class JsonlWriter:
    """Appends records to one JSON-lines file (gzipped when its name ends ``.gz``), one at a time,
    so a stage's memory stays flat in the number of records. Used inside ``atomic_writer``."""

    def __init__(self, handle: IO[bytes], gzipped: bool) -> None:
        self._raw = handle
        self._out: IO[bytes] = (
            gzip.GzipFile(fileobj=handle, mode="wb", mtime=0) if gzipped else handle  # type: ignore[assignment]
        )
        self.count = 0

    @staticmethod
    def encode(record: Any) -> bytes:
        """The record's line as bytes; raises (UnicodeEncodeError, TypeError) before anything is
        written, so a caller can turn one unwritable record into that record's reject."""
        return (to_json(record) + "\n").encode("utf-8")

    def write_line(self, line: bytes) -> None:
        self._out.write(line)
        self.count += 1

    def write(self, record: Any) -> None:
        self.write_line(self.encode(record))

    def close(self) -> None:
        if self._out is not self._raw:
            self._out.close()


@contextmanager
def jsonl_writer(path: Path) -> Iterator[JsonlWriter]:
    """Write a JSON-lines file atomically, record by record."""
    with atomic_writer(path, "wb") as handle:
        writer = JsonlWriter(handle, gzipped=path.name.endswith(".gz"))
        try:
            yield writer
        finally:
            writer.close()


def write_jsonl(path: Path, records: Iterable[Any]) -> int:
    """Write record dataclasses as JSON lines, atomically; returns how many were written."""
    with jsonl_writer(path) as writer:
        for record in records:
            writer.write(record)
    return writer.count


def iter_jsonl(path: Path, cls: type[T]) -> Iterator[T]:
    """The records of a file ``write_jsonl`` wrote, one at a time; a missing file is an error."""
    if not path.exists():
        raise StorageError(
            errno.ENOENT,
            f"{path} does not exist: the stage that writes it has not published it; "
            "clear and re-run the upstream task",
        )
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield from_json(cls, line)


def read_jsonl(path: Path, cls: type[T]) -> list[T]:
    """All records of a JSON-lines file (for small files; stages iterate with ``iter_jsonl``)."""
    return list(iter_jsonl(path, cls))


def _storage_error(path: Path, exc: OSError) -> StorageError:
    if exc.errno == errno.ENOSPC:
        hint = "the disk is full: free space under ARTICLE_ETL_HOME and re-run the task"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "the folder is not writable: fix its permissions or point ARTICLE_ETL_HOME elsewhere"
    else:
        hint = "check the disk and ARTICLE_ETL_HOME, then re-run the task"
    return StorageError(exc.errno or 0, f"cannot write {path}: {exc.strerror or exc}; {hint}")
