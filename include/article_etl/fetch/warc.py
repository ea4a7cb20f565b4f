"""Raw captures as WARC, the format crawlers and Common Crawl use, written and read back.

Keeping the exact bytes and headers means a page can be replayed through decoding and cleaning
without fetching it again. One reader, :func:`iter_responses`, serves everything that reads a
WARC: the ``warc`` discovery route (CC-NEWS or a crawler's archive), the fetch stage taking a
page from such an archive instead of over HTTP (:func:`read_capture`, by record offset), and
replay (a day's own WARC). It streams record by record (gzip per record or plain), so a 1 GB
archive never sits in memory, and gives only ``response`` records: ``request``, ``revisit``,
``metadata`` and ``warcinfo`` records carry no page.

Each record the fetch stage writes carries the URL the listing gave (``LISTED_URI``, an extension
field WARC readers ignore) beside ``WARC-Target-URI`` (where the page was finally fetched, after
redirects), and a ``WARC-Date`` that is the page's ``fetched_at``: replay rebuilds the very page
record the fetch built.
"""

from __future__ import annotations

import functools
import hashlib
import io
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from article_etl.storage import atomic_writer

# The listed URL of a capture (the fetch stage's ``Discovered.url``), when it differs from or
# precedes ``WARC-Target-URI``: an extension field, ignored by other WARC readers.
LISTED_URI = "Article-ETL-Listed-URI"


@dataclass(frozen=True)
class Capture:
    """One HTTP response as it came off the wire."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @functools.cached_property
    def sha256(self) -> str:
        """sha256 of the body, hex: computed once (the record id and the page record both use
        it), and by whoever asks first; the fetch threads ask, so the writing thread need not."""
        return hashlib.sha256(self.body).hexdigest()

    def header(self, name: str) -> str | None:
        return _header(self.headers, name)


class WarcSink:
    """Appends captures to an open WARC file one at a time, so memory stays flat in the number
    of pages: a capture's bytes can be dropped as soon as it is written."""

    def __init__(self, writer: WARCWriter) -> None:
        self._writer = writer
        self.count = 0

    def write(self, cap: Capture, *, listed_url: str | None = None, date: datetime | None = None) -> str:
        """Write one response record; returns its WARC-Record-ID. ``listed_url`` is the URL the
        listing gave (kept as ``LISTED_URI``); ``date`` the capture time (``WARC-Date``, else now)."""
        http_headers = StatusAndHeaders(
            f"{cap.status} {_reason(cap.status)}", cap.headers, protocol="HTTP/1.1"
        )
        warc_headers = {"WARC-Record-ID": record_id(cap)}
        if date is not None:
            warc_headers["WARC-Date"] = date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if listed_url is not None:
            warc_headers[LISTED_URI] = listed_url
        record = self._writer.create_warc_record(
            cap.url,
            "response",
            payload=io.BytesIO(cap.body),
            http_headers=http_headers,
            warc_headers_dict=warc_headers,
        )
        self._writer.write_record(record)
        self.count += 1
        return str(record.rec_headers.get_header("WARC-Record-ID"))


@contextmanager
def warc_sink(path: Path) -> Iterator[WarcSink]:
    """A gzipped WARC file written record by record, atomically (it appears whole or not at all)."""
    with atomic_writer(path, "wb") as handle:
        yield WarcSink(WARCWriter(handle, gzip=True))


def write_warc(path: Path, captures: Iterable[Capture]) -> list[str]:
    """Write captures as gzipped WARC response records, atomically; returns their record ids."""
    with warc_sink(path) as sink:
        return [sink.write(cap) for cap in captures]


def record_id(cap: Capture) -> str:
    """A WARC-Record-ID derived from the URL and the bytes, so re-fetching an unchanged page gives
    the same id, and the rejects that point at it stay the same across re-runs."""
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{cap.url}#{cap.status}#{cap.sha256}')}>"


class WarcReadError(ValueError):
    """A file that is not a WARC (or is damaged past a record); the message names the file,
    ``reason`` says what is wrong with it."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"WARC file {path} {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class ResponseHead:
    """A response record's headers and where it sits in its file: what a filter looks at before
    any body byte is read."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    date: datetime | None  # WARC-Date: when the page was captured
    offset: int  # of the record (its gzip member) in the file: read_capture() seeks there
    record_id: str
    listed_url: str | None  # LISTED_URI, on records this project wrote

    def header(self, name: str) -> str | None:
        return _header(self.headers, name)


@dataclass(frozen=True)
class ArchivedCapture(Capture):
    """A response read back from a WARC file: the capture, when it was made and where it is."""

    date: datetime | None = None
    offset: int = 0
    record_id: str = ""
    listed_url: str | None = None


def iter_responses(
    path: Path, want: Callable[[ResponseHead], bool] | None = None
) -> Iterator[ArchivedCapture]:
    """The response records of a WARC file (gzipped per record or plain) that ``want`` takes,
    in file order, one at a time: a body is read only for a record taken, and dropped by the
    reader as soon as the next is asked for. Raises WarcReadError for a file that is not WARC."""
    for head, body in _records(path, want, bodies=True):
        yield _capture(head, body)


def response_heads(path: Path, want: Callable[[ResponseHead], bool] | None = None) -> Iterator[ResponseHead]:
    """As :func:`iter_responses`, without reading any body (a route choosing pages)."""
    for head, _ in _records(path, want, bodies=False):
        yield head


def read_capture(path: Path, offset: int) -> ArchivedCapture:
    """The response record at ``offset`` of ``path`` (from :attr:`ResponseHead.offset`).

    Raises WarcReadError when no response record starts there, OSError when the file is gone."""
    for head, body in _records(path, None, bodies=True, start=offset):
        if head.offset == offset:
            return _capture(head, body)
        break
    raise WarcReadError(
        path, f"has no response record at offset {offset}; the file changed since it was read"
    )


def _capture(head: ResponseHead, body: bytes) -> ArchivedCapture:
    return ArchivedCapture(
        url=head.url,
        status=head.status,
        headers=head.headers,
        body=body,
        date=head.date,
        offset=head.offset,
        record_id=head.record_id,
        listed_url=head.listed_url,
    )


def _records(
    path: Path, want: Callable[[ResponseHead], bool] | None, *, bodies: bool, start: int = 0
) -> Iterator[tuple[ResponseHead, bytes]]:
    """(head, body) of each response record ``want`` takes; body b"" unless ``bodies``."""
    with path.open("rb") as handle:
        magic = handle.read(5)
        if magic[:2] != b"\x1f\x8b" and magic != b"WARC/":  # warcio would read text as an ARC file
            raise WarcReadError(path, "cannot be read (not WARC, not gzip)")
        handle.seek(start)
        records = ArchiveIterator(handle)
        try:
            for record in records:
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                warc = record.rec_headers
                head = ResponseHead(
                    url=str(warc.get_header("WARC-Target-URI") or "").strip("<> "),
                    status=_status(record.http_headers.get_statuscode()),
                    headers=list(record.http_headers.headers),
                    date=_warc_date(warc.get_header("WARC-Date")),
                    # Where this record began: the iterator's position before it reads the record
                    # (absolute; get_record_offset() would read the record to its end first).
                    offset=int(records.offset),
                    record_id=str(warc.get_header("WARC-Record-ID") or ""),
                    listed_url=warc.get_header(LISTED_URI),
                )
                if want is not None and not want(head):
                    continue
                yield head, (record.content_stream().read() if bodies else b"")
        except ArchiveLoadFailed as exc:
            raise WarcReadError(path, f"cannot be read ({str(exc)[:200]})") from exc


def read_warc(path: Path) -> dict[str, Capture]:
    """All response records of a WARC file, by record id (small files and tests only: it holds
    every body; stream with :func:`iter_responses` instead)."""
    return {cap.record_id: cap for cap in iter_responses(path)}


def _status(code: str | None) -> int:
    """The HTTP status of a record; 0 for a status line an archive holds that is not a number
    (it then fails every 2xx filter instead of the whole file)."""
    try:
        return int(code or 0)
    except ValueError:
        return 0


def _warc_date(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        when = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name.lower():
            return value
    return None


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
