"""What makes two records the same article: the canonical URL and the text.

``article_id`` is a hash of the canonical URL so that the same story fetched again (a re-run,
a backfill, a second feed) maps to the same warehouse row; ``content_hash`` catches the same
text published under another URL.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from itertools import pairwise
from typing import Generic, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import idna

# Query parameters that say where a reader came from, never which article it is. Prefixes, as
# before this list grew (``from`` also catches ``fromdate``: kept so existing ids stay put).
_TRACKING_PREFIXES = ("utm_", "spm", "from", "share_", "fbclid", "gclid")
# Whole names added later: click ids of the ad networks, mail-campaign and analytics ids.
_TRACKING_NAMES = frozenset(
    {
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "mkt_tok",
        "wt_mc",
        "wt_zmc",
    }
)
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def canonical_url(url: str) -> str:
    """The URL that identifies an article: two links to one page give the same string.

    The one place URLs become keys (``article_id`` hashes the result; ``articles.url`` keeps the
    URL as listed, for display). Rules, each a no-op on a URL that already follows it, so the id
    of a URL that was already normal never changes:

    * scheme and host lower-cased; a non-ASCII host becomes its IDNA (punycode) form, while an
      ``xn--`` host stays as it is (not decoded to Unicode, as courlan does); a host's trailing
      dot goes; userinfo goes (stored URLs are redacted before this anyway);
    * the scheme's default port goes (``:80`` for http, ``:443`` for https), other ports stay;
    * the path: empty becomes ``/``; ``.`` and ``..`` segments are resolved (RFC 3986 5.2.4);
      percent-escapes get upper-case hex and escaped unreserved characters (``%7E``, ``%41``) are
      unescaped (RFC 3986 6.2.2). A trailing slash is kept, and so is any other character: sites
      serve ``/a`` and ``/a/`` as different pages, and inner whitespace is not deleted (courlan
      deletes it);
    * the query: tracking parameters dropped (``utm_*``, ``fbclid``, ``gclid`` and the others in
      this module; not ``ref``, ``source_id`` or ``refresh``, which courlan drops and some sites
      need), the rest sorted and re-encoded; an empty query loses its ``?``;
    * the fragment goes.

    Never raises: a URL it cannot take apart comes back with only the steps that could be done.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # an unbalanced IPv6 bracket: nothing to take apart, drop the fragment only
        return url.strip().partition("#")[0]
    scheme = parts.scheme.lower()
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k))
    return urlunsplit((scheme, _netloc(parts.netloc, scheme), _path(parts.path), urlencode(query), ""))


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith(_TRACKING_PREFIXES) or lowered in _TRACKING_NAMES


def _netloc(netloc: str, scheme: str) -> str:
    """Host (lower-case, IDNA, no trailing dot) and port unless it is the scheme's default."""
    hostport = netloc.rpartition("@")[2]
    if hostport.startswith("["):  # an IPv6 literal: [::1]:8080
        host, _, rest = hostport.partition("]")
        host, port = host + "]", rest.removeprefix(":")
    else:
        host, sep, port = hostport.rpartition(":")
        if not sep or (port and not port.isdigit()):  # no port, or not a port: keep the text
            host, port = hostport, ""
    host = _idna(host.lower()).rstrip(".") if host else host
    if port and port != _DEFAULT_PORTS.get(scheme):
        return f"{host}:{port}"
    return host


def _idna(host: str) -> str:
    """The ASCII form of a Unicode host (UTS 46, as browsers do); an ASCII host unchanged."""
    if host.isascii():
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        try:
            return host.encode("idna").decode("ascii")  # IDNA 2003, for what 2008 refuses (emoji)
        except UnicodeError:
            return host


def _path(path: str) -> str:
    path = _ESCAPE.sub(_normal_escape, path)
    if "." in path:
        path = _remove_dot_segments(path)
    return path or "/"


def _normal_escape(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else f"%{match.group(1).upper()}"


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, on segments: ``/a/./b/../c`` -> ``/a/c``."""
    segments = path.split("/")
    out: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                out.append("")
        elif segment == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(segment)
    result = "/".join(out)
    return result if not path.startswith("/") or result.startswith("/") else "/" + result


def article_id(canonical: str) -> str:
    """Stable id of an article: sha1 of its canonical URL (40 hex digits)."""
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()


def content_hash(body: str) -> str:
    """sha256 of the body with all white space removed and NFKC-folded, so layout changes don't matter."""
    folded = "".join(unicodedata.normalize("NFKC", body).split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


T = TypeVar("T")

# SimHashes are 64-bit (see ``quality.near_duplicates``, which computes them).
BITS = 64


def distance(a: str, b: str) -> int:
    """Hamming distance between two SimHashes: how many of the 64 bits differ.

    It lives here, at the bottom, because the loader compares fingerprints too and must not
    import the quality layer."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


class SimHashIndex(Generic[T]):
    """SimHashes with an item each, found again by distance without a pass over all of them.

    With ``max_distance`` k, the 64 bits are cut into k + 1 bands: two hashes at most k bits apart
    agree exactly on at least one band (pigeonhole), so only items sharing a band with the query
    are compared. The answer is exactly what a pairwise scan gives, in near-linear time: a day of
    100k articles compared pairwise is 5e9 comparisons.
    """

    def __init__(self, max_distance: int) -> None:
        self.max_distance = max_distance
        bands = max(1, max_distance + 1)
        edges = [BITS * i // bands for i in range(bands + 1)]
        self._masks = [((1 << (hi - lo)) - 1) << lo for lo, hi in pairwise(edges)]
        self._buckets: list[dict[int, list[int]]] = [{} for _ in self._masks]
        self._items: list[tuple[int, T]] = []

    def add(self, simhash: str, item: T) -> None:
        value = int(simhash, 16)
        index = len(self._items)
        self._items.append((value, item))
        for mask, bucket in zip(self._masks, self._buckets, strict=True):
            bucket.setdefault(value & mask, []).append(index)

    def within(self, simhash: str) -> list[tuple[int, T]]:
        """(distance, item) of every item at most ``max_distance`` bits away, in the order added."""
        value = int(simhash, 16)
        found: set[int] = set()
        for mask, bucket in zip(self._masks, self._buckets, strict=True):
            found.update(bucket.get(value & mask, ()))
        out = []
        for index in sorted(found):
            stored, item = self._items[index]
            bits = (stored ^ value).bit_count()
            if bits <= self.max_distance:
                out.append((bits, item))
        return out
