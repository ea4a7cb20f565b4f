"""decode_html on the pages Chinese regional sites really serve."""

from __future__ import annotations

import pytest

from article_etl.encoding import charset_from_content_type, decode_html, normalise_label

from .helpers import encodable, long_english_head, page, seed


def test_gbk_page_without_any_charset_is_detected() -> None:
    text = encodable(seed(1), "gbk")
    decoded = decode_html(page(text, "gbk"))
    assert (decoded.encoding, decoded.method, decoded.declared, decoded.clean) == (
        "gb18030",
        "detected",
        None,
        True,
    )
    assert text in decoded.text


def test_gb2312_label_decodes_gbk_only_characters() -> None:
    text = "朱镕基会见陶喆和王堃。" + encodable(seed(2), "gbk")
    decoded = decode_html(page(text, "gbk", meta="gb2312"))
    assert (decoded.encoding, decoded.method, decoded.declared) == ("gb18030", "meta", "gb2312")
    assert "朱镕基会见陶喆和王堃" in decoded.text


@pytest.mark.parametrize("meta", ["big5", None])
def test_big5_page(meta: str | None) -> None:
    text = encodable(seed(0).replace("?", ""), "big5")
    decoded = decode_html(page(text, "big5", meta=meta))
    assert decoded.encoding == "big5hkscs"
    assert decoded.method == ("meta" if meta else "detected")
    assert text in decoded.text


def test_big5_euro_sign_falls_back_to_cp950() -> None:
    decoded = decode_html(page("價格為€5。香港新聞報道", "cp950", meta="big5"))
    assert (decoded.encoding, decoded.clean) == ("cp950", True)
    assert "價格為€5" in decoded.text


def test_shift_jis_label_decodes_cp932_only_characters() -> None:
    text = "①㈱髙橋商店は東京都にあります。日本語のテキストです。"
    decoded = decode_html(page(text, "cp932", meta="Shift_JIS"))
    assert (decoded.encoding, decoded.method) == ("cp932", "meta")
    assert text in decoded.text


def test_euc_kr_page() -> None:
    text = "한국어 텍스트입니다. 안녕하세요 여러분, 오늘 날씨가 좋습니다."
    decoded = decode_html(page(text, "euc-kr"), "text/html; charset=EUC-KR")
    assert (decoded.encoding, decoded.method, decoded.declared) == ("cp949", "http", "EUC-KR")
    assert text in decoded.text


def test_windows_1252_bytes_declared_latin1() -> None:
    text = "“Curly” quotes – and a price of €5 … naïve café"
    decoded = decode_html(page(text, "cp1252"), "text/html; charset=iso-8859-1")
    assert (decoded.encoding, decoded.method, decoded.clean) == ("cp1252", "http", True)
    assert text in decoded.text


def test_bom_beats_contradicting_meta() -> None:
    text = seed(2)
    decoded = decode_html(b"\xef\xbb\xbf" + page(text, "utf-8", meta="gbk"))
    assert (decoded.encoding, decoded.method, decoded.declared) == ("utf-8", "bom", "gbk")
    assert text in decoded.text
    assert not decoded.text.startswith("\ufeff")


def test_utf8_served_as_iso_8859_1() -> None:
    text = seed(3)
    decoded = decode_html(page(text, "utf-8"), "text/html; charset=ISO-8859-1")
    assert (decoded.encoding, decoded.method, decoded.declared) == ("utf-8", "detected", "ISO-8859-1")
    assert "overruled" in decoded.note
    assert text in decoded.text


@pytest.mark.parametrize("declared", ["text/html; charset=iso-8859-1", "text/html; charset=utf-8"])
def test_lying_declaration_on_gbk_page_is_overruled(declared: str) -> None:
    text = encodable(seed(3), "gbk")
    decoded = decode_html(page(text, "gbk"), declared)
    assert (decoded.encoding, decoded.method, decoded.clean) == ("gb18030", "detected", True)
    assert "overruled" in decoded.note
    assert text in decoded.text


def test_head_and_tail_sampling_finds_chinese_after_long_english_head() -> None:
    text = encodable(seed(4), "gbk")[:300]
    data = page(text, "gbk", head=long_english_head())
    assert data.index(text[:10].encode("gbk")) > 20_000
    decoded = decode_html(data)
    assert (decoded.encoding, decoded.clean) == ("gb18030", True)
    assert text in decoded.text


def test_page_cut_mid_character_still_decodes() -> None:
    data = page(encodable(seed(1), "gbk"), "gbk", meta="gbk")[:-20]
    data = data + "中".encode("gbk")[:1]
    decoded = decode_html(data)
    assert (decoded.encoding, decoded.clean) == ("gb18030", True)


def test_undecodable_bytes_are_not_clean() -> None:
    decoded = decode_html(b"<html>\x80\xff\x80\xff\xfe\x80</html>", "text/html; charset=utf-8")
    assert decoded.clean is False
    assert "\ufffd" in decoded.text


def test_ascii_and_empty_pages() -> None:
    assert decode_html(b"<p>hello</p>") == decode_html(b"<p>hello</p>", None)
    assert decode_html(b"<p>hello</p>").method == "default"
    assert decode_html(b"").text == ""


def test_http_charset_wins_over_meta() -> None:
    decoded = decode_html(
        page("中文新闻报道，今天天气很好。", "utf-8", meta="gbk"), "text/html; charset=utf-8"
    )
    assert (decoded.method, decoded.declared) == ("http", "utf-8")


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/html; charset=GB2312", "GB2312"),
        ('text/html; charset="utf-8"', "utf-8"),
        ("text/html;charset=big5 ; foo=bar", "big5"),
        ("text/html", None),
        (None, None),
        ("", None),
    ],
)
def test_charset_from_content_type(content_type: str | None, expected: str | None) -> None:
    assert charset_from_content_type(content_type) == expected


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("x-gbk", "gb18030"),
        ("gb_2312-80", "gb18030"),
        ("chinese", "gb18030"),
        ("csgb2312", "gb18030"),
        ("iso-ir-58", "gb18030"),
        (" ISO-8859-1 ", "cp1252"),
        ("latin1", "cp1252"),
        ("us-ascii", "cp1252"),
        ("windows-1252", "cp1252"),
        ("big5", "big5hkscs"),
        ("x-x-big5", "big5hkscs"),
        ("cn-big5", "big5hkscs"),
        ("sjis", "cp932"),
        ("ms_kanji", "cp932"),
        ("windows-31j", "cp932"),
        ("ks_c_5601-1987", "cp949"),
        ("windows-949", "cp949"),
        ("UTF8", "utf-8"),
        ("euc-jp", "euc_jp"),
        ("hz-gb-2312", None),
        ("nonsense", None),
    ],
)
def test_normalise_label(label: str, codec: str | None) -> None:
    assert normalise_label(label) == codec
