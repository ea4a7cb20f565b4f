"""WARC files (a crawler's archive, Common Crawl's CC-NEWS), local or downloaded by URL.

Records are streamed one at a time through the project's one WARC reader
(:func:`article_etl.fetch.warc.response_heads`; gzip per record, as CC-NEWS writes them, or
plain), so a 1 GB file never sits in memory. Taken: ``response`` records whose target host is
one of the source's ``hosts`` (or a subdomain of one), whose capture date (``WARC-Date``) lies
in the interval (or up to ``capture_lag_hours`` after it), with a 2xx HTML answer. Skipped:
``request``, ``revisit``, ``metadata`` and ``warcinfo`` records, other hosts, non-HTML answers.
The capture date only picks candidates; the listed date stays empty so the page's own date
decides at clean.

Each entry carries where its record is (``Discovered.warc`` and ``warc_offset``): the fetch stage
reads the page from the archive instead of requesting it again.

A ``url`` is downloaded once into ``ARTICLE_ETL_HOME/cache/warc/`` (:mod:`.warcdownload`) and
then read like a local file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from article_etl.config import ConfigError, WarcDiscovery
from article_etl.fetch.routes.base import Context, Coverage, malformed, stamp
from article_etl.fetch.warc import ResponseHead, WarcReadError, response_heads
from article_etl.records import Discovered


class WarcFile:
    """The HTML responses of the archive for the source's hosts and the interval."""

    def __init__(self, config: WarcDiscovery) -> None:
        self.config = config
        self.span: tuple[datetime, datetime] | None = None  # first and last capture of the hosts

    def entries(self, ctx: Context) -> Iterable[Discovered]:
        if self.config.url:
            from article_etl.fetch.routes.warcdownload import cached_download

            path = cached_download(ctx, self.config)
        else:
            path = Path(self.config.path)
            if not path.is_file():
                raise ConfigError(
                    f"source {ctx.source.id}: {ctx.field_name}.path {path} is not a file; give the path of a "
                    ".warc or .warc.gz file"
                )
        path = path.resolve()
        hosts = self.config.hosts
        until = ctx.end + timedelta(hours=self.config.capture_lag_hours)

        def wanted(head: ResponseHead) -> bool:
            if not host_matches(urlsplit(head.url).hostname or "", hosts):
                return False
            kind = (head.header("Content-Type") or "").lower()
            if not 200 <= head.status < 300 or "html" not in kind or head.date is None:
                return False
            when = head.date
            self.span = (min(self.span[0], when), max(self.span[1], when)) if self.span else (when, when)
            return ctx.start <= when < until

        try:
            return [
                Discovered(
                    source_id=ctx.source.id, url=ctx.redact(head.url), warc=str(path), warc_offset=head.offset
                )
                for head in response_heads(path, wanted)
            ]
        except WarcReadError as exc:
            raise malformed(ctx.source.id, "WARC file", self.config.where, exc.reason) from exc

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
