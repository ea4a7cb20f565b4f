"""The manifest each stage publishes beside its output.

Counts in and out, reject counts by code, the inputs it read (stage, run and attempt), timings
and versions. The next stage, the report, a UI page and the Asset event read manifests instead
of re-counting each other's files.
"""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, field
from typing import Any


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("article-etl")
    except PackageNotFoundError:
        return "unknown"


@dataclass
class Manifest:
    """What one attempt of one stage did."""

    stage: str
    ds: str
    source_id: str
    run_id: str
    try_number: int
    started_at: str
    finished_at: str = ""
    seconds: float = 0.0
    # Stage-specific counters: "in", "out", "rejected", and e.g. "transient" at fetch.
    counts: dict[str, int] = field(default_factory=dict)
    rejects_by_code: dict[str, int] = field(default_factory=dict)
    # The exact upstream attempts read: [{"stage", "run_id", "attempt"}].
    inputs: list[dict[str, str]] = field(default_factory=list)
    # Filled by ``Attempt.publish``: file kind -> size in bytes, so readers detect partial files.
    files: dict[str, int] = field(default_factory=dict)
    attempt: str = ""
    versions: dict[str, str] = field(
        default_factory=lambda: {"article_etl": _version(), "python": platform.python_version()}
    )
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})
