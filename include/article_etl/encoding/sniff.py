"""Finding what a page says about its own encoding, and a sample of bytes worth detecting on.

Kept apart from the decision logic in ``decode`` because both are pure byte-level scanning with
no opinion about which answer wins.
"""

from __future__ import annotations

import re

BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

# The WHATWG prescan looks at the first 1024 bytes; real Chinese portals put 3 KB of scripts and
# keywords before their <meta>, so we look a little further.
PRESCAN_BYTES = 4096

_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(rb"""([a-zA-Z_:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_CHARSET_IN_CONTENT = re.compile(rb"""charset\s*=\s*["']?([^\s;"'>]+)""", re.IGNORECASE)

# Cut points that are never the trail byte of a GBK, Big5, Shift_JIS or EUC character (their trail
# bytes start at 0x40), so a sample cut there never splits a character.
_SAFE_CUT = re.compile(rb"[\n<>]")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def bom_codec(data: bytes) -> tuple[str, int] | None:
    """The codec a byte-order mark names and the mark's length, or None without a BOM."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    return None


def utf16_codec(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``data`` has no BOM but the NUL-byte pattern of UTF-16.

    HTML is mostly ASCII markup, and every ASCII character in UTF-16 is its byte and a NUL: in
    UTF-16LE the NULs are the odd bytes, in UTF-16BE the even ones. Chinese text thins the
    pattern (both bytes of most CJK characters are non-zero) and blurs it a little (一 is
    U+4E00, 最 U+6700: a NUL on the other side). So in the first ``PRESCAN_BYTES`` bytes one
    position must hold at least a twentieth NULs and four times as many as the other, and a
    ``<`` must be there as a UTF-16 code unit. UTF-8 and the legacy codes have no NUL bytes at
    all, random binary has them at both positions alike, and UTF-32 has NULs at both (at least
    half as many at the even ones). The caller still decodes the whole page strictly and judges
    the text before believing it.
    """
    sample = data[:PRESCAN_BYTES]
    units = len(sample) // 2
    if units < 8:
        return None
    even_nul = sample[0 : units * 2 : 2].count(0)
    odd_nul = sample[1 : units * 2 : 2].count(0)
    least = max(4, units // 20)
    if odd_nul >= least and odd_nul >= 4 * even_nul and b"<\x00" in sample:
        return "utf-16-le"
    if even_nul >= least and even_nul >= 4 * odd_nul and b"\x00<" in sample:
        return "utf-16-be"
    return None


def meta_charset(data: bytes) -> str | None:
    """The charset a ``<meta charset>``, ``<meta http-equiv content>`` or XML declaration gives.

    Scans only the first ``PRESCAN_BYTES`` bytes, as browsers do, and skips comments so that a
    commented-out template meta does not win. The label is returned as written.
    """
    head = data[:PRESCAN_BYTES]
    xml = _XML_DECL.match(head)
    if xml:
        return xml.group(1).decode("ascii", "replace").strip() or None
    head = _COMMENT.sub(b"", head)
    for tag in _META.finditer(head):
        attrs: dict[bytes, bytes] = {}
        for attr in _ATTR.finditer(tag.group(0)):
            value = next(g for g in attr.groups()[1:] if g is not None)
            attrs.setdefault(attr.group(1).lower(), value)
        if b"charset" in attrs and attrs[b"charset"].strip():
            return attrs[b"charset"].strip().decode("ascii", "replace")
        if attrs.get(b"http-equiv", b"").strip().lower() == b"content-type":
            found = _CHARSET_IN_CONTENT.search(attrs.get(b"content", b""))
            if found:
                return found.group(1).decode("ascii", "replace")
    return None


def detection_sample(data: bytes, budget: int = 16_384) -> bytes:
    """Up to ``2 * budget`` bytes of the page's non-ASCII text: from its head AND its tail.

    Why not just the first N bytes: portals open with kilobytes of English markup and scripts,
    and put the Chinese text at the end; a head-only sample is nearly all ASCII and detectors
    then guess wildly. We keep only the segments (between newlines and tag brackets) that hold
    non-ASCII bytes, taking them from the front and from the back.
    """
    segments = [seg for seg in _SAFE_CUT.split(data) if _HIGH_BYTE.search(seg)]
    if not segments:
        return data[:budget]
    if sum(len(s) + 1 for s in segments) <= 2 * budget:
        return b"\n".join(segments)
    head: list[bytes] = []
    size = 0
    for seg in segments:
        if size >= budget:
            break
        head.append(seg)
        size += len(seg) + 1
    tail: list[bytes] = []
    size = 0
    for seg in reversed(segments[len(head) :]):
        if size >= budget:
            break
        tail.append(seg)
        size += len(seg) + 1
    return b"\n".join(head + tail[::-1])
