"""Character-level normalisation and paragraph repair.

Extraction output mixes NFC/NFD forms, full-width indentation (U+3000) that Chinese typesetting
uses instead of CSS, non-breaking spaces and invisible zero-width characters. Every later step
(boilerplate matching, byline parsing, hashing for dedup) compares strings, so all text goes
through ``normalise_text`` first and compares equal when a reader would say it is equal.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

# Zero-width and bidi marks: invisible, but they break regexes and content hashes.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad]")
# Every horizontal space variant (incl. U+3000 ideographic space and NBSP) becomes one space.
_SPACES = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
CJK_CHAR = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Above this share of ideographs among non-space characters a text is CJK (``is_cjk``).
_CJK_SHARE = 0.3

# A paragraph ending in one of these is complete; otherwise print layout may have cut it.
TERMINAL_PUNCT = frozenset("。！？!?…”」』\"'.")
# Characters that cannot start a continuation (a new quote, bullet or heading number).
_NEW_PARAGRAPH_START = re.compile(r"^[“「『\"'(（\[【□■●◆\-•*#\d]")
# A broken CJK line is long: short unpunctuated lines are headings and must stay separate.
_MIN_BROKEN_CJK = 30
_MIN_BROKEN_LATIN = 60


# Lines up to this long are remembered (see ``normalise_text``).
_REMEMBERED_LENGTH = 200


def normalise_text(text: str) -> str:
    """NFC, unified newlines, no invisible characters, one space for any run of spaces.

    Full-width indentation at the start of a line is removed rather than turned into a space,
    because it is layout, not content. Lines are stripped; blank-line structure is kept.

    Short texts are remembered: the byline and date rules normalise the same page lines again
    and again (40,000 calls on the Fundus pages), and a remembered answer costs a dict lookup.
    The memory holds about one page's lines, so it serves repeats within a page (and site-wide
    furniture), not a benchmark's second pass over the same pages.
    """
    if len(text) <= _REMEMBERED_LENGTH:
        return _normalise_short(text)
    return _normalise(text)


@lru_cache(maxsize=2048)
def _normalise_short(text: str) -> str:
    return _normalise(text)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _INVISIBLE.sub("", text)
    # One substitution over the whole text (``_SPACES`` never matches a newline, so this is the
    # per-line substitution it replaces) and a C-level strip per line: per-line calls from Python
    # were a tenth of extraction time.
    return "\n".join(map(str.strip, _SPACES.sub(" ", text).split("\n"))).strip()


def _counts(text: str) -> tuple[int, int]:
    """(CJK ideographs, non-space characters) of ``text``, counted in C rather than per character.

    ``str.split()`` splits on exactly the characters ``str.isspace()`` accepts, and an ideograph
    is never a space, so these are the counts a character-by-character loop would give.
    """
    return len(CJK_CHAR.findall(text)), sum(map(len, text.split()))


def _ratio(cjk: int, non_space: int) -> float:
    return cjk / non_space if non_space else 0.0


def cjk_ratio(text: str) -> float:
    """Share of non-space characters that are CJK ideographs (0.0 for empty text)."""
    return _ratio(*_counts(text))


def is_cjk(text: str) -> bool:
    """True when the text is mostly Chinese/Japanese ideographs (the zh rules apply)."""
    return cjk_ratio(text) >= _CJK_SHARE


def cjk_chars(text: str) -> tuple[list[str], bool]:
    """The ideographs of ``text`` in order, and ``is_cjk(text)``, from one scan of the text
    (SimHash shingles the ideographs of a CJK text, and would otherwise find them twice)."""
    chars = CJK_CHAR.findall(text)
    return chars, _ratio(len(chars), sum(map(len, text.split()))) >= _CJK_SHARE


class _Paragraph:
    """A paragraph being re-joined: its parts and running counts, so that each join costs the
    length of the new part, not of the paragraph so far.

    Recomputing ``is_cjk`` (and the open-quote counts) of the growing paragraph made joining
    quadratic: 1,000 comma-ended paragraphs took 17 s, a 700 KB page minutes.
    """

    __slots__ = ("cjk", "last", "length", "non_space", "open_book", "open_quote", "parts")

    def __init__(self, text: str) -> None:
        self.parts = [text]
        self.length = 0
        self.cjk = self.non_space = self.open_book = self.open_quote = 0
        self.last = ""
        self._count(text)

    def _count(self, text: str) -> None:
        cjk, non_space = _counts(text)
        self.cjk += cjk
        self.non_space += non_space
        self.length += len(text)
        self.open_book += text.count("《") - text.count("》")
        self.open_quote += text.count("“") - text.count("”")
        if text:
            self.last = text[-1]

    @property
    def is_cjk(self) -> bool:
        return _ratio(self.cjk, self.non_space) >= _CJK_SHARE

    def add(self, sep: str, text: str) -> None:
        self.parts += [sep, text]
        self._count(sep + text)

    def text(self) -> str:
        return "".join(self.parts)


def _continues(prev: _Paragraph, nxt: str) -> bool:
    """Whether ``nxt`` is the rest of a sentence that print layout cut off at the end of ``prev``."""
    if not prev.length or not nxt or prev.last in TERMINAL_PUNCT or prev.last in ":：":
        return False
    if _NEW_PARAGRAPH_START.match(nxt):
        return False
    if prev.is_cjk:
        if not (CJK_CHAR.match(nxt[0]) or nxt[0] in ",，、;；"):
            return False
        # A comma, or a 《 or “ left open, means the sentence goes on whatever the length.
        unclosed = prev.open_book > 0 or prev.open_quote > 0
        return prev.last in ",，、;；" or unclosed or prev.length >= _MIN_BROKEN_CJK
    return prev.length >= _MIN_BROKEN_LATIN and nxt[0].islower()


def join_broken_paragraphs(paragraphs: list[str]) -> list[str]:
    """Re-join paragraphs that a newspaper layout split mid-sentence.

    Seed 004 has ``…党员干部`` / blank line / ``就是我们的‘领头雁’!”…``: the first part is long
    and has no terminal punctuation, the second starts with an ideograph, so they are one
    paragraph. Chinese joins without a space; Latin text joins with one. Linear in the total
    length: each paragraph is counted once and each joined paragraph concatenated once.
    """
    out: list[_Paragraph] = []
    for para in paragraphs:
        if out and _continues(out[-1], para):
            out[-1].add("" if out[-1].is_cjk else " ", para)
        else:
            out.append(_Paragraph(para))
    return [p.text() for p in out]


@cache
def _not_after_space(pattern: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\s)(?:" + pattern.pattern + ")", pattern.flags)


def split_spaced(pattern: re.Pattern[str], text: str) -> list[str]:
    """``pattern.split(text)`` in linear time, for a separator whose every alternative starts with
    ``\\s*`` or ``\\s+`` and that never matches the empty string.

    Searched as is, such a pattern is tried at every position of a run of spaces and rescans the
    run each time: quadratic in the run (10,000 newlines in an author field took 3.7 s, in a title 2 s).
    A match inside a run could start one space earlier, so after the first try only positions
    that follow a non-space can begin the next separator; a lookbehind skips the rest at C speed.
    """
    guarded = _not_after_space(pattern)
    parts: list[str] = []
    pos = 0
    while True:
        found = pattern.match(text, pos) if pos else None
        if found is None:
            found = guarded.search(text, pos + 1 if pos else 0)
        if found is None:
            parts.append(text[pos:])
            return parts
        if found.end() == found.start():
            return pattern.split(text)  # not a pattern this is for; keep re.split's empty-match rules
        parts.append(text[pos : found.start()])
        parts.extend(found.groups())  # as re.split does: the groups, None for those not taking part
        pos = found.end()
