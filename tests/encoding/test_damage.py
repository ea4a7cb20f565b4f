"""decode_html isolates damage: a few broken byte sequences cost those characters, not the page,
and candidates are ranked by the damage they leave, not by the order they were declared in."""

from __future__ import annotations

from article_etl.encoding import decode_html
from article_etl.encoding.browser import decode_bytes
from article_etl.encoding.decode import damage_limit
from tests.encoding.helpers import seed

ARTICLE = seed(1)[:1500]


NEWS = (
    "国务院新闻办公室今天举行新闻发布会，介绍今年前三季度国民经济运行情况。国家统计局新闻发言人表示，"
    "经济运行总体平稳，稳中有进，就业形势基本稳定，居民收入继续增长。"
) * 6


def _gbk_page(*, meta: str = "gb2312", broken: bytes = b"", text: str = ARTICLE) -> bytes:
    head = f'<html><head><meta charset="{meta}"><title>t</title></head><body><p>'.encode()
    body = text.encode("gbk", "ignore")
    return (
        head
        + body
        + b"</p><ul><li><a href='/x'>"
        + "热点".encode("gbk")
        + broken
        + b"</a></li></ul></body></html>"
    )


def test_a_truncated_character_is_one_replacement_not_an_undecodable_page() -> None:
    decoded = decode_html(_gbk_page(broken="新".encode("gbk")[:1]))
    assert (decoded.encoding, decoded.method, decoded.clean, decoded.damage) == ("gb18030", "meta", True, 1)
    assert "热点\ufffd</a>" in decoded.text
    assert ARTICLE.encode("gbk", "ignore").decode("gbk") in decoded.text
    assert "1 broken byte sequence replaced with U+FFFD at byte" in decoded.note
    assert "热点\ufffd</a>" in decoded.note  # where: the text around it


def test_twelve_broken_bytes_are_counted_and_the_first_five_located() -> None:
    decoded = decode_html(_gbk_page(broken=b"\xff" * 12))
    assert (decoded.encoding, decoded.clean, decoded.damage) == ("gb18030", True, 12)
    assert decoded.text.count("\ufffd") == 12
    assert ", ...)" not in decoded.note
    assert decoded.note.count(",") >= 4


def test_undeclared_pages_with_a_broken_byte_are_still_found() -> None:
    data = _gbk_page(broken=b"\xff").replace(b'<meta charset="gb2312">', b"")
    decoded = decode_html(data)
    assert (decoded.encoding, decoded.clean, decoded.damage) == ("gb18030", True, 1)


def test_the_least_damaged_declaration_wins_not_the_first() -> None:
    # The server says big5 (wrong), the page says gbk (right) and has two broken bytes. Big5
    # also decodes most GBK pairs (wrongly) and stays within the damage limit here, so only
    # the count of broken sequences can tell them apart.
    data = _gbk_page(meta="gbk", broken=b"\xfe\x20\xfe\x20", text=NEWS)
    big5 = decode_bytes(data, "big5hkscs", damage_limit(data))
    assert big5 is not None
    assert big5.damage > 2
    decoded = decode_html(data, "text/html; charset=big5")
    assert (decoded.encoding, decoded.method, decoded.damage) == ("gb18030", "meta", 2)


def test_header_iso_8859_1_and_meta_gb2312_with_damage_is_gb18030() -> None:
    decoded = decode_html(_gbk_page(broken=b"\xfe\x20"), "text/html; charset=iso-8859-1")
    assert (decoded.encoding, decoded.method, decoded.declared, decoded.damage) == (
        "gb18030",
        "meta",
        "gb2312",
        1,
    )
    assert "declared iso-8859-1 overruled" in decoded.note


def test_a_declared_utf8_with_three_bad_bytes_beats_a_single_byte_guess() -> None:
    text = "The council said the ferry timetable changes in winter. " * 40
    data = (
        b'<html><head><meta charset="utf-8"><title>Ferry</title></head><body><p>'
        + text.encode()
        + b"The council \xed\x80 \xd0 \xc3 said.</p></body></html>"
    )
    decoded = decode_html(data)
    assert (decoded.encoding, decoded.method, decoded.damage) == ("utf-8", "meta", 3)
    assert "The council \ufffd \ufffd \ufffd said." in decoded.text


def test_undeclared_utf8_with_many_good_and_a_few_bad_sequences_is_utf8() -> None:
    data = ("<p>" + ARTICLE + "</p>").encode() + b"<p>\xe4\xb8</p>"
    decoded = decode_html(data)
    assert (decoded.encoding, decoded.clean, decoded.damage) == ("utf-8", True, 1)


def test_windows_1252_with_accents_is_not_utf8_with_damage() -> None:
    data = "<html><body><p>Le café était fermé à Noël.</p></body></html>".encode("cp1252")
    decoded = decode_html(data)
    assert (decoded.damage, decoded.clean) == (0, True)
    assert decoded.encoding != "utf-8"
    assert "caf\ufffd" not in decoded.text


def test_a_page_that_is_mostly_broken_bytes_is_undecodable() -> None:
    decoded = decode_html(b"<p>" + b"\xff\xfe\x80" * 50 + b"</p>", "text/html; charset=utf-8")
    assert decoded.clean is False
    assert "no codec decodes the bytes honestly" in decoded.note


def test_the_limit_is_a_handful_or_one_in_500_non_ascii_bytes_never_one_in_20_of_the_page() -> None:
    assert damage_limit(b"a" * 10_000) == 16
    assert damage_limit("中".encode() * 10_000) == 60
    assert damage_limit(b"\xff" * 40) == 2
