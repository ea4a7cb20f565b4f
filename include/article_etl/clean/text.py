"""Character-level normalisation and paragraph repair.

Extraction output mixes NFC/NFD forms, full-width indentation (U+3000) that Chinese typesetting
uses instead of CSS, non-breaking spaces and invisible zero-width characters. Every later step
(boilerplate matching, byline parsing, hashing for dedup) compares strings, so all text goes
through ``normalise_text`` first and compares equal when a reader would say it is equal.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width and bidi marks: invisible, but they break regexes and content hashes.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad]")
# Every horizontal space variant (incl. U+3000 ideographic space and NBSP) becomes one space.
_SPACES = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
CJK_CHAR = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# A paragraph ending in one of these is complete; otherwise print layout may have cut it.
TERMINAL_PUNCT = frozenset("。！？!?…”」』\"'.")
# Characters that cannot start a continuation (a new quote, bullet or heading number).
_NEW_PARAGRAPH_START = re.compile(r"^[“「『\"'(（\[【□■●◆\-•*#\d]")
# A broken CJK line is long: short unpunctuated lines are headings and must stay separate.
_MIN_BROKEN_CJK = 30
_MIN_BROKEN_LATIN = 60


def normalise_text(text: str) -> str:
    """NFC, unified newlines, no invisible characters, one space for any run of spaces.

    Full-width indentation at the start of a line is removed rather than turned into a space,
    because it is layout, not content. Lines are stripped; blank-line structure is kept.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _INVISIBLE.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def cjk_ratio(text: str) -> float:
    """Share of non-space characters that are CJK ideographs (0.0 for empty text)."""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    return sum(1 for c in chars if CJK_CHAR.match(c)) / len(chars)


def is_cjk(text: str) -> bool:
    """True when the text is mostly Chinese/Japanese ideographs (the zh rules apply)."""
    return cjk_ratio(text) >= 0.3


def _continues(prev: str, nxt: str) -> bool:
    """Whether ``nxt`` is the rest of a sentence that print layout cut off at the end of ``prev``."""
    if not prev or not nxt or prev[-1] in TERMINAL_PUNCT or prev[-1] in ":：":
        return False
    if _NEW_PARAGRAPH_START.match(nxt):
        return False
    if is_cjk(prev):
        if not (CJK_CHAR.match(nxt[0]) or nxt[0] in ",，、;；"):
            return False
        # A comma, or a 《 or “ left open, means the sentence goes on whatever the length.
        unclosed = prev.count("《") > prev.count("》") or prev.count("“") > prev.count("”")
        return prev[-1] in ",，、;；" or unclosed or len(prev) >= _MIN_BROKEN_CJK
    return len(prev) >= _MIN_BROKEN_LATIN and nxt[0].islower()


def join_broken_paragraphs(paragraphs: list[str]) -> list[str]:
    """Re-join paragraphs that a newspaper layout split mid-sentence.

    Seed 004 has ``…党员干部`` / blank line / ``就是我们的‘领头雁’!”…``: the first part is long
    and has no terminal punctuation, the second starts with an ideograph, so they are one
    paragraph. Chinese joins without a space; Latin text joins with one.
    """
    out: list[str] = []
    for para in paragraphs:
        if out and _continues(out[-1], para):
            sep = "" if is_cjk(out[-1]) else " "
            out[-1] = out[-1] + sep + para
        else:
            out.append(para)
    return out
