"""WARC files (a crawler's archive, Common Crawl's CC-NEWS), read from a local path.

Records are streamed one at a time (warcio's ArchiveIterator; gzip per record, as CC-NEWS
writes them, or uncompressed), so a 1 GB file never sits in memory. Taken: ``response`` records
whose target host is one of the source's ``hosts`` (or a subdomain of one), whose capture date
(``WARC-Date``) lies in the interval (or up to ``capture_lag_hours`` after it), with a 2xx HTML
answer. Skipped: ``request``, ``revisit``,
``metadata`` and ``warcinfo`` records, other hosts, non-HTML answers. The capture date only picks
candidates; the listed date stays empty so the page's own date decides at clean.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from article_etl.config import ConfigError, WarcDiscovery
from article_etl.fetch.routes.base import Context, Coverage, malformed, stamp
from article_etl.records import Discovered


class WarcFile:
    """The HTML responses of ``config.path`` for the source's hosts and the interval."""

    def __init__(self, config: WarcDiscovery) -> None:
        self.config = config
        self.span: tuple[datetime, datetime] | None = None  # first and last capture of the hosts

    def entries(self, ctx: Context) -> Iterable[Discovered]:
        path = Path(self.config.path)
        if not path.is_file():
            raise ConfigError(
                f"source {ctx.source.id}: {ctx.field_name}.path {path} is not a file; give the path of a "
                ".warc or .warc.gz file"
            )
        out = []
        until = ctx.end + timedelta(hours=self.config.capture_lag_hours)
        for url, when in _responses(ctx, path, self.config.hosts):
            self.span = (min(self.span[0], when), max(self.span[1], when)) if self.span else (when, when)
            if ctx.start <= when < until:
                out.append(Discovered(source_id=ctx.source.id, url=ctx.redact(url)))
        return out

    def coverage(self, ctx: Context, entries: Sequence[Discovered]) -> Coverage:
        """An archive covers the day when its captures of the hosts span it (a CC-NEWS file
        holds about an hour: list several, or accept an incomplete day)."""
        if self.span is None:
            return Coverage(False, "warc holds no HTML capture of the source's hosts")
        first, last = self.span
        span = f"captures from {stamp(first)} to {stamp(last)}"
        if first <= ctx.start and last >= ctx.end:
            return Coverage(True, f"warc {span} span the day")
        return Coverage(False, f"warc {span} do not span the day")


def host_matches(host: str, hosts: Iterable[str]) -> bool:
    """``news.example.com`` matches ``example.com`` and itself; ``badexample.com`` does not."""
    host = host.lower().rstrip(".")
    return any(host == h or host.endswith("." + h) for h in (x.lower().strip(".") for x in hosts))


def _responses(ctx: Context, path: Path, hosts: list[str]) -> Iterator[tuple[str, datetime]]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    with path.open("rb") as handle:
        head = handle.read(5)
        handle.seek(0)
        if head[:2] != b"\x1f\x8b" and head != b"WARC/":  # warcio would read text as an ARC file
            raise malformed(ctx.source.id, "WARC file", str(path), "cannot be read (not WARC, not gzip)")
        try:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = str(record.rec_headers.get_header("WARC-Target-URI") or "").strip("<> ")
                if not host_matches(urlsplit(url).hostname or "", hosts):
                    continue
                status = int(record.http_headers.get_statuscode() or 0)
                kind = (record.http_headers.get_header("Content-Type") or "").lower()
                if not 200 <= status < 300 or "html" not in kind:
                    continue
                when = _warc_date(record.rec_headers.get_header("WARC-Date"))
                if when is not None:
                    yield url, when
        except ArchiveLoadFailed as exc:
            raise malformed(ctx.source.id, "WARC file", str(path), f"cannot be read ({exc})") from exc


def _warc_date(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        when = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
