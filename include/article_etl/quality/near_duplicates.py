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
    """The text's SimHash as 16 hex digits (stored as text: it does not fit a signed BIGINT).

    Each shingle's 64-bit hash votes +1/-1 on every bit; a bit is set where the +1 votes win.
    The votes are counted with numpy over all shingles at once (one unpackbits and one sum): a
    Python loop over 64 bits per shingle was two thirds of the clean stage's time."""
    import numpy as np

    shingles = _shingles(text)
    digests = b"".join(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest() for s in shingles)
    values = np.frombuffer(digests, dtype=">u8").astype("<u8")  # each digest read big-endian, as before
    ones = (
        np.unpackbits(values.view(np.uint8), bitorder="little").reshape(-1, BITS).sum(axis=0, dtype=np.int64)
    )
    out = sum(1 << bit for bit in range(BITS) if 2 * int(ones[bit]) > len(shingles))
    return f"{out:016x}"
