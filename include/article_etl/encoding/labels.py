"""Charset labels -> Python codecs, the way browsers read them (WHATWG Encoding Standard).

Why not ``codecs.lookup(label)``: Python reads labels literally, browsers do not. A page that says
``gb2312`` is decoded by every browser as GBK/GB18030, ``iso-8859-1`` as windows-1252 and ``big5``
as Big5-HKSCS. Sites are written and tested against browsers, so a literal reading rejects or
garbles pages that every reader sees fine (GBK-only names such as 镕, curly quotes in "Latin-1").

Codec names returned here are normalised with ``codecs.lookup(...).name``, so the same codec is
always spelled the same way in the warehouse: ``utf-8``, ``gb18030``, ``big5hkscs``, ``cp932``,
``cp949``, ``euc_jp``, ``cp1252``, ``utf-16-le`` ...
"""

from __future__ import annotations

import codecs
import re

# WHATWG label -> Python codec. Grouped by the WHATWG encoding each family decodes as.
_FAMILIES: dict[str, tuple[str, ...]] = {
    "utf-8": ("unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"),
    # GBK is decoded as GB18030 (a strict superset): browsers do the same for every GB label.
    "gb18030": (
        "chinese",
        "csgb2312",
        "csiso58gb231280",
        "gb2312",
        "gb_2312",
        "gb_2312-80",
        "gbk",
        "iso-ir-58",
        "x-gbk",
        "gb18030",
    ),
    # WHATWG Big5 is Big5 plus the HKSCS extensions; cp950 is tried as a fallback (see FALLBACKS).
    "big5hkscs": ("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"),
    "cp932": ("csshiftjis", "ms932", "ms_kanji", "shift-jis", "shift_jis", "sjis", "windows-31j", "x-sjis"),
    "euc_jp": ("cseucpkdfmtjapanese", "euc-jp", "x-euc-jp"),
    "iso2022_jp": ("csiso2022jp", "iso-2022-jp"),
    "cp949": (
        "cseuckr",
        "csksc56011987",
        "euc-kr",
        "iso-ir-149",
        "korean",
        "ks_c_5601-1987",
        "ks_c_5601-1989",
        "ksc5601",
        "ksc_5601",
        "windows-949",
    ),
    # ASCII and Latin-1 labels mean windows-1252 on the web: servers say "iso-8859-1" by default
    # while the text has curly quotes and the euro sign in 0x80-0x9F.
    "cp1252": (
        "ansi_x3.4-1968",
        "ascii",
        "cp1252",
        "cp819",
        "csisolatin1",
        "ibm819",
        "iso-8859-1",
        "iso-ir-100",
        "iso8859-1",
        "iso88591",
        "iso_8859-1",
        "iso_8859-1:1987",
        "l1",
        "latin1",
        "us-ascii",
        "windows-1252",
        "x-cp1252",
    ),
    "iso8859-2": (
        "csisolatin2",
        "iso-8859-2",
        "iso-ir-101",
        "iso8859-2",
        "iso88592",
        "iso_8859-2",
        "l2",
        "latin2",
    ),
    "iso8859-5": ("csisolatincyrillic", "cyrillic", "iso-8859-5", "iso-ir-144", "iso8859-5", "iso_8859-5"),
    "iso8859-7": ("csisolatingreek", "ecma-118", "elot_928", "greek", "greek8", "iso-8859-7", "iso_8859-7"),
    "iso8859-15": ("csisolatin9", "iso-8859-15", "iso8859-15", "iso885915", "iso_8859-15", "l9"),
    "cp874": ("dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "windows-874"),
    "cp1250": ("cp1250", "windows-1250", "x-cp1250"),
    "cp1251": ("cp1251", "windows-1251", "x-cp1251"),
    "cp1253": ("cp1253", "windows-1253", "x-cp1253"),
    "cp1254": ("cp1254", "csisolatin5", "iso-8859-9", "iso8859-9", "l5", "latin5", "windows-1254"),
    "cp1255": ("cp1255", "windows-1255", "x-cp1255"),
    "cp1256": ("cp1256", "windows-1256", "x-cp1256"),
    "cp1257": ("cp1257", "windows-1257", "x-cp1257"),
    "cp1258": ("cp1258", "windows-1258", "x-cp1258"),
    "koi8-r": ("cskoi8r", "koi", "koi8", "koi8-r", "koi8_r"),
    "koi8-u": ("koi8-ru", "koi8-u"),
    "cp866": ("866", "cp866", "csibm866", "ibm866"),
    "mac-roman": ("csmacintosh", "mac", "macintosh", "x-mac-roman"),
    "utf-16-le": ("csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "utf-16", "utf-16le"),
    "utf-16-be": ("unicodefffe", "utf-16be"),
}

LABELS: dict[str, str] = {
    label: codecs.lookup(codec).name for codec, labels in _FAMILIES.items() for label in labels
}

# Codecs worth trying when the declared one fails strictly: real sites use vendor variants.
FALLBACKS: dict[str, tuple[str, ...]] = {
    "big5hkscs": ("cp950",),  # cp950 has the euro sign at A3E1, HKSCS does not
    "euc_jp": ("euc_jis_2004",),
    "cp932": ("shift_jis_2004",),
}

_CHARSET_PARAM = re.compile(r"""charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;,"']+))""", re.IGNORECASE)


def normalise_label(label: str) -> str | None:
    """The Python codec for a charset label (WHATWG rules), or None when browsers would not know it.

    The WHATWG "replacement" labels (iso-2022-kr, hz-gb-2312, iso-2022-cn) are deliberately
    unknown here: they are a security hazard, so the decoder falls back to detection.
    """
    return LABELS.get(label.strip().strip("\"'").strip().lower())


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, as given (quotes removed), or None."""
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type)
    if match is None:
        return None
    value = next(g for g in match.groups() if g is not None).strip()
    return value or None
