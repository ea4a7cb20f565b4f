"""Text checks that catch what a wrong or broken decoding leaves behind.

Each check has a stable reason code (``article_etl.codes``) and counts occurrences; a
text fails a check when the count exceeds its threshold in ``CheckThresholds``. The counters are
also used by ``decode`` to judge whether a declared charset produced believable text, so there is
one definition of "mojibake" in the project, not two.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from article_etl import codes
from article_etl.config import CheckThresholds

# --- character classes -------------------------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_LETTERS = _HAN + "\u3040-\u30ff\u31f0-\u31ff\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
_CJK_RE = re.compile(f"[{_CJK_LETTERS}]")
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# A pinyin syllable: lowercase letters (ü and tone-marked vowels included) with at least one tone mark.
_SYLLABLE = f"[a-zü{_TONED}]*[{_TONED}][a-zü{_TONED}]*"

# --- mojibake ----------------------------------------------------------------------------------

# UTF-8 read as Latin-1/cp1252: a lead byte shown as Â..ô followed by the right number of
# continuation bytes shown as cp1252 characters. Built from the bytes so it is exact.
_CONT = "".join(sorted({bytes([b]).decode("cp1252", "replace") for b in range(0x80, 0xC0)} - {"\ufffd"}))
_CONT += "\x81\x8d\x8f\x90\x9d"  # the five cp1252 holes, as Latin-1 shows them
_CONT_CLASS = "[" + re.escape(_CONT) + "]"
_LATIN_MOJIBAKE = re.compile(
    f"[\u00c2-\u00df]{_CONT_CLASS}|[\u00e0-\u00ef]{_CONT_CLASS}{{2}}|[\u00f0-\u00f4]{_CONT_CLASS}{{3}}"
)
# GBK/UTF-8 mix-ups with famous faces: U+FFFD's UTF-8 bytes read as GBK, and MSVC's fill bytes.
_GBK_MARKERS = re.compile("锟斤拷|烫烫烫|屯屯屯")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f\ufffd]{6,}")


def _utf8_read_as_gbk(run: str) -> bool:
    """True when a run of CJK text is really UTF-8 bytes that were decoded as GBK.

    Re-encoding the run as GBK gives back the original bytes; if those are valid UTF-8 with
    non-ASCII text, the run is mojibake. Genuine Chinese of six or more characters practically
    never has GBK bytes that are also valid UTF-8.
    """
    try:
        raw = run.encode("gbk")
    except UnicodeEncodeError:
        return False
    # The run may start or end in the middle of a UTF-8 character (its other bytes became U+FFFD).
    for start, cut in ((0, 0), (1, 0), (2, 0), (0, 1), (0, 2), (1, 1), (2, 2), (1, 2), (2, 1)):
        try:
            fixed = raw[start : len(raw) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return sum(1 for ch in fixed if ord(ch) > 0x7F) >= 3
    return False


def mojibake_positions(text: str) -> list[int]:
    """Where the text shows mojibake (UTF-8 as Latin-1/cp1252, or GBK/UTF-8 mix-ups)."""
    found = [m.start() for m in _LATIN_MOJIBAKE.finditer(text)]
    found += [m.start() for m in _GBK_MARKERS.finditer(text)]
    found += [m.start() for m in _NON_ASCII_RUN.finditer(text) if _utf8_read_as_gbk(m.group(0))]
    return sorted(found)


# --- the other counters ------------------------------------------------------------------------

CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PINYIN_ANNOTATION = re.compile(f"[{_HAN}][(（]{_SYLLABLE}[)）]")
_QUESTION_RUN = re.compile(r"\?+")
_PINYIN_AFTER = re.compile(_SYLLABLE)
_PINYIN_BEFORE = re.compile(f"{_SYLLABLE}[)）]?$")
# Words that make a clause a real question, so the '?' after it is punctuation, not a lost char.
_INTERROGATIVE = re.compile("[吗嗎呢吧么麼嘛啊呀哪谁誰什怎几幾何否岂豈乎啥咋不没沒]|多少|难道|難道")
_CLAUSE_START = re.compile(r"[\s。，、；：！？!,;:.“”「」『』（）()\[\]【】《》]")


def _clause_before(text: str, pos: int) -> str:
    """The text from the last punctuation or space up to ``pos`` (at most 40 characters)."""
    start = max(0, pos - 40)
    window = text[start:pos]
    cuts = [m.end() for m in _CLAUSE_START.finditer(window)]
    return window[cuts[-1] :] if cuts else window


def lost_char_positions(text: str) -> list[int]:
    """Where a '?' stands in for a character lost in a lossy conversion.

    A '?' counts when it sits between CJK text and a pinyin syllable (seed 000's ``勇?lián)``,
    ``當?shù)弥``; a French ``café?`` is left alone), when two
    or more sit between CJK characters, or when a single one sits between CJK characters with no
    space and the clause before it is not a question (``朱?基``). Question marks that end a line
    (``还没有账号?``) or follow a question word (``什么?他说``, ``看不清楚?请点击``) are punctuation.
    """
    found: list[int] = []
    for match in _QUESTION_RUN.finditer(text):
        start, end = match.span()
        before, after = text[start - 1 : start], text[end : end + 1]
        cjk_before, cjk_after = bool(_CJK_RE.match(before)), bool(_CJK_RE.match(after))
        pinyin_after = bool(_PINYIN_AFTER.match(text, end))
        pinyin_before = bool(_PINYIN_BEFORE.search(text[max(0, start - 12) : start]))
        if (
            (cjk_before and pinyin_after)
            or (pinyin_before and cjk_after)
            or (
                cjk_before
                and cjk_after
                and (end - start >= 2 or not _INTERROGATIVE.search(_clause_before(text, start)))
            )
        ):
            found.append(start)
    return found


def _script_shares(text: str) -> tuple[int, int, int]:
    """(all letters, Latin letters, CJK letters) in the text."""
    letters = latin = cjk = 0
    for ch in text:
        if not ch.isalpha():
            continue
        letters += 1
        if ch < "\u0250" or "\u1e00" <= ch <= "\u1eff":
            latin += 1
        elif _CJK_RE.match(ch):
            cjk += 1
    return letters, latin, cjk


# --- the public checks -------------------------------------------------------------------------


@dataclass(frozen=True)
class TextProblem:
    """One failed text check: a stable code and words a person can act on."""

    code: str
    detail: str


def _where(text: str, positions: list[int], what: str) -> str:
    first = positions[0]
    sample = text[max(0, first - 3) : first + 6].replace("\n", " ")
    return f"{len(positions)} {what} like {sample!r} (first at char {first})"


_Counter = Callable[[str], list[int]]


def _positions(pattern: re.Pattern[str]) -> _Counter:
    return lambda text: [m.start() for m in pattern.finditer(text)]


_COUNTED: tuple[tuple[str, _Counter, str, str], ...] = (
    (codes.REPLACEMENT_CHAR, _positions(re.compile("\ufffd")), "replacement_char_max", "U+FFFD characters"),
    (codes.MOJIBAKE, mojibake_positions, "mojibake_max", "mojibake sequences"),
    (codes.PINYIN_ARTIFACT, _positions(_PINYIN_ANNOTATION), "pinyin_artifact_max", "pinyin annotations"),
    (codes.LOST_CHARS, lost_char_positions, "lost_chars_max", "'?' for lost characters"),
    (codes.CONTROL_CHARS, _positions(CONTROL_RE), "control_chars_max", "control characters"),
)


def _wrong_script(text: str, lang: str | None, thresholds: CheckThresholds) -> TextProblem | None:
    """A problem when the letters are not mostly in the script the source's language writes in."""
    family = (lang or "").lower().split("-")[0].split("_")[0]
    if family not in {"zh", "ja", "ko", "en"}:
        return None
    letters, latin, cjk = _script_shares(text)
    if letters < thresholds.wrong_script_min_letters:
        return None
    expected, name = (latin, "Latin") if family == "en" else (cjk, "CJK")
    ratio = expected / letters
    if ratio >= thresholds.wrong_script_min_ratio:
        return None
    return TextProblem(
        codes.WRONG_SCRIPT,
        f"only {ratio:.0%} of {letters} letters are {name}; a {lang!r} text needs at least "
        f"{thresholds.wrong_script_min_ratio:.0%} (checks.wrong_script_min_ratio)",
    )


def find_text_problems(
    text: str, *, lang: str | None = None, thresholds: CheckThresholds | None = None
) -> list[TextProblem]:
    """Every text check the text fails, in a fixed order (the first is the most fundamental)."""
    limits = thresholds or CheckThresholds()
    problems: list[TextProblem] = []
    for code, counter, limit_name, what in _COUNTED:
        positions = counter(text)
        limit: int = getattr(limits, limit_name)
        if len(positions) > limit:
            detail = f"{_where(text, positions, what)}; checks.{limit_name} is {limit}"
            problems.append(TextProblem(code, detail))
    wrong = _wrong_script(text, lang, limits)
    if wrong is not None:
        problems.append(wrong)
    return problems
