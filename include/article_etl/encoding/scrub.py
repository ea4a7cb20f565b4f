"""Characters no warehouse or file can store: NUL and lone surrogates.

A NUL arrives in JSON-LD or a meta tag as ``\\u0000`` (PostgreSQL refuses it in text), and a lone
surrogate as ``\\ud800`` (no UTF-8 writer can encode it: the JSON lines of a stage, psycopg and
pymysql all raise). Neither is ever article text, so they are removed where a record is built,
and the removal is recorded on the record, instead of crashing the batch at the first writer.
"""

from __future__ import annotations

import re

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def scrub_unstorable(text: str) -> tuple[str, int]:
    """``text`` without NUL and lone surrogates, and how many were removed."""
    cleaned, removed = _UNSTORABLE.subn("", text)
    return cleaned, removed
