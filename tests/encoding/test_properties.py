"""Property tests: decode_html never raises, and clean text round-trips through every codec."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from article_etl.encoding import decode_html

_CONTENT_TYPES = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(["gbk", "utf-8", "big5", "shift_jis", "utf-16", "x-user-defined", "nonsense", ""]).map(
        lambda c: f"text/html; charset={c}"
    ),
)


@given(data=st.binary(max_size=4096), content_type=_CONTENT_TYPES)
@settings(max_examples=300, deadline=None)
def test_decode_html_never_raises(data: bytes, content_type: str | None) -> None:
    decoded = decode_html(data, content_type)
    assert isinstance(decoded.text, str)
    assert decoded.method in {"bom", "http", "meta", "detected", "default"}


@given(
    prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b'<meta charset="gbk">']),
    data=st.binary(max_size=512),
)
@settings(max_examples=200, deadline=None)
def test_decode_html_never_raises_with_boms_and_meta(prefix: bytes, data: bytes) -> None:
    decode_html(prefix + data)


# Alphabets every codec under test can encode: common CJK and Latin letters, spaces, punctuation.
_COMMON_HAN = "中国人民政府新闻报道今天市区街道社会发展工作建设党员群众服务活动记者日本東京"
_ALPHABETS: dict[str, str] = {
    "gbk": _COMMON_HAN + "镕喆堃",
    "big5": "中國人民政府新聞報道今天市區街道社會發展工作建設黨員群眾服務活動記者",
    "shift_jis": "日本語のテキストです東京都新聞記者株式会社アイウエオ",
    "windows-31j": "日本語のテキストです東京都新聞記者①㈱髙",
    "euc-kr": "한국어텍스트입니다안녕하세요여러분오늘날씨",
    "windows-1252": "éèàçüöäßñ€“”‘’–—",
    "utf-8": _COMMON_HAN + "한국어日本語éü€",
}
_PYTHON_CODEC = {"windows-1252": "cp1252", "windows-31j": "cp932"}


@given(
    label=st.sampled_from(sorted(_ALPHABETS)),
    seed=st.data(),
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_clean_text_round_trips_with_right_declaration(label: str, seed: st.DataObject) -> None:
    alphabet = _ALPHABETS[label] + "abcdefgXYZ 0123456789,."
    if label == "windows-1252":
        # Latin prose: each accent or symbol next to plain letters. Long unbroken runs of accents
        # are what CJK bytes read as Latin-1 look like, and decode_html overrules them by design.
        pairs = st.tuples(st.sampled_from(_ALPHABETS[label]), st.sampled_from("abcdefg XYZ"))
        text = "".join(a + b for a, b in seed.draw(st.lists(pairs, min_size=1, max_size=100)))
    else:
        text = seed.draw(st.text(alphabet=alphabet, min_size=1, max_size=200))
    as_meta = seed.draw(st.booleans())
    html = f'<html><head><meta charset="{label}"></head><body><p>{text}</p></body></html>'
    data = html.encode(_PYTHON_CODEC.get(label, label))
    content_type = None if as_meta else f"text/html; charset={label}"
    decoded = decode_html(data, content_type)
    assert decoded.clean
    assert decoded.text == html
