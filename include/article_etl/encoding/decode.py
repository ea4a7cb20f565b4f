"""Bytes -> text for one HTML page, choosing the codec the way a careful browser would.

Order of evidence: byte-order mark; the NUL bytes of UTF-16 without a BOM; valid non-ASCII UTF-8
(almost never an accident); the HTTP charset; the ``<meta>`` charset; detection
(charset-normalizer on a head-and-tail sample); a fixed list of East Asian codecs. A candidate wins when it decodes the WHOLE page strictly and
the text looks believable; declared charsets lie often enough on Chinese regional sites
(``iso-8859-1`` server defaults, ``gb2312`` pages with GBK names) that a declaration is evidence,
not an order. ``decode_html`` never raises: a page no codec decodes honestly comes back with
``clean=False`` and U+FFFD in the text, and the pipeline rejects it as ``undecodable``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

from article_etl.encoding.checks import CONTROL_RE, mojibake_positions
from article_etl.encoding.labels import FALLBACKS, LABELS, charset_from_content_type, normalise_label
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
_C1_HOLES = {0xDC00 + b: b for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


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


def _strict(data: bytes, codec: str) -> tuple[str, str] | None:
    """(text, codec used) when ``codec`` or one of its vendor variants decodes all of ``data``.

    An incomplete character at the very end is dropped rather than failing the page: fetches
    capped at ``max_bytes`` cut pages mid-character. cp1252 follows WHATWG and maps its five
    undefined bytes to the C1 controls of the same value instead of failing.
    """
    for name in (codec, *FALLBACKS.get(codec, ())):
        try:
            if name == "cp1252":
                text = data.decode("cp1252", "surrogateescape")
                if any(0xDC80 <= ord(ch) <= 0xDCFF for ch in text):
                    text = text.translate(_C1_HOLES)
                return text, name
            decoder = codecs.getincrementaldecoder(name)("strict")
            text = decoder.decode(data, final=False)
            pending, _ = decoder.getstate()
            if len(pending) > 3:
                continue
            return text, name
        except (UnicodeDecodeError, LookupError):
            continue
    return None


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


def _decode_impl(data: bytes, content_type: str | None) -> Decoded:
    http_label = charset_from_content_type(content_type)
    meta_label = meta_charset(data)
    declared = http_label or meta_label

    bom = bom_codec(data)
    if bom is not None:
        codec, size = bom
        strict = _strict(data[size:], codec)
        if strict is not None:
            note = f"BOM overrides declared {declared}" if declared else ""
            return Decoded(strict[0], strict[1], "bom", declared, True, note)

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
        strict = _strict(data, sniffed)
        if strict is not None and not _implausible(strict[0]):
            for method, label, codec in declarations:
                if codec == sniffed:
                    return Decoded(strict[0], strict[1], method, label, True)
            note = f"no BOM; NUL bytes of ASCII markup say {sniffed}"
            if declared:
                note += f"; declared {declared} overruled"
            return Decoded(strict[0], strict[1], "detected", declared, True, note)

    overruled: list[str] = []
    if _NON_ASCII_BYTE.search(data) and not any(c.startswith("utf-16") for _, _, c in declarations):
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
    elif not _NON_ASCII_BYTE.search(data) and not declarations:
        return Decoded(data.decode("ascii"), "utf-8", "default", None, True)

    fallback: Decoded | None = None
    for method, label, codec in declarations:
        strict = _strict(data, codec)
        if strict is None:
            overruled.append(f"declared {label} overruled: bytes are not valid {codec}")
            continue
        why = _implausible(strict[0])
        if not why:
            note = "; ".join(overruled)
            return Decoded(strict[0], strict[1], method, label, True, note)
        overruled.append(f"declared {label} overruled: {why}")
        fallback = fallback or Decoded(
            strict[0], strict[1], method, label, True, f"{why}; nothing better found"
        )

    tried = {c for _, _, c in declarations}
    for codec in ["utf-8", *_detected(data), *_LAST_RESORT]:
        if codec in tried:
            continue
        tried.add(codec)
        strict = _strict(data, codec)
        if strict is None:
            continue
        why = _implausible(strict[0])
        if not why:
            note = "; ".join([*overruled, f"detected {strict[1]}"])
            return Decoded(strict[0], strict[1], "detected", declared, True, note)
        # A guess nobody declared that still looks wrong is not an honest decoding.
        overruled.append(f"{strict[1]} decodes but {why}")
    if fallback is not None:
        return fallback

    codec = declarations[0][2] if declarations else "utf-8"
    text = data.decode(codec, "replace")
    note = "; ".join([*overruled, f"no codec decodes the bytes honestly; shown as {codec} with U+FFFD"])
    return Decoded(text, codecs.lookup(codec).name, "default", declared, False, note)


def decode_html(data: bytes, content_type: str | None = None) -> Decoded:
    """Decode an HTML page (see the module docstring for the order of evidence). Never raises."""
    try:
        return _decode_impl(bytes(data or b""), content_type)
    except Exception as exc:  # the last guard: a bug here must cost one page, not the run
        text = bytes(data or b"").decode("utf-8", "replace")
        return Decoded(text, "utf-8", "default", None, False, f"decoder error: {exc!r}")
