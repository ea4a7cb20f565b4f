"""What conditional GET remembers between runs: a feed's or sitemap's validators and last body.

Why: a feed that has not changed since yesterday answers ``304 Not Modified`` with no body when
asked with ``If-None-Match`` / ``If-Modified-Since``; the site is spared the transfer, and the
day's URL list must still be the same as if the body had come. So the body of the last 2xx answer
is kept beside its ``ETag`` and ``Last-Modified``, per requested URL (the caller saves a body only
once it has parsed, so a cut-off transfer is never reused).

Layout (known only here, like every landing-zone name): ``<root>/_state/listings/<key>.json``
and ``<key>.body.gz``, where ``key`` is the sha256 of the URL *as requested*. The file name is a
hash, so a secret in a configured feed URL never becomes a file name; the JSON keeps the URL
redacted, for a person looking at the folder.

This state is an optimisation, never a source of truth: a missing, unreadable, half-written or
mismatched entry (the body's sha256 is checked against the JSON) reads as "nothing stored", and
the caller fetches in full. A failed write is logged and forgotten. Neither can fail a run.
Two runs saving the same URL at once each write whole files atomically; the body hash in the JSON
tells a mixed pair apart.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from article_etl.storage.files import atomic_writer, data_root

log = logging.getLogger(__name__)

_FOLDER = ("_state", "listings")
_VERSION = 1


@dataclass(frozen=True)
class StoredListing:
    """The last 2xx answer for one listing URL: its validators and its body."""

    etag: str | None
    last_modified: str | None
    body: bytes

    def conditional_headers(self) -> dict[str, str]:
        """The request headers that ask the server for a 304 when nothing changed."""
        headers: dict[str, str] = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class ListingState:
    """Validators and bodies of feeds and sitemaps, kept across runs under the landing zone."""

    def __init__(self, root: Path | None = None) -> None:
        self.folder = (root or data_root()).joinpath(*_FOLDER)

    def load(self, url: str) -> StoredListing | None:
        """What was stored for ``url`` (as requested), or None when nothing usable is there."""
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if not isinstance(meta, dict) or meta.get("version") != _VERSION:
                return None
            body = gzip.decompress(body_path.read_bytes())
            if hashlib.sha256(body).hexdigest() != meta.get("body_sha256"):
                return None  # a pair from two different saves, or a damaged body
            etag, modified = meta.get("etag"), meta.get("last_modified")
            if not (isinstance(etag, str) and etag) and not (isinstance(modified, str) and modified):
                return None
            return StoredListing(
                etag=etag if isinstance(etag, str) and etag else None,
                last_modified=modified if isinstance(modified, str) and modified else None,
                body=body,
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, EOFError) as exc:  # unreadable, not JSON, not gzip: start afresh
            log.warning("conditional GET state %s is unusable (%s); fetching in full", meta_path, exc)
            return None

    def save(self, url: str, shown: str, etag: str | None, last_modified: str | None, body: bytes) -> None:
        """Remember a 2xx answer for ``url``; ``shown`` is the URL redacted, kept for people.

        An answer without validators removes what was stored (nothing to ask conditionally)."""
        meta_path, body_path = self._paths(url)
        try:
            if not etag and not last_modified:
                meta_path.unlink(missing_ok=True)
                body_path.unlink(missing_ok=True)
                return
            with atomic_writer(body_path, "wb") as out:
                out.write(gzip.compress(body, mtime=0))
            meta = {
                "version": _VERSION,
                "url": shown,
                "etag": etag,
                "last_modified": last_modified,
                "body_sha256": hashlib.sha256(body).hexdigest(),
                "saved_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            }
            with atomic_writer(meta_path) as out:
                out.write(json.dumps(meta, indent=1))
        except OSError as exc:  # a full disk costs the next run a full fetch, nothing more
            log.warning(
                "could not store conditional GET state for %s (%s); the next run fetches it in full",
                shown,
                exc,
            )

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()
        return self.folder / f"{key}.json", self.folder / f"{key}.body.gz"
