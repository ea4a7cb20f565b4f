"""The shared tree walks keep their meaning when taken by the faster routes.

``strings``/``page_strings`` skip the ancestor climb when no <template> is around, ``prune``
removes children while iterating over them, class weights are one regex, the forum markers come
from one XPath, and short texts are normalised from memory: each is checked here against the
plain definition it replaced.
"""

from __future__ import annotations

from lxml import etree

from article_etl.clean.text import _normalise, normalise_text
from article_etl.extract.content import class_weight, prune, text_blocks
from article_etl.extract.forum import first_post
from article_etl.extract.tree import body_of, page_strings, parse, strings

# The definition ``strings`` had before its template-free shortcut.
_REFERENCE = etree.XPath(
    "descendant-or-self::text()[not(ancestor::script or ancestor::style or ancestor::template)]",
    smart_strings=False,
)

_PAGE = """<html><head><title>Headline - Site</title><style>p{}</style>
<script>var a = "<p>not text</p>";</script></head>
<body>lead<!-- note -->after comment<p>one<script>x()</script>two</p>
<div class="nav">menu<p>item</p></div>tail
<template><p>hidden<b>deep</b></p></template>shown</body></html>"""


def test_strings_skip_never_shown_text_with_and_without_templates() -> None:
    for html in (_PAGE, _PAGE.replace("<template>", "<div>").replace("</template>", "</div>")):
        root = parse(html)
        for node in root.iter():
            if isinstance(node.tag, str):
                assert strings(node) == _REFERENCE(node), etree.tostring(node)[:80]


def test_page_strings_is_the_page_and_the_body_from_one_walk() -> None:
    root = parse(_PAGE)
    pieces, body_pieces = page_strings(root)
    assert pieces == _REFERENCE(root)
    assert body_pieces == _REFERENCE(body_of(root))
    assert "".join(body_pieces).startswith("leadafter commentonetwo")
    assert "hidden" not in "".join(pieces)
    assert "not text" not in "".join(pieces)


def test_page_strings_without_a_body_element() -> None:
    root = etree.fromstring("<html>plain <b>text</b></html>", etree.HTMLParser())
    pieces, body_pieces = page_strings(root)
    assert pieces == body_pieces == _REFERENCE(root)


def test_prune_removes_neighbouring_furniture_and_keeps_every_tail() -> None:
    root = parse(
        "<html><body><div class='content'>"
        "<div class='nav'>menu</div>t1<div class='share'>share</div>t2<p>kept</p>"
        "<aside>side</aside>t3<script>x()</script>t4<footer>foot</footer>t5</div></body></html>"
    )
    prune(root)
    assert [b.text for b in text_blocks(body_of(root))] == ["t1t2", "kept", "t3t4t5"]


def test_class_weights() -> None:
    cases = {
        "nav-bar": -25,
        "header": -25,
        "headline": 0,
        "TRS_Editor": 25,
        "article-content": 25,
        "content sidebar": 0,
        "wrap-article": 25,
        "ad": -25,
        "adapt": 0,
        "": 0,
    }
    for names, weight in cases.items():
        tag = etree.Element("div", {"class": names}) if names else etree.Element("div")
        assert class_weight(tag) == weight, names  # type: ignore[arg-type]


def test_forum_opening_post_wins_over_an_earlier_content_box() -> None:
    root = parse(
        "<html><body><span id='content'>x</span><div id='content'>box</div>"
        "<div id='postmessage_1'>first</div><div id='postmessage_2'>reply</div></body></html>"
    )
    post = first_post(root)
    assert post is not None
    assert post.get("id") == "postmessage_1"
    no_posts = parse("<html><body><span id='content'>x</span><p>text</p></body></html>")
    assert first_post(no_posts) is None


def test_normalise_text_from_memory_is_the_same_text() -> None:
    line = "\u3000记者\u00a0 张三 \u200b2024年03月05日  "
    assert normalise_text(line) == _normalise(line) == "记者 张三 2024年03月05日"
    assert normalise_text(line) == _normalise(line)  # the second, remembered answer
    long = "a  b\n" * 100
    assert normalise_text(long) == _normalise(long)
