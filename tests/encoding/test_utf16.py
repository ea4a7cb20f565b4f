"""UTF-16 without a byte-order mark: found by the NUL bytes of its ASCII markup, decoded whole."""

from __future__ import annotations

import os

import pytest

from article_etl.encoding import decode_html
from article_etl.encoding.sniff import utf16_codec
from tests.encoding.helpers import encodable, page, seed


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("content_type", [None, "text/html", "text/html; charset=iso-8859-1"])
def test_utf16_without_bom_is_decoded(codec: str, content_type: str | None) -> None:
    text = encodable(seed(1), "gbk")
    data = page(text, codec, meta="utf-8")  # a <meta> that lies, as copied templates do
    assert not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    decoded = decode_html(data, content_type)
    assert (decoded.encoding, decoded.clean) == (codec, True)
    assert text in decoded.text
    assert "\x00" not in decoded.text
    assert decoded.method == "detected"
    assert f"say {codec}" in decoded.note
    if content_type and "charset" in content_type:
        assert "declared iso-8859-1 overruled" in decoded.note


def test_a_matching_header_charset_keeps_its_method() -> None:
    data = page("朱镕基在西江", "utf-16-le")
    decoded = decode_html(data, "text/html; charset=utf-16le")
    assert (decoded.encoding, decoded.method, decoded.clean, decoded.note) == ("utf-16-le", "http", True, "")


def test_mostly_chinese_utf16_with_little_markup_is_still_found() -> None:
    # Four CJK characters for every ASCII one: a fifth of the high bytes are still NUL.
    text = "".join(f"{encodable(seed(1), 'gbk')[i : i + 4]}." for i in range(0, 400, 4))
    data = f"<p>{text}</p>".encode("utf-16-le")
    assert utf16_codec(data) == "utf-16-le"
    assert decode_html(data).text == f"<p>{text}</p>"


def test_a_page_cut_mid_code_unit_still_decodes() -> None:
    data = page("朱镕基在西江", "utf-16-be")[:-1]
    decoded = decode_html(data)
    assert (decoded.encoding, decoded.clean) == ("utf-16-be", True)


@pytest.mark.parametrize(
    "data",
    [
        page("朱镕基在西江", "utf-8"),
        page(encodable(seed(1), "gbk"), "gbk"),
        b"<p>hello</p>",
        "<p>hi</p>".encode("utf-16-le")[:10],  # too short to judge
        "<p>ascii markup</p>".encode("utf-32-le"),
        os.urandom(4096),
        bytes(4096),
    ],
    ids=["utf-8", "gbk", "ascii", "short", "utf-32", "random", "all-nul"],
)
def test_other_bytes_are_not_taken_for_utf16(data: bytes) -> None:
    assert utf16_codec(data) is None


def test_one_broken_unit_in_utf16_is_replaced_where_it_is() -> None:
    # A lone high surrogate: the NUL pattern fits; the rest of the page still decodes.
    data = (
        "<html><body><p>text</p></body></html>".encode("utf-16-le")
        + b"\x00\xd8"
        + "<p>x</p>".encode("utf-16-le")
    )
    assert utf16_codec(data) == "utf-16-le"
    decoded = decode_html(data)
    assert (decoded.encoding, decoded.clean, decoded.damage) == ("utf-16-le", True, 1)
    assert decoded.text == "<html><body><p>text</p></body></html>\ufffd<p>x</p>"
    assert "at byte 74" in decoded.note


def test_utf16_that_is_mostly_broken_is_not_utf16() -> None:
    data = "<p>x</p>".encode("utf-16-le") + b"\x00\xd8" * 20
    assert decode_html(data).encoding != "utf-16-le"
