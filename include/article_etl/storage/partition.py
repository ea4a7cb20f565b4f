"""Run-scoped partitions of the landing zone: the only place that knows folder and file names.

Layout, for one stage of one day of one source and one run::

    {ARTICLE_ETL_HOME}/{stage}/ds={ds}/source={id}/run={run}/
        try=001-<nonce>/          one attempt: its files and _manifest.json
        try=002-<nonce>/          a retry writes beside it, never over it
        PUBLISHED                 {"attempt": "try=002-<nonce>"}: the one that counts

An attempt writes everything into its own folder, then publishes by one atomic rename of the
``PUBLISHED`` pointer. A reader follows the pointer of the same run (or the exact attempt an
upstream manifest names), checks every file against the manifest, and fails loudly on missing
or partial input. So two runs of one day (a backfill beside a manual run) cannot read each
other's half-written files, a retry cannot leave a mix of two tries, and the raw capture of an
earlier good run is never overwritten: an outage run that does not publish leaves nothing.

The shape follows dlt's PackageStorage: stages ask for a *kind* of output (``Kind.ARTICLES``)
and never spell a path.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from article_etl.errors import PermanentError
from article_etl.run import Day
from article_etl.storage.files import (
    JsonlWriter,
    StorageError,
    atomic_writer,
    data_root,
    iter_jsonl,
    jsonl_writer,
)
from article_etl.storage.manifest import Manifest

T = TypeVar("T")

log = logging.getLogger(__name__)

_POINTER = "PUBLISHED"
_MANIFEST = "_manifest.json"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class Stage(StrEnum):
    """The stages, in flow order; each owns one tree of the landing zone."""

    DISCOVER = "discover"
    FETCH = "fetch"
    CLEAN = "clean"
    VALIDATE = "validate"
    LOAD = "load"


class Kind(StrEnum):
    """The kinds of output a stage can publish; ``_FILES`` gives each its file name."""

    URLS = "urls"
    PAGES = "pages"
    WARC = "warc"
    ARTICLES = "articles"
    DQ_RESULTS = "dq_results"
    REJECTS = "rejects"
    # discover: listed URLs whose article another day already loaded (not fetched again)
    ALREADY_LOADED = "already_loaded"


_FILES: dict[Kind, str] = {
    Kind.URLS: "urls.jsonl",
    Kind.PAGES: "pages.jsonl.gz",
    Kind.WARC: "pages.warc.gz",
    Kind.ARTICLES: "articles.jsonl",
    Kind.DQ_RESULTS: "dq_results.jsonl",
    Kind.REJECTS: "rejects.jsonl",
    Kind.ALREADY_LOADED: "already_loaded.jsonl",
}


class PartitionError(StorageError, PermanentError):
    """Upstream output that is missing or partial: re-running this task alone cannot help."""


def run_key(run_id: str) -> str:
    """A folder-safe spelling of a run id (Airflow's contain ``:`` and ``+``), unique per id."""
    safe = _SAFE.sub("_", run_id).strip("._")[:80] or "run"
    if safe == run_id:
        return safe
    return f"{safe}-{hashlib.sha1(run_id.encode()).hexdigest()[:8]}"


@dataclass(frozen=True)
class RunPartition:
    """One stage's output for one day, source and run."""

    stage: Stage
    ds: str
    source_id: str
    run_id: str
    root: Path

    @classmethod
    def of(cls, stage: Stage, day: Day, source_id: str, root: Path | None = None) -> RunPartition:
        return cls(stage, day.ds, source_id, day.run_id, root or data_root())

    @property
    def partition_folder(self) -> Path:
        """Every run of this stage, day and source."""
        return self.root / self.stage.value / f"ds={self.ds}" / f"source={self.source_id}"

    @property
    def folder(self) -> Path:
        return self.partition_folder / f"run={run_key(self.run_id)}"

    def begin(self, try_number: int) -> Attempt:
        """A fresh attempt folder to write into; nothing is visible until ``publish``."""
        name = f"try={try_number:03d}-{secrets.token_hex(4)}"
        folder = self.folder / name
        try:
            folder.mkdir(parents=True, exist_ok=False)
        except OSError as exc:
            raise StorageError(
                exc.errno or 0,
                f"cannot create {folder}: {exc.strerror or exc}; check the disk and ARTICLE_ETL_HOME",
            ) from exc
        return Attempt(self, folder)

    def published(self, attempt: str | None = None) -> Published:
        """What this run published (or the named attempt of it); PartitionError if nothing."""
        if attempt is None:
            pointer = self.folder / _POINTER
            try:
                attempt = str(json.loads(pointer.read_text(encoding="utf-8"))["attempt"])
            except FileNotFoundError:
                raise PartitionError(
                    2,
                    f"{self.stage.value} has published nothing for source {self.source_id}, ds {self.ds}, "
                    f"run {self.run_id} (no {pointer}); clear and re-run the {self.stage.value} task of this run",
                ) from None
            except (ValueError, KeyError) as exc:
                raise PartitionError(
                    0, f"{pointer} is unreadable ({exc}); re-run the {self.stage.value} task"
                ) from exc
        folder = self.folder / attempt
        manifest_path = folder / _MANIFEST
        if not manifest_path.exists():
            raise PartitionError(
                2,
                f"{folder} has no {_MANIFEST}: the attempt is incomplete; re-run the {self.stage.value} task",
            )
        manifest = Manifest.from_json(manifest_path.read_text(encoding="utf-8"))
        return Published(self, folder, manifest)

    def has_published(self) -> bool:
        return (self.folder / _POINTER).exists()


class Attempt:
    """One try of a stage, writing into its own folder."""

    def __init__(self, partition: RunPartition, folder: Path) -> None:
        self.partition = partition
        self.folder = folder

    @property
    def name(self) -> str:
        return self.folder.name

    def path(self, kind: Kind) -> Path:
        """Where this attempt keeps ``kind`` (for writers that need a path, such as WARC)."""
        return self.folder / _FILES[kind]

    def raw_ref(self, record_id: str) -> str:
        return raw_ref(self.partition, record_id)

    def writer(self, kind: Kind) -> AbstractContextManager[JsonlWriter]:
        """A record-at-a-time writer for ``kind`` (atomic: the file appears whole or not at all)."""
        return jsonl_writer(self.path(kind))

    def publish(self, manifest: Manifest, retention: Retention | None = None) -> Published:
        """Write the manifest (with each file's size), then make this attempt the run's output."""
        files: dict[str, int] = {}
        for kind, name in _FILES.items():
            path = self.folder / name
            if path.exists():
                files[kind.value] = path.stat().st_size
        manifest.files = files
        manifest.attempt = self.name
        with atomic_writer(self.folder / _MANIFEST) as handle:
            handle.write(manifest.to_json())
        with atomic_writer(self.folder.parent / _POINTER) as handle:
            handle.write(json.dumps({"attempt": self.name}))
        if retention is not None:
            try:
                retention.prune(self.partition, keep=self.name)
            except OSError as exc:  # a concurrent prune removed something first: never fail a publish
                log.warning("retention of %s skipped: %s", self.partition.partition_folder, exc)
        return Published(self.partition, self.folder, manifest)

    def discard(self) -> None:
        """Remove an attempt that will not publish (a failed try), so it leaves no litter."""
        shutil.rmtree(self.folder, ignore_errors=True)


class Published:
    """A published attempt: its manifest and its files, each checked against the manifest."""

    def __init__(self, partition: RunPartition, folder: Path, manifest: Manifest) -> None:
        self.partition = partition
        self.folder = folder
        self.manifest = manifest

    @property
    def attempt(self) -> str:
        return self.folder.name

    def path(self, kind: Kind) -> Path:
        """The file of ``kind``, after checking it is there whole; PartitionError otherwise."""
        path = self.folder / _FILES[kind]
        expected = self.manifest.files.get(kind.value)
        if expected is None:
            raise PartitionError(
                2,
                f"{self.partition.stage.value} of source {self.partition.source_id}, ds {self.partition.ds} "
                f"published no {kind.value} ({self.folder}); re-run the {self.partition.stage.value} task",
            )
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = -1
        if size != expected:
            raise PartitionError(
                2,
                f"{path} is missing or partial ({size} bytes, the manifest says {expected}); "
                f"re-run the {self.partition.stage.value} task of run {self.partition.run_id}",
            )
        return path

    def records(self, kind: Kind, cls: type[T]) -> Iterator[T]:
        """The records of ``kind``, one at a time."""
        return iter_jsonl(self.path(kind), cls)

    def raw_ref(self, record_id: str) -> str:
        return raw_ref(self.partition, record_id)

    def ref(self) -> dict[str, str]:
        """How a downstream manifest names this input."""
        return {"stage": self.partition.stage.value, "run_id": self.partition.run_id, "attempt": self.attempt}

    def input(self, stage: Stage) -> Published:
        """The exact attempt of ``stage`` this attempt read (from its manifest's ``inputs``), in
        whichever run it was: what a requeue or a replay copies beside an earlier capture."""
        part = self.partition
        for ref in self.manifest.inputs:
            if ref.get("stage") == stage.value:
                return RunPartition(stage, part.ds, part.source_id, ref["run_id"], part.root).published(
                    ref.get("attempt")
                )
        raise PartitionError(
            2,
            f"the {part.stage.value} run {self.manifest.run_id} of {part.source_id}, ds {part.ds} names no "
            f"{stage.value} input; re-run the day",
        )


def latest_published(stage: Stage, ds: str, source_id: str, root: Path | None = None) -> Published:
    """The newest run of ``stage`` that published for this day and source (for a requeue, which
    replays what an earlier run captured); PartitionError when no run did."""
    base = RunPartition(stage, ds, source_id, "-", root or data_root()).partition_folder
    pointers = sorted(base.glob(f"run=*/{_POINTER}"), key=lambda p: p.stat().st_mtime)
    if not pointers:
        raise PartitionError(
            2, f"no run of {stage.value} published anything for source {source_id}, ds {ds} (under {base})"
        )
    folder = pointers[-1].parent / json.loads(pointers[-1].read_text(encoding="utf-8"))["attempt"]
    manifest = Manifest.from_json((folder / _MANIFEST).read_text(encoding="utf-8"))
    return RunPartition(stage, ds, source_id, manifest.run_id, root or data_root()).published()


def copy_published(
    source: Published, day: Day, inputs: list[dict[str, str]], extra: dict[str, Any] | None = None
) -> Published:
    """Publish ``source``'s files as the output of the same stage for another run (``day``): a
    requeue or a replay reruns an earlier capture under its own run, so the earlier run stays as
    it was. ``extra`` is added to the manifest's."""
    target = RunPartition.of(source.partition.stage, day, source.partition.source_id, source.partition.root)
    attempt = target.begin(day.try_number)
    for kind in source.manifest.files:
        shutil.copyfile(source.path(Kind(kind)), attempt.path(Kind(kind)))
    old = source.manifest
    manifest = Manifest(
        stage=old.stage,
        ds=old.ds,
        source_id=old.source_id,
        run_id=day.run_id,
        try_number=day.try_number,
        started_at=old.started_at,
        finished_at=old.finished_at,
        counts=dict(old.counts),
        rejects_by_code=dict(old.rejects_by_code),
        inputs=inputs,
        extra={**old.extra, "copied_from": {"run_id": old.run_id, "attempt": old.attempt}, **(extra or {})},
    )
    return attempt.publish(manifest)


def data_docs_folder(root: Path | None = None) -> Path:
    """Where Great Expectations writes its Data Docs site (``index.html`` and one page per
    validation): beside the stage trees, under ARTICLE_ETL_HOME."""
    return (root or data_root()) / "quality" / "data_docs"


def raw_ref(partition: RunPartition, record_id: str) -> str:
    """A reference to a raw capture that stays the same across re-runs of the day: the partition
    (without the run) and the WARC record id, which is derived from the URL, status and bytes."""
    return f"{partition.partition_folder.relative_to(partition.root)}#{record_id}"


def upstream(stage: Stage, day: Day, source_id: str, root: Path | None, manifest: Manifest) -> Published:
    """The exact attempt of ``stage`` that ``manifest``'s stage read (from its ``inputs``).

    A stage further down (load reading fetch's rejects) follows the chain its upstream recorded,
    so it sees the very files that were turned into the batch it loads, even if an earlier stage
    of the same run was re-run in between.
    """
    part = RunPartition.of(stage, day, source_id, root)
    for ref in manifest.inputs:
        if ref.get("stage") == stage.value:
            return part.published(ref.get("attempt"))
    return part.published()


@dataclass(frozen=True)
class Retention:
    """How long old attempts stay (``storage:`` in the sources file)."""

    retention_days: float
    abandoned_attempt_hours: float

    def prune(self, partition: RunPartition, keep: str) -> None:
        """Remove old runs and abandoned attempts of one stage, day and source.

        Kept always: the attempt just published and the newest published run. Removed: other
        attempts of a run that are older than ``abandoned_attempt_hours`` and not its published
        one, and published runs older than ``retention_days``. Errors are ignored: retention
        must never fail the stage that just succeeded.
        """
        now = time.time()
        runs = [p for p in partition.partition_folder.glob("run=*") if p.is_dir()]
        published = sorted(
            (p for p in runs if (p / _POINTER).exists()), key=lambda p: (p / _POINTER).stat().st_mtime
        )
        newest = published[-1] if published else None
        for run in runs:
            pointer = run / _POINTER
            current = _pointer_target(pointer)
            if (
                run != newest
                and pointer.exists()
                and now - pointer.stat().st_mtime > self.retention_days * 86400
            ):
                shutil.rmtree(run, ignore_errors=True)
                continue
            for attempt in run.glob("try=*"):
                if attempt.name in (current, keep):
                    continue
                if now - attempt.stat().st_mtime > self.abandoned_attempt_hours * 3600:
                    shutil.rmtree(attempt, ignore_errors=True)


def _pointer_target(pointer: Path) -> str | None:
    try:
        return str(json.loads(pointer.read_text(encoding="utf-8"))["attempt"])
    except (OSError, ValueError, KeyError):
        return None
