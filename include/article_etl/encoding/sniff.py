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
