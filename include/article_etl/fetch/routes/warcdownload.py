"""A WARC archive by URL (``discovery: {kind: warc, url: ...}``): downloaded once, then read as a
local file.

The download is a request like any other the project sends: robots.txt of that host first, then
the host's pace, then the client (private-address guard, retries), but streamed into a file
rather than memory, with its own cap and deadline (``discovery.max_bytes``, default 3 GB;
``discovery.deadline_seconds``, default an hour): a CC-NEWS file is about 1 GB. It lands in the
landing zone's cache (:mod:`article_etl.storage.cache`) atomically; a file already there is
complete and is reused, so the days one archive covers download it once.
"""

from __future__ import annotations

import logging
from pathlib import Path

from article_etl.config import ConfigError, WarcDiscovery
from article_etl.fetch.client import TooLargeError, download
from article_etl.fetch.routes.base import Context
from article_etl.storage import atomic_writer
from article_etl.storage.cache import archive_cache_path

log = logging.getLogger(__name__)


def cached_download(ctx: Context, config: WarcDiscovery, root: Path | None = None) -> Path:
    """The local copy of ``config.url``, downloaded now unless a complete one is cached.

    Raises ConfigError (robots.txt disallows it, a refused address, a 4xx, larger than
    ``discovery.max_bytes``) or DiscoveryError (5xx, unreachable, too slow: retried), each naming
    the source and the URL (redacted)."""
    url = config.url
    path = archive_cache_path(url, root)
    if path.is_file():
        log.info(
            "source %s: WARC %s already downloaded to %s; reusing it", ctx.source.id, ctx.shown(url), path
        )
        return path
    polite = ctx.listing.polite
    log.info("source %s: downloading WARC %s to %s", ctx.source.id, ctx.shown(url), path)
    with ctx.configured_request(url), atomic_writer(path, "wb") as out:
        polite.check(url)
        with polite.slot(url):
            try:
                cap = download(
                    ctx.listing.session,
                    url,
                    ctx.settings,
                    out,
                    max_bytes=config.max_bytes,
                    deadline_seconds=config.deadline_seconds,
                    limits="discovery",
                )
            except TooLargeError as exc:  # the same file is as large tomorrow: no retries
                raise ConfigError(f"source {ctx.source.id}: {exc}") from None
        ctx.check_status(url, cap.status)  # raising here leaves no file behind
    return path
