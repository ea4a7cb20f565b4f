"""Encoding stage: bytes -> honest text, and checks for the damage a wrong decoding leaves.

``decode`` chooses the codec (BOM, UTF-8, HTTP and <meta> charsets read as browsers read them,
detection on a head-and-tail sample); ``checks`` finds replacement characters, mojibake, pinyin
artifacts, lost characters, control characters and wrong scripts; ``repair`` undoes the one
mojibake family that can be undone safely.
"""

from __future__ import annotations

from article_etl.encoding.checks import TextProblem, find_text_problems
from article_etl.encoding.decode import Decoded, decode_html
from article_etl.encoding.labels import charset_from_content_type, normalise_label
from article_etl.encoding.repair import repair_mojibake
from article_etl.encoding.scrub import scrub_unstorable

__all__ = [
    "Decoded",
    "TextProblem",
    "charset_from_content_type",
    "decode_html",
    "find_text_problems",
    "normalise_label",
    "repair_mojibake",
    "scrub_unstorable",
]
