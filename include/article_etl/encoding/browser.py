"""Python's codecs, corrected to decode as browsers do, and able to isolate broken bytes.

Why: sites are written and checked in browsers, which decode by the WHATWG Encoding Standard.
Where Python's codec disagrees, the text we store differs from what every reader saw:

* gb18030: Python follows GB18030-2000. The WHATWG index (2024-09-18, GB18030-2022 as the
  Unicode Technical Committee recommends) differs in 20 two-byte codes and one four-byte code,
  listed in ``GB18030_BROWSER`` (derived by comparing every pointer of ``index-gb18030.txt`` and
  ``index-gb18030-ranges.txt`` with Python 3.11's codec). The one that matters most is A3A0,
  the full-width space of GBK pages: Python gives the private-use U+E5E5, browsers U+3000. A
  lone byte 0x80 is the euro sign in browsers and an error in Python.
* windows-1252: its five undefined bytes are the C1 controls of the same value in browsers.

Each of these is a one-to-one substitution of what Python's codec produces (Python decodes
each of the PUA code points from exactly one byte sequence), so a ``str.translate`` after
decoding is exact.

``decode_bytes`` also replaces up to ``max_damage`` broken byte sequences with U+FFFD *where
they are* and says where they were, so one truncated character in a sidebar link costs one
character, not the page.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

from article_etl.encoding.labels import FALLBACKS

# Python gb18030 -> WHATWG index gb18030 (two-byte codes, then the one four-byte code).
GB18030_BROWSER: dict[bytes, tuple[str, str]] = {
    b"\xa3\xa0": ("\ue5e5", "\u3000"),
    b"\xa6\xd9": ("\ue78d", "\ufe10"),
    b"\xa6\xda": ("\ue78e", "\ufe12"),
    b"\xa6\xdb": ("\ue78f", "\ufe11"),
    b"\xa6\xdc": ("\ue790", "\ufe13"),
    b"\xa6\xdd": ("\ue791", "\ufe14"),
    b"\xa6\xde": ("\ue792", "\ufe15"),
    b"\xa6\xdf": ("\ue793", "\ufe16"),
    b"\xa6\xec": ("\ue794", "\ufe17"),
    b"\xa6\xed": ("\ue795", "\ufe18"),
    b"\xa6\xf3": ("\ue796", "\ufe19"),
    b"\xa8\xbc": ("\ue7c7", "\u1e3f"),
    b"\xfe\x59": ("\ue81e", "\u9fb4"),
    b"\xfe\x61": ("\ue826", "\u9fb5"),
    b"\xfe\x66": ("\ue82b", "\u9fb6"),
    b"\xfe\x67": ("\ue82c", "\u9fb7"),
    b"\xfe\x6d": ("\ue832", "\u9fb8"),
    b"\xfe\x7e": ("\ue843", "\u9fb9"),
    b"\xfe\x90": ("\ue854", "\u9fba"),
    b"\xfe\xa0": ("\ue864", "\u9fbb"),
    # GB18030-2005 swapped these two; browsers follow 2005, Python 3.11 still 2000.
    b"\x81\x35\xf4\x37": ("\u1e3f", "\ue7c7"),
}
_GB18030_TABLE = {ord(python): browser for python, browser in GB18030_BROWSER.values()}
# Bytes a codec leaves undefined that browsers still decode (instead of an error).
_BROWSER_BYTES: dict[str, dict[int, str]] = {
    "gb18030": {0x80: "\u20ac"},
    "cp1252": {b: chr(b) for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)},
}
# An incomplete character at the very end (a fetch capped at max_bytes) is dropped, not damage.
_MAX_PENDING = 3


@dataclass(frozen=True)
class Decoding:
    """Text from one codec, and where it replaced broken byte sequences with U+FFFD."""

    text: str
    codec: str
    damage_bytes: tuple[int, ...] = ()
    damage_chars: tuple[int, ...] = field(default=(), repr=False)

    @property
    def damage(self) -> int:
        return len(self.damage_bytes)


def _decode_one(data: bytes, codec: str, max_damage: int) -> Decoding | None:
    view = memoryview(data)
    extra = _BROWSER_BYTES.get(codec, {})
    parts: list[str] = []
    size = 0
    damage_bytes: list[int] = []
    damage_chars: list[int] = []
    pos = 0
    while True:
        decoder = codecs.getincrementaldecoder(codec)("strict")
        try:
            chunk = decoder.decode(view[pos:], final=False)
        except UnicodeDecodeError as exc:
            start, end = pos + exc.start, pos + exc.end
            # The incremental decoder dropped what it decoded before the error: redo that part.
            before = codecs.decode(view[pos:start], codec) if start > pos else ""
            parts.append(before)
            size += len(before)
            substitute = extra.get(data[start])
            if substitute is not None:
                parts.append(substitute)
                size += 1
                pos = start + 1
                continue
            if len(damage_bytes) >= max_damage:
                return None
            damage_bytes.append(start)
            damage_chars.append(size)
            parts.append("\ufffd")
            size += 1
            pos = max(end, start + 1)
            continue
        pending, _ = decoder.getstate()
        if len(pending) > _MAX_PENDING:
            return None
        parts.append(chunk)
        break
    text = "".join(parts)
    if codec == "gb18030":
        text = text.translate(_GB18030_TABLE)
    return Decoding(text, codec, tuple(damage_bytes), tuple(damage_chars))


def decode_bytes(data: bytes, codec: str, max_damage: int = 0) -> Decoding | None:
    """``data`` decoded as browsers decode ``codec`` (or one of its vendor variants), with at
    most ``max_damage`` broken byte sequences replaced in place; None when it needs more.

    With ``max_damage=0`` this is a strict decoding. The variant with the least damage wins.
    """
    best: Decoding | None = None
    for name in (codec, *FALLBACKS.get(codec, ())):
        limit = max_damage if best is None else best.damage - 1
        if limit < 0:
            break
        try:
            found = _decode_one(data, name, limit)
        except LookupError:
            continue
        if found is not None and (best is None or found.damage < best.damage):
            best = found
    return best
