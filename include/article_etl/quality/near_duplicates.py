"""Near-duplicates: the same story syndicated across sites, with a changed line or two.

A 64-bit SimHash over overlapping shingles (three characters for CJK text, where words are not
space-separated; three words otherwise) puts near-identical texts a few bits apart while unrelated
texts sit ~32 bits apart. It needs no index and no extra dependency, and a day's batch per source
is small enough to compare pairwise.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from article_etl.clean.text import CJK_CHAR, is_cjk
from article_etl.identity import BITS, distance

__all__ = ["distance", "simhash"]

_WORD = re.compile(r"\w+", re.UNICODE)


def _shingles(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).lower()
    if is_cjk(folded):
        cjk = CJK_CHAR.findall(folded)
        return ["".join(cjk[i : i + 3]) for i in range(max(1, len(cjk) - 2))]
    words = _WORD.findall(folded)
    return [" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))]


def simhash(text: str) -> str:
    """The text's SimHash as 16 hex digits (stored as text: it does not fit a signed BIGINT)."""
    weights = [0] * BITS
    for shingle in _shingles(text):
        value = int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "big")
        for bit in range(BITS):
            weights[bit] += 1 if value >> bit & 1 else -1
    out = sum(1 << bit for bit in range(BITS) if weights[bit] > 0)
    return f"{out:016x}"
