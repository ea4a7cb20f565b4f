"""Text checks that catch what a wrong or broken decoding leaves behind.

Each check has a stable reason code (``article_etl.codes``) and counts occurrences; a
text fails a check when the count exceeds its threshold in ``CheckThresholds``. The counters are
also used by ``decode`` to judge whether a declared charset produced believable text, so there is
one definition of "mojibake" in the project, not two.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Sequence
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
# Non-Latin text in a legacy single-byte code read as Latin-1/cp1252 ("Èìåííî" is "Именно" in
# windows-1251): words made only of accented Latin-1 letters, which no European language writes.
_LATIN1_WORD = re.compile(r"(?<![^\W\d_])[\u00c0-\u00ff]{4,}(?![^\W\d_])")
# Codecs UTF-8 is commonly mis-read as. The CJK ones are tried on runs that are mostly CJK, the
# single-byte ones on runs that are not: genuine text in one script re-encoded with a codec of
# another practically never forms valid UTF-8, so the test stays exact.
_CJK_MISREADS = ("gbk", "big5", "cp932", "cp949")
_SINGLE_BYTE_MISREADS = ("cp1251", "cp1253", "cp1256", "cp1250", "cp1254", "cp1258", "cp1255")


def _is_utf8_of(raw: bytes) -> bool:
    """True when ``raw`` is UTF-8 text with at least three non-ASCII characters, allowing a
    character cut at either end (its other bytes became U+FFFD and ended the run): the run was
    UTF-8 decoded with the wrong codec.

    One decoding from the first byte that can start a character (or the next one, when the
    first lost its partner), with an incomplete last character allowed.
    """
    start = 0
    while start < min(3, len(raw)) and 0x80 <= raw[start] <= 0xBF:
        start += 1
    for begin in (start, start + 1):
        try:  # what an incremental decoder's decode(final=False) calls, without building one per run
            fixed = codecs.utf_8_decode(raw[begin:], "strict", False)[0]
        except UnicodeDecodeError:
            continue
        return sum(1 for ch in fixed if ord(ch) > 0x7F) >= 3
    return False


def _utf8_misread(run: str) -> bool:
    """True when a run of non-ASCII text is really UTF-8 bytes decoded with a legacy codec.

    Re-encoding the run with that codec gives back the original bytes; if those are valid
    UTF-8 with non-ASCII text, the run is mojibake. Only runs mostly in the codec's own script
    are tried: Cyrillic and Greek are in GBK too, and "именно" re-encoded as GBK and cut by one
    byte happens to be valid UTF-8.
    """
    cjk = len(_CJK_RE.findall(run))
    for codec in _CJK_MISREADS if cjk * 2 >= len(run) else _SINGLE_BYTE_MISREADS:
        try:
            raw = run.encode(codec)
        except UnicodeEncodeError:
            continue
        if _is_utf8_of(raw):
            return True
    return False


def mojibake_positions(text: str) -> list[int]:
    """Where the text shows mojibake: UTF-8 read as Latin-1/cp1252, as a CJK code (GBK, Big5,
    Shift_JIS, EUC-KR) or as a single-byte code (Cyrillic, Greek, Arabic ...), GBK/UTF-8
    fill-byte faces, and non-Latin single-byte text read as Latin-1."""
    found = [m.start() for m in _LATIN_MOJIBAKE.finditer(text)]
    found += [m.start() for m in _GBK_MARKERS.finditer(text)]
    found += [m.start() for m in _LATIN1_WORD.finditer(text)]
    found += [m.start() for m in _NON_ASCII_RUN.finditer(text) if _utf8_misread(m.group(0))]
    return sorted(set(found))


# --- the other counters ------------------------------------------------------------------------

CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Private-use code points: no standard meaning, so in article text they are either a codec's
# unmapped bytes (GBK user-defined areas, A3A0 read by GB18030-2000) or an icon font's glyphs.
PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")
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


# --- scripts and languages ---------------------------------------------------------------------

_SCRIPTS: dict[str, str] = {
    # Latin: ASCII letters, Latin-1, Latin Extended-A/B and Latin Extended Additional (Vietnamese).
    "Latin": "A-Za-z\u00c0-\u024f\u1e00-\u1eff",
    "Cyrillic": "\u0400-\u052f",
    "Greek": "\u0370-\u03ff\u1f00-\u1fff",
    "Arabic": "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff",
    "Hebrew": "\u0590-\u05ff",
    "Thai": "\u0e00-\u0e7f",
    "Devanagari": "\u0900-\u097f",
    # Chinese, Japanese and Korean share one count: a Chinese article quoting a Japanese title
    # or a Korean name is still in the right script.
    "CJK": _CJK_LETTERS,
}
_SCRIPT_RES = {name: re.compile(f"[{chars}]") for name, chars in _SCRIPTS.items()}
_LANGUAGE_SCRIPT: dict[str, str] = {
    **dict.fromkeys(("zh", "ja", "ko", "yue"), "CJK"),
    **dict.fromkeys(("ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "mn", "tg"), "Cyrillic"),
    "el": "Greek",
    **dict.fromkeys(("ar", "fa", "ur", "ps"), "Arabic"),
    **dict.fromkeys(("he", "yi"), "Hebrew"),
    "th": "Thai",
    **dict.fromkeys(("hi", "mr", "ne"), "Devanagari"),
    **dict.fromkeys(
        [
            "en",
            "de",
            "fr",
            "es",
            "it",
            "pt",
            "nl",
            "tr",
            "pl",
            "vi",
            "cs",
            "sk",
            "sl",
            "hr",
            "bs",
            "sv",
            "da",
            "no",
            "nb",
            "nn",
            "fi",
            "et",
            "lv",
            "lt",
            "ro",
            "hu",
            "id",
            "ms",
            "tl",
            "sq",
            "is",
            "ga",
            "cy",
            "eu",
            "ca",
            "gl",
            "af",
            "sw",
            "az",
            "uz",
        ],
        "Latin",
    ),
}
AUTO = "auto"

# What does not count for or against a script: web addresses, e-mail addresses and code.
_URL_RE = re.compile(r"(?:https?://|ftp://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII)
_CODE_START = re.compile(
    r"^\s*(?:def |class |import |from \S+ import |return\b|if .*:$|elif |else:|for .* in .*:|while .*:|"
    r"try:|except\b|with .*:|print\(|#include|#!|//|/\*|\*/|@\w+|var |let |const |function\b|"
    r"public |private |static |package |SELECT |INSERT |UPDATE |CREATE |\$ |>>> |\.\.\. )"
)
_CODE_END = re.compile(r"[;{}(\[,:]\s*$|^\s*[)}\]]+[;,]?\s*$")
_CODE_SIGNS = re.compile(r"==|!=|->|=>|::|\(\)|\w\(|\w\.\w+\(|\w\[|\s=\s|\+=|&&|\|\|")


def _looks_like_code(line: str) -> bool:
    """True for a line of a program listing (a <pre>/<code> block flattened into the body).

    Judged on the text because the body reaches the checks as plain text: a line that starts
    like a statement, or ends like one and has code's operators, and has more ASCII letters than
    CJK ones (a Chinese sentence ending in a colon is prose).
    """
    stripped = line.strip()
    if not stripped or len(_CJK_RE.findall(stripped)) * 2 > len(stripped):
        return False
    if _CODE_START.match(line):
        return True
    return bool(_CODE_END.search(line) and _CODE_SIGNS.search(line)) or (
        line[:1] in (" ", "\t") and bool(_CODE_SIGNS.search(line))
    )


def prose(text: str) -> str:
    """The text without URLs, e-mail addresses and lines that look like program code."""
    text = _URL_RE.sub(" ", text)
    if "\n" not in text:
        return "" if _looks_like_code(text) else text
    return "\n".join(line for line in text.split("\n") if not _looks_like_code(line))


def script_counts(text: str) -> tuple[int, dict[str, int]]:
    """(all letters, letters per script) in the text."""
    letters = sum(1 for ch in text if ch.isalpha())
    return letters, {name: len(pattern.findall(text)) for name, pattern in _SCRIPT_RES.items()}


def languages_of(lang: str | Sequence[str] | None) -> tuple[str, ...]:
    """Language families of a declaration: ``"zh"``, ``"zh-TW"``, ``"zh,en"``, ``["zh", "en"]`` or
    ``"auto"`` (kept as ``("auto",)``); empty when nothing is declared."""
    if lang is None:
        return ()
    items = lang.split(",") if isinstance(lang, str) else list(lang)
    out: list[str] = []
    for item in items:
        family = item.strip().lower().split("-")[0].split("_")[0]
        if family and family not in out:
            out.append(family)
    return tuple(out)


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
    (codes.PRIVATE_USE, _positions(PRIVATE_USE_RE), "private_use_max", "private-use characters"),
)


def _wrong_script(
    text: str, lang: str | Sequence[str] | None, thresholds: CheckThresholds
) -> TextProblem | None:
    """A problem when the letters are not mostly in the script of the text's language.

    ``lang`` is one language, several (a mixed-language source: the text must be mostly in the
    script of one of them, i.e. of its own language) or ``auto`` (any one script must dominate).
    URLs, e-mail addresses and code listings are left out first: a Chinese tutorial with a Python
    listing is still Chinese. Languages whose script is not known here are not judged.
    """
    families = languages_of(lang)
    if AUTO in families:
        scripts = list(_SCRIPTS)
    else:
        scripts = [_LANGUAGE_SCRIPT[f] for f in families if f in _LANGUAGE_SCRIPT]
    if not scripts:
        return None
    letters, counts = script_counts(prose(text))
    if letters < thresholds.wrong_script_min_letters:
        return None
    best = max(dict.fromkeys(scripts), key=lambda name: counts[name])
    ratio = counts[best] / letters
    if ratio >= thresholds.wrong_script_min_ratio:
        return None
    expected = "any one script" if AUTO in families else " or ".join(dict.fromkeys(scripts))
    return TextProblem(
        codes.WRONG_SCRIPT,
        f"only {ratio:.0%} of {letters} letters (code and URLs left out) are {expected}; a {lang!r} "
        f"text needs at least {thresholds.wrong_script_min_ratio:.0%} (checks.wrong_script_min_ratio)",
    )


def find_text_problems(
    text: str, *, lang: str | Sequence[str] | None = None, thresholds: CheckThresholds | None = None
) -> list[TextProblem]:
    """Every text check the text fails, in a fixed order (the first is the most fundamental).

    ``lang`` is the text's language, several languages (any of them), or ``auto``; see
    ``_wrong_script``.
    """
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
