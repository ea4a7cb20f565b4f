"""Codecs as browsers decode them, and broken byte sequences isolated where they are."""

from __future__ import annotations

import pytest

from article_etl.encoding import decode_html
from article_etl.encoding.browser import GB18030_BROWSER, decode_bytes

# Every code where the WHATWG index gb18030 (2024-09-18) differs from Python 3.11's gb18030,
# written out from the index itself (not from our table), with what browsers show.
WHATWG_GB18030 = [
    (b"\xa3\xa0", "\u3000"),  # the full-width space of GBK pages (Python: U+E5E5)
    (b"\xa6\xd9", "\ufe10"),
    (b"\xa6\xda", "\ufe12"),
    (b"\xa6\xdb", "\ufe11"),
    (b"\xa6\xdc", "\ufe13"),
    (b"\xa6\xdd", "\ufe14"),
    (b"\xa6\xde", "\ufe15"),
    (b"\xa6\xdf", "\ufe16"),
    (b"\xa6\xec", "\ufe17"),
    (b"\xa6\xed", "\ufe18"),
    (b"\xa6\xf3", "\ufe19"),
    (b"\xa8\xbc", "\u1e3f"),  # ḿ (GB18030-2005)
    (b"\xfe\x59", "\u9fb4"),
    (b"\xfe\x61", "\u9fb5"),
    (b"\xfe\x66", "\u9fb6"),
    (b"\xfe\x67", "\u9fb7"),
    (b"\xfe\x6d", "\u9fb8"),
    (b"\xfe\x7e", "\u9fb9"),
    (b"\xfe\x90", "\u9fba"),
    (b"\xfe\xa0", "\u9fbb"),
    (b"\x81\x35\xf4\x37", "\ue7c7"),  # the four-byte half of the 2005 swap
    (b"\x80", "\u20ac"),  # a lone 0x80 is the euro sign
]


@pytest.mark.parametrize(("raw", "browser"), WHATWG_GB18030, ids=[r.hex() for r, _ in WHATWG_GB18030])
def test_gb18030_codes_decode_as_browsers_show_them(raw: bytes, browser: str) -> None:
    assert raw.decode("gb18030", "replace") != browser  # Python's codec alone gets it wrong
    found = decode_bytes(b"<p>" + raw + "新闻".encode("gbk") + b"</p>", "gb18030")
    assert found is not None
    assert found.text == f"<p>{browser}新闻</p>"
    assert found.damage == 0


def test_the_table_covers_exactly_the_whatwg_differences() -> None:
    assert set(GB18030_BROWSER) == {raw for raw, _ in WHATWG_GB18030 if len(raw) > 1}


def test_neighbours_of_the_changed_codes_are_untouched() -> None:
    for raw in (b"\xa3\xa1", b"\xa6\xe0", b"\xa8\xbb", b"\xfe\x50", b"\xfe\x58"):
        found = decode_bytes(raw, "gb18030")
        assert found is not None
        assert found.text == raw.decode("gb18030")


def test_a3a0_in_a_gbk_page_is_a_full_width_space() -> None:
    data = b'<meta charset="gb2312"><p>' + b"\xa3\xa0\xa3\xa0" + "据新华社报道，".encode("gbk") + b"</p>"
    decoded = decode_html(data)
    assert decoded.encoding == "gb18030"
    assert "\u3000\u3000据新华社报道" in decoded.text


def test_windows_1252_holes_are_c1_controls_as_in_browsers() -> None:
    found = decode_bytes(b"caf\xe9 \x81\x8d\x8f\x90\x9d \x93q\x94", "cp1252")
    assert found is not None
    assert found.text == "café \x81\x8d\x8f\x90\x9d \u201cq\u201d"


def test_broken_sequences_are_replaced_where_they_are_and_located() -> None:
    data = "新闻".encode("gbk") + b"\xd6<a>" + "中心".encode("gbk") + b"\xff!"
    assert decode_bytes(data, "gb18030") is None  # strict: one broken byte is enough
    found = decode_bytes(data, "gb18030", max_damage=5)
    assert found is not None
    assert found.text == "新闻\ufffd<a>中心\ufffd!"
    assert found.damage_bytes == (4, 12)
    assert found.damage_chars == (2, 8)


def test_more_damage_than_allowed_is_no_decoding() -> None:
    data = b"a\xffb\xffc\xff"
    assert decode_bytes(data, "utf-8", max_damage=2) is None
    found = decode_bytes(data, "utf-8", max_damage=3)
    assert found is not None
    assert found.damage == 3


def test_an_incomplete_last_character_is_dropped_not_counted() -> None:
    found = decode_bytes("新闻".encode() + "中".encode()[:2], "utf-8")
    assert found is not None
    assert (found.text, found.damage) == ("新闻", 0)


def test_the_vendor_variant_with_less_damage_wins() -> None:
    # A3E1 is the euro sign in cp950 and not in Big5-HKSCS.
    found = decode_bytes("價格".encode("big5") + b"\xa3\xe1", "big5hkscs")
    assert found is not None
    assert (found.codec, found.text, found.damage) == ("cp950", "價格€", 0)
