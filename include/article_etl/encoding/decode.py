"""Bytes -> text for one HTML page, choosing the codec the way a careful browser would.

Order of evidence: byte-order mark; the NUL bytes of UTF-16 without a BOM; valid non-ASCII UTF-8
(almost never an accident); the HTTP charset; the ``<meta>`` charset; detection
(charset-normalizer on a head-and-tail sample); a fixed list of East Asian codecs. Declared
charsets lie often enough on Chinese regional sites (``iso-8859-1`` server defaults, ``gb2312``
pages with GBK names) that a declaration is evidence, not an order: a candidate must give
believable text.

Candidates are ranked by the damage they leave, not taken in order: a codec that decodes the
whole page wins; then a declared codec that decodes all but a handful of broken byte sequences
(``damage_limit``), least damage first; then undeclared UTF-8 of the same kind; then a detector's
guess. Broken sequences are replaced with U+FFFD where they are, counted (``Decoded.damage``)
and located in the note, so one truncated character in a sidebar link does not cost the
article; the clean stage rejects the page only if the damage lands in its title or body.
``decode_html`` never raises: a page no codec decodes honestly comes back with ``clean=False``
and the pipeline rejects it as ``undecodable``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

from article_etl.encoding.browser import Decoding, decode_bytes
from article_etl.encoding.checks import CONTROL_RE, mojibake_positions
from article_etl.encoding.labels import LABELS, charset_from_content_type, normalise_label
from article_etl.encoding.sniff import bom_codec, detection_sample, meta_charset, utf16_codec

# Tried after detection, most common on the sites we fetch first.
_LAST_RESORT = ("gb18030", "big5hkscs", "cp932", "cp949", "euc_jp")
# What charset-normalizer may answer; anything else on a news page is a misdetection.
_DETECTABLE = [
    "utf_8",
    "gb18030",
    "big5",
    "cp950",
    "cp932",
    "euc_jp",
    "cp949",
    "cp1252",
    "cp1250",
    "cp1251",
    "iso8859_2",
    "koi8_r",
]
_SINGLE_BYTE_RUN = re.compile(
    "[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]{3,}"
)
_PUA = re.compile("[\ue000-\uf8ff]")
_HANGUL_RUN = re.compile("[\uac00-\ud7af]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NON_ASCII_BYTE = re.compile(rb"[\x80-\xff]")
_JUDGE_CHARS = 32_768
_UTF8_EVIDENCE = 8  # non-ASCII characters of valid UTF-8 that outweigh a declared charset
# At least this many broken byte sequences are tolerated in the page's codec (see damage_limit).
_DAMAGE_MIN = 16
_HIGH_BYTES = bytes(range(0x80, 0x100))


@dataclass(frozen=True)
class Decoded:
    """A decoded page and how its codec was chosen (stored with the record for audits).

    ``encoding`` is the Python codec actually used, spelled as ``codecs.lookup(...).name``:
    ``utf-8``, ``gb18030`` (for every GB label), ``big5hkscs`` (``cp950`` when only cp950
    decodes it), ``cp932``, ``cp949``, ``euc_jp``, ``cp1252`` (for Latin-1/ASCII labels) ...
    """

    text: str
    encoding: str
    method: str
    declared: str | None
    clean: bool
    note: str = ""
    # Broken byte sequences replaced with U+FFFD where they were (the note says where).
    damage: int = 0


def _strict(data: bytes, codec: str) -> tuple[str, str] | None:
    """(text, codec used) when ``codec`` or one of its vendor variants decodes all of ``data``
    as browsers decode it (see ``browser``); an incomplete character at the very end is dropped."""
    found = decode_bytes(data, codec)
    return (found.text, found.codec) if found is not None else None


def damage_limit(data: bytes) -> int:
    """How many broken byte sequences a codec may leave and still be the page's codec.

    A handful, or one in 500 of the page's non-ASCII bytes on long pages: a wrong multi-byte
    codec breaks far more than that, and the right one with a truncated character in a link or
    a dozen corrupt bytes in a footer should keep the article. Never more than one byte in 20
    of the page: a page that is mostly broken bytes has no honest decoding.
    """
    non_ascii = len(data) - len(data.translate(None, _HIGH_BYTES))
    return min(max(_DAMAGE_MIN, non_ascii // 500), len(data) // 20)


class _LazyLimit:
    """``damage_limit`` of one page, computed only when a codec fails strictly: counting a
    page's non-ASCII bytes costs as much as decoding it, and almost every page decodes cleanly."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._value: int | None = None

    @property
    def value(self) -> int:
        if self._value is None:
            self._value = damage_limit(self._data)
        return self._value

    def decode(self, data: bytes, codec: str) -> Decoding | None:
        """``decode_bytes`` strictly, then with this page's damage limit."""
        return decode_bytes(data, codec) or decode_bytes(data, codec, self.value)


def _damage_note(found: Decoding) -> str:
    """Where the replaced byte sequences are: their count, first offsets and text around them."""
    if not found.damage:
        return ""
    where = ", ".join(str(b) for b in found.damage_bytes[:5]) + (", ..." if found.damage > 5 else "")
    first = found.damage_chars[0]
    near = " ".join(found.text[max(0, first - 20) : first + 20].split())
    return (
        f"{found.damage} broken byte sequence{'s' if found.damage > 1 else ''} replaced with U+FFFD "
        f"at byte {where} (first near {near!r})"
    )


def _implausible(text: str) -> str:
    """Why ``text`` does not look like a page decoded with the right codec ("" when it does).

    Judged on the head and tail of long pages: a wrong codec garbles the whole page, so a
    bounded sample is enough and keeps multi-megabyte pages fast.
    """
    if len(text) > 2 * _JUDGE_CHARS:
        text = text[:_JUDGE_CHARS] + "\n" + text[-_JUDGE_CHARS:]
    non_ascii = len(_NON_ASCII.findall(text))
    if non_ascii == 0:
        return ""
    mojibake = mojibake_positions(text)
    if len(mojibake) > 2:
        return f"text has {len(mojibake)} mojibake sequences"
    controls = len(CONTROL_RE.findall(text))
    if controls > 2:
        return f"text has {controls} control characters"
    pua = len(_PUA.findall(text))
    if pua > max(2, non_ascii // 100):
        return f"text has {pua} private-use characters"
    runs = sum(len(m.group(0)) for m in _SINGLE_BYTE_RUN.finditer(text))
    if runs >= 6 and runs * 10 >= non_ascii * 3:
        return "text is runs of Latin-1 accents and symbols, as CJK bytes read as a single-byte code"
    hangul = [len(m.group(0)) for m in _HANGUL_RUN.finditer(text)]
    if sum(hangul) >= 20 and sum(hangul) / len(hangul) > 8:
        return "text is long unspaced Hangul runs, as Chinese bytes read as Korean"
    return ""


def _detected(data: bytes) -> list[str]:
    """Codecs charset-normalizer proposes for a head-and-tail sample, best first, WHATWG names."""
    try:
        matches = charset_normalizer.from_bytes(detection_sample(data), cp_isolation=_DETECTABLE)
    except Exception:  # a detector bug must not stop the page; strict decoding still decides
        return []
    out: list[str] = []
    for match in matches:
        codec = _whatwg(match.encoding)
        if codec and codec not in out:
            out.append(codec)
    return out


def _whatwg(python_codec: str) -> str | None:
    """A detector's Python codec name upgraded to the superset browsers use (gb2312 -> gb18030)."""
    try:
        name = codecs.lookup(python_codec).name
    except LookupError:
        return None
    return normalise_label(name.replace("_", "-")) or normalise_label(name) or LABELS.get(name, name)


def _decoded(found: Decoding, method: str, label: str | None, notes: list[str]) -> Decoded:
    note = "; ".join(n for n in [*notes, _damage_note(found)] if n)
    return Decoded(found.text, found.codec, method, label, True, note, found.damage)


def _decode_impl(data: bytes, content_type: str | None) -> Decoded:
    http_label = charset_from_content_type(content_type)
    meta_label = meta_charset(data)
    declared = http_label or meta_label
    limit = _LazyLimit(data)

    bom = bom_codec(data)
    if bom is not None:
        codec, size = bom
        found = limit.decode(data[size:], codec)
        if found is not None:
            note = f"BOM overrides declared {declared}" if declared else ""
            return _decoded(found, "bom", declared, [note])

    # Declarations in WHATWG order. A <meta> found by an ASCII scan cannot mean UTF-16.
    declarations: list[tuple[str, str, str]] = []
    for method, label in (("http", http_label), ("meta", meta_label)):
        named = normalise_label(label) if label else None
        if method == "meta" and named in {"utf-16-le", "utf-16-be"}:
            named = "utf-8"
        if label and named:
            declarations.append((method, label, named))

    # UTF-16 without a BOM: its NUL bytes are evidence no declaration can outweigh (an ASCII
    # scan finds no <meta> in it, and a header charset naming an 8-bit code is a server default).
    sniffed = utf16_codec(data) if bom is None else None
    if sniffed is not None:
        found = limit.decode(data, sniffed)
        if found is not None and not _implausible(found.text):
            for method, label, codec in declarations:
                if codec == sniffed:
                    return _decoded(found, method, label, [])
            note = f"no BOM; NUL bytes of ASCII markup say {sniffed}"
            if declared:
                note += f"; declared {declared} overruled"
            return _decoded(found, "detected", declared, [note])

    overruled: list[str] = []
    has_non_ascii = bool(_NON_ASCII_BYTE.search(data))
    utf16_declared = any(c.startswith("utf-16") for _, _, c in declarations)
    if has_non_ascii and not utf16_declared:
        utf8 = _strict(data, "utf-8")
        if utf8 is not None:
            for method, label, codec in declarations:
                if codec == "utf-8":
                    return Decoded(utf8[0], "utf-8", method, label, True)
            # A handful of GBK characters can be valid UTF-8 by accident ("员" is D4 B1); a
            # page's worth cannot. Short texts keep their declaration unless it fails.
            if not declarations or len(_NON_ASCII.findall(utf8[0])) >= _UTF8_EVIDENCE:
                note = f"declared {declared} overruled: bytes are valid UTF-8" if declared else ""
                return Decoded(utf8[0], "utf-8", "detected", declared, True, note)
    elif not has_non_ascii and not declarations:
        return Decoded(data.decode("ascii"), "utf-8", "default", None, True)

    # 1. A declared codec that decodes the whole page into believable text.
    fallback: Decoded | None = None
    damaged: list[tuple[Decoding, str, str]] = []
    for method, label, codec in declarations:
        found = limit.decode(data, codec)
        if found is None:
            overruled.append(
                f"declared {label} overruled: more than {limit.value} broken byte sequences as {codec}"
            )
            continue
        why = _implausible(found.text)
        if why:
            overruled.append(f"declared {label} overruled: {why}")
            if not found.damage:
                fallback = fallback or Decoded(
                    found.text, found.codec, method, label, True, f"{why}; nothing better found"
                )
            continue
        if not found.damage:
            return _decoded(found, method, label, overruled)
        damaged.append((found, method, label))

    # 2. A declared codec that decodes all but a handful of byte sequences beats any guess,
    # and among several the one that leaves the least damage wins (not the first declared).
    if damaged:
        found, method, label = min(damaged, key=lambda d: d[0].damage)
        return _decoded(found, method, label, overruled)

    # 3. UTF-8 nobody declared, with plenty of valid multi-byte characters and a few broken
    # ones: valid UTF-8 sequences are almost never an accident, a single-byte guess always is.
    if has_non_ascii and not utf16_declared:
        found = limit.decode(data, "utf-8")
        if (
            found is not None
            and len(_NON_ASCII.findall(found.text)) - found.damage >= _UTF8_EVIDENCE
            and not _implausible(found.text)
        ):
            return _decoded(found, "detected", declared, [*overruled, "bytes are UTF-8 but for a few"])

    # 4. Detection and the last-resort list: a codec that decodes everything believably.
    tried = {c for _, _, c in declarations}
    retry: list[str] = []
    for codec in ["utf-8", *_detected(data), *_LAST_RESORT]:
        if codec in tried:
            continue
        tried.add(codec)
        strict = _strict(data, codec)
        if strict is None:
            retry.append(codec)
            continue
        why = _implausible(strict[0])
        if not why:
            note = "; ".join([*overruled, f"detected {strict[1]}"])
            return Decoded(strict[0], strict[1], "detected", declared, True, note)
        # A guess nobody declared that still looks wrong is not an honest decoding.
        overruled.append(f"{strict[1]} decodes but {why}")

    # 5. The same guesses with a few broken byte sequences, least damage first.
    guesses: list[Decoding] = []
    for codec in retry:
        found = limit.decode(data, codec)
        if found is not None and not _implausible(found.text):
            guesses.append(found)
    if guesses:
        found = min(guesses, key=lambda g: g.damage)
        return _decoded(found, "detected", declared, [*overruled, f"detected {found.codec}"])

    if fallback is not None:
        return fallback

    codec = declarations[0][2] if declarations else "utf-8"
    text = data.decode(codec, "replace")
    note = "; ".join([*overruled, f"no codec decodes the bytes honestly; shown as {codec} with U+FFFD"])
    return Decoded(text, codecs.lookup(codec).name, "default", declared, False, note, text.count("\ufffd"))


def decode_html(data: bytes, content_type: str | None = None) -> Decoded:
    """Decode an HTML page (see the module docstring for the order of evidence). Never raises."""
    try:
        return _decode_impl(bytes(data or b""), content_type)
    except Exception as exc:  # the last guard: a bug here must cost one page, not the run
        text = bytes(data or b"").decode("utf-8", "replace")
        return Decoded(text, "utf-8", "default", None, False, f"decoder error: {exc!r}")
