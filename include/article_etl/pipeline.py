"""The stages of one day for one source, as plain functions the DAG's tasks call.

Each stage reads the partition the previous one wrote and writes its own (see ``storage``),
returns only a small summary (paths and counts, what XCom carries), and writes the records it
rejected to ``rejects/ds=/source=/{stage}.jsonl``. The load stage gathers those, so every reject
reaches the warehouse in the same transaction as the articles: nothing is dropped silently.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from article_etl.config import Settings, Source
from article_etl.encoding import decode_html, repair_mojibake
from article_etl.extract import extract_article
from article_etl.fetch import (
    Capture,
    FetchError,
    TooLargeError,
    discover,
    fetch,
    make_session,
    read_warc,
    write_warc,
)
from article_etl.identity import article_id, canonical_url, content_hash
from article_etl import codes
from article_etl.quality.checks import check_article, split_duplicates
from article_etl.quality.near_duplicates import distance, simhash
from article_etl.records import Article, Discovered, DQResult, Page, Reject
from article_etl.storage import partition, read_jsonl, write_jsonl

_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


log = logging.getLogger(__name__)


class QualityGateError(RuntimeError):
    """A source's reject rate passed its threshold; raised after the day is loaded, so nothing is lost."""


@dataclass(frozen=True)
class Day:
    """One data interval: [start, end), labelled ``ds`` (the start date), and the run that processes it."""

    start: datetime
    end: datetime
    run_id: str | None = None

    @property
    def ds(self) -> str:
        return self.start.astimezone(UTC).date().isoformat()

    @classmethod
    def of(cls, ds: str, run_id: str | None = None) -> Day:
        start = datetime.fromisoformat(ds).replace(tzinfo=UTC)
        return cls(start=start, end=start + timedelta(days=1), run_id=run_id)


def _paths(stage: str, day: Day, source_id: str, root: Path | None) -> Path:
    return partition(stage, day.ds, source_id, root)


def rejects_path(day: Day, source_id: str, stage: str, root: Path | None = None) -> Path:
    return partition("rejects", day.ds, source_id, root) / f"{stage}.jsonl"


def _reject(
    day: Day, stage: str, source_id: str, url: str, code: str, detail: str, raw_ref: str | None = None
) -> Reject:
    return Reject(
        ds=day.ds,
        stage=stage,
        source_id=source_id,
        url=url,
        reason=code,
        detail=detail,
        raw_ref=raw_ref,
        run_id=day.run_id,
    )


def run_discover(settings: Settings, source_id: str, day: Day, root: Path | None = None) -> dict[str, Any]:
    """List the URLs the source published in the interval."""
    source = settings.source(source_id)
    listing = discover(source, day.start, day.end, make_session(settings.fetch), settings.fetch)
    out = _paths("discover", day, source_id, root) / "urls.jsonl"
    write_jsonl(out, listing.found)
    rejects = [_reject(day, "discover", source_id, p.ref, p.code, p.detail) for p in listing.problems]
    write_jsonl(rejects_path(day, source_id, "discover", root), rejects)
    return {"source_id": source_id, "path": str(out), "count": len(listing.found), "rejected": len(rejects)}


def run_fetch(settings: Settings, source_id: str, day: Day, root: Path | None = None) -> dict[str, Any]:
    """Fetch every discovered URL; keep all responses as WARC, pass on the HTML pages that decode."""
    found = read_jsonl(_paths("discover", day, source_id, root) / "urls.jsonl", Discovered)
    session = make_session(settings.fetch)
    captures: list[Capture] = []
    listed: list[Discovered] = []
    rejects: list[Reject] = []
    for item in found:
        try:
            captures.append(fetch(session, item.url, settings.fetch))
            listed.append(item)
        except TooLargeError as exc:
            rejects.append(_reject(day, "fetch", source_id, item.url, codes.TOO_LARGE, str(exc)))
        except FetchError as exc:
            rejects.append(_reject(day, "fetch", source_id, item.url, codes.FETCH_ERROR, str(exc)))
    folder = _paths("raw", day, source_id, root)
    warc_path = folder / "pages.warc.gz"
    record_ids = write_warc(warc_path, captures)
    pages: list[Page] = []
    fetched_at = datetime.now(UTC).replace(microsecond=0)
    for item, cap, rec_id in zip(listed, captures, record_ids, strict=True):
        raw_ref = f"{warc_path}#{rec_id}"
        content_type = cap.header("Content-Type")
        problem = _page_problem(cap, content_type)
        if problem is not None:
            rejects.append(_reject(day, "fetch", source_id, item.url, problem[0], problem[1], raw_ref))
            continue
        decoded = decode_html(cap.body, content_type)
        if not decoded.clean:
            rejects.append(
                _reject(
                    day,
                    "fetch",
                    source_id,
                    item.url,
                    codes.UNDECODABLE,
                    f"no codec decodes the bytes cleanly ({decoded.note or decoded.encoding})",
                    raw_ref,
                )
            )
            continue
        pages.append(
            Page(
                source_id=source_id,
                url=item.url,
                final_url=cap.url,
                status=cap.status,
                content_type=content_type,
                fetched_at=fetched_at,
                sha256=hashlib.sha256(cap.body).hexdigest(),
                size=len(cap.body),
                warc_record_id=rec_id,
                listed_published_at=item.listed_published_at,
            )
        )
    pages_path = folder / "pages.jsonl"
    write_jsonl(pages_path, pages)
    write_jsonl(rejects_path(day, source_id, "fetch", root), rejects)
    return {"source_id": source_id, "path": str(pages_path), "count": len(pages), "rejected": len(rejects)}


def _page_problem(cap: Capture, content_type: str | None) -> tuple[str, str] | None:
    if not 200 <= cap.status < 300:
        return codes.HTTP_STATUS, f"HTTP {cap.status} from {cap.url}"
    mime = (content_type or "text/html").split(";")[0].strip().lower()
    if mime not in _HTML_TYPES:
        return codes.CONTENT_TYPE, f"Content-Type {content_type!r} is not HTML"
    return None


def build_article(source: Source, page: Page, body: bytes, ds: str) -> Article:
    """Decode, extract and normalise one page into an Article (checks are the caller's)."""
    decoded = decode_html(body, page.content_type)
    fields = extract_article(
        decoded.text,
        page.final_url,
        selectors=source.selectors,
        timezone=source.timezone,
        lang_hint=source.lang,
    )
    repairs: list[str] = []
    title, body_text, author = fields.title, fields.body, fields.author
    if title:
        title, fixed = repair_mojibake(title)
        repairs += ["title:mojibake"] if fixed else []
    if body_text:
        body_text, fixed = repair_mojibake(body_text)
        repairs += ["body:mojibake"] if fixed else []
    canonical = canonical_url(fields.canonical_url or page.final_url)
    return Article(
        article_id=article_id(canonical),
        source_id=source.id,
        url=page.url,
        canonical_url=canonical,
        title=title or None,
        body=body_text or None,
        author=author or None,
        published_at=fields.published_at or page.listed_published_at,
        site_name=fields.site_name,
        lang=fields.lang or source.lang,
        detected_encoding=decoded.encoding,
        encoding_method=decoded.method,
        content_hash=content_hash(body_text or ""),
        simhash=simhash(body_text) if body_text else "",
        char_count=len("".join((body_text or "").split())),
        ds=ds,
        repairs=repairs,
    )


def run_clean(settings: Settings, source_id: str, day: Day, root: Path | None = None) -> dict[str, Any]:
    """Turn fetched pages into checked articles; failures and duplicates become rejects."""
    source = settings.source(source_id)
    folder = _paths("raw", day, source_id, root)
    pages = read_jsonl(folder / "pages.jsonl", Page)
    raw = read_warc(folder / "pages.warc.gz") if pages else {}
    passed: list[Article] = []
    rejects: list[Reject] = []
    for page in pages:
        raw_ref = f"{folder / 'pages.warc.gz'}#{page.warc_record_id}"
        try:
            art = build_article(source, page, raw[page.warc_record_id].body, day.ds)
        except Exception as exc:  # a page that breaks the extractor is quarantined, not fatal to the day
            rejects.append(
                _reject(
                    day,
                    "clean",
                    source_id,
                    page.url,
                    codes.EXTRACT_ERROR,
                    f"{type(exc).__name__}: {exc}",
                    raw_ref,
                )
            )
            continue
        failures = check_article(art, thresholds=settings.checks, window=(day.start, day.end))
        if failures:
            detail = "; ".join(f"{f.code}: {f.detail}" for f in failures)
            rejects.append(_reject(day, "clean", source_id, page.url, failures[0].code, detail, raw_ref))
        else:
            passed.append(art)
    kept, dups = split_duplicates(passed, near_max=settings.checks.near_duplicate_max_distance)
    for dup, original in dups:
        rejects.append(
            _reject(
                day,
                "clean",
                source_id,
                dup.url,
                codes.DUPLICATE,
                f"same {_sameness(dup, original)} as {original.url} "
                f"(article {original.article_id}), which is kept",
            )
        )
    out = _paths("clean", day, source_id, root) / "articles.jsonl"
    write_jsonl(out, kept)
    write_jsonl(rejects_path(day, source_id, "clean", root), rejects)
    return {"source_id": source_id, "path": str(out), "count": len(kept), "rejected": len(rejects)}


def _sameness(dup: Article, original: Article) -> str:
    if dup.article_id == original.article_id:
        return "canonical URL"
    if dup.content_hash == original.content_hash:
        return "text"
    return f"story (near-duplicate text, SimHash {distance(dup.simhash, original.simhash)} of 64 bits apart)"


def run_validate(settings: Settings, source_id: str, day: Day, root: Path | None = None) -> dict[str, Any]:
    """The Great Expectations gate over the cleaned batch."""
    from article_etl.quality.gx_suite import validate_rows

    batch = read_jsonl(_paths("clean", day, source_id, root) / "articles.jsonl", Article)
    rows = [
        {
            "article_id": a.article_id,
            "url": a.url,
            "title": a.title,
            "body": a.body,
            "published_at": a.published_at,
            "content_hash": a.content_hash,
        }
        for a in batch
    ]
    outcome = validate_rows(rows, settings.checks)
    passed = [a for a in batch if a.article_id not in outcome.failures]
    rejects = [
        _reject(
            day,
            "validate",
            source_id,
            a.url,
            outcome.failures[a.article_id][0][0],
            "; ".join(f"{code}: {detail}" for code, detail in outcome.failures[a.article_id]),
        )
        for a in batch
        if a.article_id in outcome.failures
    ]
    folder = _paths("validate", day, source_id, root)
    write_jsonl(folder / "articles.jsonl", passed)
    write_jsonl(
        folder / "dq_results.jsonl",
        [DQResult(ds=day.ds, source_id=source_id, stage="validate", **r) for r in outcome.results],
    )
    write_jsonl(rejects_path(day, source_id, "validate", root), rejects)
    return {
        "source_id": source_id,
        "path": str(folder / "articles.jsonl"),
        "count": len(passed),
        "rejected": len(rejects),
    }


def run_load(
    settings: Settings, source_id: str, day: Day, warehouse: str, root: Path | None = None
) -> dict[str, Any]:
    """Load the validated batch and every stage's rejects; then enforce the source's reject rate."""
    from article_etl.warehouse import get_engine, load_partition, masked

    source = settings.source(source_id)
    log.info("loading source %s, ds %s into %s", source_id, day.ds, masked(warehouse))
    batch = read_jsonl(_paths("validate", day, source_id, root) / "articles.jsonl", Article)
    stage_rejects = {
        stage: read_jsonl(rejects_path(day, source_id, stage, root), Reject)
        for stage in ("discover", "fetch", "clean", "validate")
    }
    dq = read_jsonl(_paths("validate", day, source_id, root) / "dq_results.jsonl", DQResult)
    counts: dict[str, dict[str, float]] = {
        "discover": {
            "urls": len(read_jsonl(_paths("discover", day, source_id, root) / "urls.jsonl", Discovered))
        },
        "fetch": {
            "pages": len(read_jsonl(_paths("raw", day, source_id, root) / "pages.jsonl", Page)),
            "rejected": len(stage_rejects["fetch"]),
        },
        "clean": {
            "articles": len(read_jsonl(_paths("clean", day, source_id, root) / "articles.jsonl", Article)),
            "rejected": len(stage_rejects["clean"]),
        },
        "validate": {"articles": len(batch), "rejected": len(stage_rejects["validate"])},
    }
    result = load_partition(
        get_engine(warehouse),
        source=source,
        ds=day.ds,
        batch=batch,
        partition_rejects=[r for rs in stage_rejects.values() for r in rs],
        dq_rows=[dataclasses.asdict(d) for d in dq],
        counts=counts,
        run_id=day.run_id,
        near_duplicate_max_distance=settings.checks.near_duplicate_max_distance,
    )
    # Everything the listing gave: the URLs taken plus the entries discovery itself rejected.
    discovered = counts["discover"]["urls"] + len(stage_rejects["discover"])
    rate = result.rejected / discovered if discovered else 0.0
    summary = {
        "source_id": source_id,
        "loaded": result.loaded,
        "rejected": result.rejected,
        "reject_rate": round(rate, 3),
    }
    if rate > source.max_reject_rate:
        raise QualityGateError(
            f"source {source_id}, ds {day.ds}: {result.rejected} of {discovered} discovered pages were rejected "
            f"({rate:.0%} > max_reject_rate {source.max_reject_rate:.0%}); the day is loaded and the rejects are "
            "in the rejects table: look at their reasons, fix the source or raise max_reject_rate"
        )
    return summary
