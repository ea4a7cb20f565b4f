"""Undoing the one kind of mojibake that can be undone safely: UTF-8 shown as Latin-1/cp1252.

ftfy can also "fix" text through MacRoman, cp437, windows-1251 and others, but on news text a
wrong guess there silently changes words; a Latin-1/cp1252 round trip is exact and checkable.
Anything else is left for the ``mojibake`` check to reject.
"""

from __future__ import annotations

import ftfy

from article_etl.encoding.checks import mojibake_positions

_SAFE_ENCODE = {"latin-1", "sloppy-windows-1252", "windows-1252"}
_SAFE_DECODE = {"utf-8", "utf-8-variants"}
_SAFE_STEPS = {"replace_lossy_sequences", "restore_byte_a0", "decode_inconsistent_utf8", "fix_c1_controls"}


def repair_mojibake(text: str) -> tuple[str, bool]:
    """(text, True) with UTF-8-read-as-Latin-1/cp1252 undone, or (text unchanged, False).

    A repair is kept only when every ftfy step belongs to that family, it adds no U+FFFD and it
    leaves less mojibake than it found, so clean text is never touched.
    """
    if not mojibake_positions(text):
        return text, False
    fixed = ftfy.fix_encoding_and_explain(text)
    steps = fixed.explanation or []
    if not steps or fixed.text == text:
        return text, False
    for action, parameter in steps:
        allowed = {"encode": _SAFE_ENCODE, "decode": _SAFE_DECODE}.get(action, _SAFE_STEPS)
        if parameter not in allowed:
            return text, False
    if fixed.text.count("\ufffd") > text.count("\ufffd"):
        return text, False
    if len(mojibake_positions(fixed.text)) >= len(mojibake_positions(text)):
        return text, False
    return fixed.text, True
