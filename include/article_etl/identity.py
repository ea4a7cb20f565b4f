"""What makes two records the same article: the canonical URL and the text.

``article_id`` is a hash of the canonical URL so that the same story fetched again (a re-run,
a backfill, a second feed) maps to the same warehouse row; ``content_hash`` catches the same
text published under another URL.
"""

from __future__ import annotations

import hashlib
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "spm", "from", "share_", "fbclid", "gclid")


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no tracking parameters, sorted query."""
    parts = urlsplit(url.strip())
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES)
    )
    netloc = parts.netloc.lower()
    if (parts.scheme == "http" and netloc.endswith(":80")) or (
        parts.scheme == "https" and netloc.endswith(":443")
    ):
        netloc = netloc.rsplit(":", 1)[0]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query), ""))


def article_id(canonical: str) -> str:
    """Stable id of an article: sha1 of its canonical URL (40 hex digits)."""
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()


def content_hash(body: str) -> str:
    """sha256 of the body with all white space removed and NFKC-folded, so layout changes don't matter."""
    folded = "".join(unicodedata.normalize("NFKC", body).split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


# SimHashes are 64-bit (see ``quality.near_duplicates``, which computes them).
BITS = 64


def distance(a: str, b: str) -> int:
    """Hamming distance between two SimHashes: how many of the 64 bits differ.

    It lives here, at the bottom, because the loader compares fingerprints too and must not
    import the quality layer."""
    return (int(a, 16) ^ int(b, 16)).bit_count()
