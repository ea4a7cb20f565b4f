"""The records that pass between stages.

They are plain dataclasses (not pydantic models) because the landing zone stores them as JSON
lines and every stage re-reads them; ``to_json``/``from_json`` are the one way to do that.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from article_etl import codes

T = TypeVar("T")


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def to_json(record: Any) -> str:
    """One JSON line for a record dataclass (datetimes as ISO 8601, text unescaped)."""
    data = {k: _encode(v) for k, v in dataclasses.asdict(record).items()}
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def from_json(cls: type[T], line: str) -> T:
    """Read a record dataclass back from ``to_json`` output (datetime fields re-parsed)."""
    data = json.loads(line)
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if "datetime" in str(f.type) and isinstance(data.get(f.name), str):
            data[f.name] = datetime.fromisoformat(data[f.name])
    return cls(**data)


@dataclass
class Discovered:
    """A URL a source's feed or sitemap listed for the data interval."""

    source_id: str
    url: str
    listed_published_at: datetime | None = None
    listed_title: str | None = None
    # Where the page already is, when the route read it from an archive (the WARC route): the
    # WARC file and the offset of its response record. The fetch stage then reads it from there
    # and sends no request.
    warc: str | None = None
    warc_offset: int | None = None
    # Which of the source's routes found it: its kind ("rss", "sitemap", ...) and its place in
    # the source's ``discovery`` list (0 when it is a single route). The first route that lists
    # a URL owns it. Empty in partitions written before routes could be listed.
    route: str = ""
    route_index: int = 0


@dataclass
class AlreadyLoaded:
    """A URL discovery listed but did not pass on: the warehouse already holds its article under
    another day (``loaded_ds``). Kept in the discover partition (``Kind.ALREADY_LOADED``) so no
    URL leaves silently; a run with ``refresh`` fetches these too."""

    source_id: str
    url: str
    article_id: str
    loaded_ds: str
    route: str = ""
    route_index: int = 0


@dataclass
class Page:
    """A fetched page, decoded once at fetch: later stages read ``html`` and never the bytes.

    The bytes themselves stay in the fetch partition's WARC file (``warc_record_id``), for
    replay and audits; how the codec was chosen travels with the text.
    """

    source_id: str
    url: str
    final_url: str
    status: int
    content_type: str | None
    fetched_at: datetime
    sha256: str
    size: int
    warc_record_id: str
    listed_published_at: datetime | None = None
    listed_title: str | None = None
    # The kind of route that listed the page (``Discovered.route``): a listed title or date is
    # the feed's or the listing's.
    listed_route: str = ""
    html: str = ""
    encoding: str = ""
    encoding_method: str = ""
    declared_charset: str | None = None
    encoding_note: str = ""
    # Broken byte sequences the decoder replaced in place (U+FFFD) to keep the rest of the page:
    # their count; where they fell is in ``encoding_note``. Later stages decide whether the
    # damage reached the article's own text.
    decode_damage: int = 0


@dataclass
class Article:
    """A cleaned article: what the warehouse's ``articles`` table holds."""

    article_id: str
    source_id: str
    url: str
    canonical_url: str
    title: str | None
    body: str | None
    author: str | None
    published_at: datetime | None
    site_name: str | None
    lang: str | None
    detected_encoding: str
    encoding_method: str
    content_hash: str
    char_count: int
    ds: str
    repairs: list[str] = field(default_factory=list)
    simhash: str = ""
    # Where the title and the date came from: "selector", "jsonld", "meta", "page" (the
    # page's own headline, <title> or date line), "feed" or "listing" (the discovery entry).
    title_source: str | None = None
    published_source: str | None = None
    # Replaced broken byte sequences that fell inside this article's title or body.
    decode_damage: int = 0


@dataclass
class Reject:
    """A record that failed a check: the row the warehouse's ``rejects`` table holds.

    ``reason`` is a stable check code (see ``article_etl.codes``); ``detail`` says in words what was
    wrong; ``raw_ref`` points at the raw capture (WARC file and record id) so it can be replayed.
    """

    ds: str
    stage: str
    source_id: str
    url: str
    reason: str
    detail: str
    raw_ref: str | None = None
    run_id: str | None = None
    # What the reject says about an article loaded earlier for this URL: one of the
    # ``codes.EVIDENCE_*`` values. Only "gone" and "content" take that article out.
    evidence: str = codes.EVIDENCE_CONTENT
    # The expectation whose failure made this reject (e.g. ``clean.title.mojibake``); None for
    # rejects a stage decided itself (a 404, an extractor crash).
    check_name: str | None = None

    @classmethod
    def of_article(
        cls, art: Article, *, ds: str, stage: str, reason: str, detail: str, run_id: str | None, evidence: str
    ) -> Reject:
        """The reject of an article that was built but cannot be kept (a duplicate, a value the
        warehouse cannot hold, a failed read-back)."""
        return cls(
            ds=ds,
            stage=stage,
            source_id=art.source_id,
            url=art.url,
            reason=reason,
            detail=detail,
            run_id=run_id,
            evidence=evidence,
        )


@dataclass
class DQResult:
    """One expectation's outcome on one day's batch of one source (the ``dq_results`` table)."""

    ds: str
    source_id: str
    stage: str
    expectation: str
    success: bool
    element_count: int
    unexpected_count: int
    suite: str
    run_id: str | None = None
    # GX's observed value as JSON text (a count, a pair of counts, or the unexpected fraction).
    observed_value: str | None = None
