"""Fetch: every discovered URL over HTTP, kept byte for byte as WARC, decoded once.

Decoding happens here and only here: the page record carries the text, the codec, how it was
chosen and the decoder's note, so no later stage looks at bytes again.

A URL a WARC archive gave (the ``warc`` route: ``Discovered.warc``) is read from that archive,
not requested: no robots.txt, no pace, no request. In replay mode (``run(..., replay=True)``)
nothing is requested at all: the pages come from the day's stored WARC (see
:mod:`article_etl.stages.replay`). Either way the capture goes through the same WARC reader
and is processed as a fetched response is: written into this run's own WARC, then decoded.

The outage rule: when more than ``fetch.max_transient_failure_rate`` of the pages fail with
network errors, timeouts or 5xx/429, the site is down, not the articles (a redirect loop is not
counted: the site answered, and a re-run would loop the same way). The task then fails
(retryable) and publishes nothing, so a re-run during an outage cannot pass a batch of outage
rejects on to the load, and the raw capture of the last good run stays the one that counts.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from article_etl import codes
from article_etl.config import FetchSettings, Settings
from article_etl.encoding import decode_html
from article_etl.errors import TransientError
from article_etl.fetch import (
    Capture,
    FetchError,
    FetchTimeout,
    PrivateAddressError,
    TooLargeError,
    fetch,
    make_session,
)
from article_etl.fetch.client import RedirectLoopError
from article_etl.fetch.politeness import Politeness, RobotsDisallowed, RobotsUnavailable
from article_etl.fetch.warc import (
    ArchivedCapture,
    WarcReadError,
    WarcSink,
    iter_responses,
    read_capture,
    warc_sink,
)
from article_etl.records import Discovered, Page, Reject
from article_etl.run import Day
from article_etl.stages.common import StageRun, stage_attempt
from article_etl.storage import Kind, RunPartition, Stage
from article_etl.storage.files import JsonlWriter
from article_etl.urls import redact_url

_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
# Threads per fetch task: enough to keep a few hosts busy up to their per-host limits.
_MAX_WORKERS = 16


class SourceUnavailableError(TransientError):
    """Most pages failed for reasons that say the site is down; retry later, keep what was loaded."""


@dataclass
class _Outcome:
    """What fetching one listed URL gave: a capture, or the reject it becomes."""

    item: Discovered
    capture: Capture | None = None
    code: str = ""
    detail: str = ""
    evidence: str = codes.EVIDENCE_NONE


def _fetch_one(
    session: requests.Session, settings: FetchSettings, polite: Politeness, item: Discovered
) -> _Outcome:
    """Fetch one URL (in a worker thread), as robots.txt and the per-host limits allow; every
    failure becomes an outcome, never an exception. A URL an archive gave is read from it."""
    if item.warc is not None:
        return _from_archive(settings, item, item.warc, item.warc_offset or 0)
    try:
        polite.check(item.url)
        with polite.slot(item.url):
            capture = fetch(session, item.url, settings)
        _ = capture.sha256  # hashed here, in parallel, not in the thread that writes the WARC
        return _Outcome(item, capture=capture)
    except RobotsDisallowed as exc:
        return _Outcome(item, code=codes.ROBOTS_DISALLOWED, detail=str(exc))
    except RobotsUnavailable as exc:  # robots.txt answered 5xx or not at all: "wait and retry" (RFC 9309)
        return _Outcome(item, code=codes.FETCH_ERROR, detail=str(exc), evidence=codes.EVIDENCE_TRANSIENT)
    except FetchTimeout as exc:
        return _Outcome(item, code=codes.FETCH_TIMEOUT, detail=str(exc), evidence=codes.EVIDENCE_TRANSIENT)
    except TooLargeError as exc:
        return _Outcome(item, code=codes.TOO_LARGE, detail=str(exc))
    except PrivateAddressError as exc:
        return _Outcome(item, code=codes.PRIVATE_ADDRESS, detail=str(exc))
    except ValueError as exc:  # a relative, non-http or otherwise unusable link in the listing
        return _Outcome(
            item, code=codes.FETCH_ERROR, detail=f"{item.url!r} is not a fetchable http(s) URL: {exc}"
        )
    except RedirectLoopError as exc:
        # The site answers, but its redirects go round in circles: a fault of that URL (or the
        # site's configuration), not an outage, so it does not count towards the outage rule; and
        # it is no proof the article is gone either.
        return _Outcome(item, code=codes.FETCH_ERROR, detail=str(exc), evidence=codes.EVIDENCE_NONE)
    except FetchError as exc:
        return _Outcome(item, code=codes.FETCH_ERROR, detail=str(exc), evidence=codes.EVIDENCE_TRANSIENT)


def _from_archive(settings: FetchSettings, item: Discovered, warc: str, offset: int) -> _Outcome:
    """The capture a WARC route found, read back from its archive (no request)."""
    try:
        cap = read_capture(Path(warc), offset)
    except (OSError, WarcReadError) as exc:
        return _Outcome(
            item,
            code=codes.FETCH_ERROR,
            detail=f"{item.url} could not be read from the archive it was found in ({exc}); "
            "run the day again (discover reads the archive afresh)",
        )
    # The archive's URL as stored (a fetched capture's is redacted by the client).
    cap = dataclasses.replace(cap, url=redact_url(cap.url, settings.secret_params))
    _ = cap.sha256
    return _Outcome(item, capture=cap)


def _fetch_all(
    session: requests.Session, settings: FetchSettings, items: Iterable[Discovered]
) -> Iterator[_Outcome]:
    """Fetch concurrently, yielding outcomes in listing order with a bounded window in flight.

    robots.txt is read once per host per run and obeyed; each host gets at most
    ``fetch.per_host_concurrency`` requests at once, spaced by ``fetch.per_host_delay_seconds``
    (or its Crawl-delay, when longer). Listing order keeps the WARC and the page file the same on
    every run; the window keeps
    memory flat in the number of pages (a capture is written and dropped as soon as its turn
    comes).
    """
    workers = min(_MAX_WORKERS, settings.per_host_concurrency * 4)
    polite = Politeness(session, settings)
    window: deque[Future[_Outcome]] = deque()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
        for item in items:
            window.append(pool.submit(_fetch_one, session, settings, polite, item))
            if len(window) >= workers * 2:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


def run(
    settings: Settings, source_id: str, day: Day, root: Path | None = None, *, replay: bool = False
) -> dict[str, Any]:
    """Fetch the URLs discovery published for this run; publish the pages that decode.

    ``replay``: send no request; take the pages from the day's stored WARC (the fetch attempt the
    replayed discover names) and process them as fetched ones."""
    if replay:
        return _replay(settings, source_id, day, root)
    session = make_session(settings.fetch)
    with stage_attempt(Stage.FETCH, settings, source_id, day, root) as stage:
        listed = stage.read(RunPartition.of(Stage.DISCOVER, day, source_id, root).published())
        stage.total = listed.manifest.counts.get("out")
        attempted = 0
        with warc_sink(stage.attempt.path(Kind.WARC)) as sink, stage.attempt.writer(Kind.PAGES) as pages:
            for outcome in _fetch_all(session, settings.fetch, listed.records(Kind.URLS, Discovered)):
                attempted += 1
                cap = outcome.capture
                if cap is None:
                    stage.reject(outcome.item.url, outcome.code, outcome.detail, evidence=outcome.evidence)
                else:
                    _keep(stage, sink, pages, outcome.item, cap)
                stage.progress(attempted, pages.count)
        # Each reject already says whether it was the site's passing failure: count those.
        transient = stage.evidence_counts[codes.EVIDENCE_TRANSIENT]
        if attempted and transient / attempted > settings.fetch.max_transient_failure_rate:
            raise SourceUnavailableError(
                f"source {source_id}, ds {day.ds}: {transient} of {attempted} pages failed with network errors, "
                f"timeouts or 5xx/429 (more than fetch.max_transient_failure_rate "
                f"{settings.fetch.max_transient_failure_rate:.0%}): the site looks down or is blocking us. "
                "Nothing was passed on and what earlier runs loaded is kept; the task retries, or re-run the day later"
            )
        stage.manifest.counts.update({"in": attempted, "out": pages.count, "transient": transient})
        stage.manifest.extra["warc_records"] = sink.count
    return stage.summary(count=pages.count)


def _keep(stage: StageRun, sink: WarcSink, pages: JsonlWriter, item: Discovered, cap: Capture) -> None:
    """Write a capture into this run's WARC (with the listed URL and the capture time, so a
    replay rebuilds the same page record), then its page or its reject."""
    when = cap.date if isinstance(cap, ArchivedCapture) and cap.date is not None else _now()
    record_id = sink.write(cap, listed_url=item.url, date=when)
    page = _page(stage, item, cap, record_id, when)
    if page is not None:
        pages.write(page)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _replay(settings: Settings, source_id: str, day: Day, root: Path | None) -> dict[str, Any]:
    """The fetch stage without a request: every response record of the stored WARC, in the
    order it was fetched, processed as a fetched response; the stored fetch's rejects that have
    no capture (timeouts, robots.txt) are carried over as they were, so the load, which replaces
    the day's rejects, loses none of them."""
    from article_etl.stages.replay import replayed_fetch

    with stage_attempt(Stage.FETCH, settings, source_id, day, root) as stage:
        listed = stage.read(RunPartition.of(Stage.DISCOVER, day, source_id, root).published())
        stored = replayed_fetch(listed)
        warc = stored.path(Kind.WARC)
        items = {item.url: item for item in listed.records(Kind.URLS, Discovered)}
        stage.total = stored.manifest.counts.get("in")
        done = 0
        for rej in stored.records(Kind.REJECTS, Reject):
            if rej.raw_ref is None:  # no capture behind it: nothing to replay, keep it as it was
                done += 1
                stage.reject(
                    rej.url, rej.reason, rej.detail, evidence=rej.evidence, check_name=rej.check_name
                )
        with warc_sink(stage.attempt.path(Kind.WARC)) as sink, stage.attempt.writer(Kind.PAGES) as pages:
            for cap in iter_responses(warc):
                done += 1
                url = cap.listed_url or cap.url  # WARCs written before the listed URL was kept
                _keep(stage, sink, pages, items.get(url) or Discovered(source_id=source_id, url=url), cap)
                stage.progress(done, pages.count)
        stage.manifest.counts.update({"in": done, "out": pages.count, "transient": 0})
        stage.manifest.extra["warc_records"] = sink.count
        stage.manifest.extra["replayed_from"] = {
            "warc": str(warc.relative_to(stored.partition.root)),
            "run_id": stored.manifest.run_id,
            "attempt": stored.attempt,
        }
    return stage.summary(count=pages.count)


def _page(
    stage: StageRun, item: Discovered, cap: Capture, record_id: str, fetched_at: datetime
) -> Page | None:
    """The decoded page, or None after recording why it cannot be one."""
    raw_ref = stage.attempt.raw_ref(record_id)
    content_type = cap.header("Content-Type")
    if not 200 <= cap.status < 300:
        if cap.status in codes.GONE_STATUSES:
            evidence = codes.EVIDENCE_GONE
        elif cap.status in codes.TRANSIENT_STATUSES:
            evidence = codes.EVIDENCE_TRANSIENT
        else:
            evidence = codes.EVIDENCE_NONE
        stage.reject(
            item.url,
            codes.HTTP_STATUS,
            f"HTTP {cap.status} from {cap.url}",
            raw_ref=raw_ref,
            evidence=evidence,
        )
        return None
    if not cap.body:  # a 2xx with nothing in it is a server glitch, not news that the article is gone
        stage.reject(
            item.url,
            codes.MISSING_BODY,
            f"HTTP {cap.status} with an empty body from {cap.url}",
            raw_ref=raw_ref,
            evidence=codes.EVIDENCE_TRANSIENT,
        )
        return None
    mime = (content_type or "text/html").split(";")[0].strip().lower()
    if mime not in _HTML_TYPES:
        stage.reject(
            item.url,
            codes.CONTENT_TYPE,
            f"Content-Type {content_type!r} is not HTML",
            raw_ref=raw_ref,
            # A server may mislabel pages for a while; that is no proof the article is gone.
            evidence=codes.EVIDENCE_NONE,
        )
        return None
    decoded = decode_html(cap.body, content_type)
    if not decoded.clean:
        stage.reject(
            item.url,
            codes.UNDECODABLE,
            f"no codec decodes the bytes cleanly ({decoded.note or decoded.encoding})",
            raw_ref=raw_ref,
            evidence=codes.EVIDENCE_NONE,  # may be our decoder's failure as much as the page's
        )
        return None
    return Page(
        source_id=item.source_id,
        url=item.url,
        final_url=cap.url,
        status=cap.status,
        content_type=content_type,
        fetched_at=fetched_at,
        sha256=cap.sha256,
        size=len(cap.body),
        warc_record_id=record_id,
        listed_published_at=item.listed_published_at,
        listed_title=item.listed_title,
        listed_route=item.route,
        html=decoded.text,
        encoding=decoded.encoding,
        encoding_method=decoded.method,
        declared_charset=decoded.declared,
        encoding_note=decoded.note,
        decode_damage=decoded.damage,
    )
