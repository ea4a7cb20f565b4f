"""Raw captures as WARC, the format crawlers and Common Crawl use.

Keeping the exact bytes and headers means a page can be replayed through decoding and cleaning
without fetching it again (and CC-NEWS archives can feed the same path later).
"""

from __future__ import annotations

import functools
import hashlib
import io
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from article_etl.storage import atomic_writer


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
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


class WarcSink:
    """Appends captures to an open WARC file one at a time, so memory stays flat in the number
    of pages: a capture's bytes can be dropped as soon as it is written."""

    def __init__(self, writer: WARCWriter) -> None:
        self._writer = writer
        self.count = 0

    def write(self, cap: Capture) -> str:
        """Write one response record; returns its WARC-Record-ID."""
        http_headers = StatusAndHeaders(
            f"{cap.status} {_reason(cap.status)}", cap.headers, protocol="HTTP/1.1"
        )
        record = self._writer.create_warc_record(
            cap.url,
            "response",
            payload=io.BytesIO(cap.body),
            http_headers=http_headers,
            warc_headers_dict={"WARC-Record-ID": record_id(cap)},
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


def read_warc(path: Path) -> dict[str, Capture]:
    """All response records of a WARC file, by record id (for small files: tests, one page)."""
    return dict(iter_warc(path))


def iter_warc(path: Path) -> Iterator[tuple[str, Capture]]:
    """The response records of a WARC file with their record ids, one at a time: memory stays
    flat in the file's size (a day's capture can be gigabytes)."""
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            rec_id = str(record.rec_headers.get_header("WARC-Record-ID"))
            status = int(record.http_headers.get_statuscode() or 0)
            yield (
                rec_id,
                Capture(
                    url=str(record.rec_headers.get_header("WARC-Target-URI")),
                    status=status,
                    headers=list(record.http_headers.headers),
                    body=record.content_stream().read(),
                ),
            )


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
