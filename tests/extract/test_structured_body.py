"""JSON-LD ``articleBody`` replaces the page's body only when it is clean and agrees with the page."""

from __future__ import annotations

import json

from article_etl.encoding import decode_html
from article_etl.extract import extract_article
from article_etl.extract.structured import agrees_with_page, is_clean, plain_text, usable_article_body

PARAS = [
    "The county council said on Tuesday \u2014 after a long debate \u2014 that it would keep investing in rural roads.",
    "Spending on repairs rose by a fifth last year, and two bridges on the northern route were closed for months.",
    "Residents told the meeting that buses had stopped running to three villages since the closures began in spring.",
]


def served_page(article_body: str) -> bytes:
    """An English news page as a CMS serves it: UTF-8 bytes, JSON-LD in the head, the story in <article>."""
    ld = json.dumps(
        {"@type": "NewsArticle", "headline": "Council keeps road money", "articleBody": article_body}
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAS)
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Council keeps road money | Ledger</title>"
        f"<script type='application/ld+json'>{ld}</script></head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>Council keeps road money</h1>{paragraphs}</article></body></html>"
    )
    return html.encode("utf-8")


def extract(raw: bytes) -> str | None:
    return extract_article(
        decode_html(raw, "text/html; charset=utf-8").text, "https://ledger.example/a/1"
    ).body


def test_a_double_encoded_article_body_loses_to_the_clean_page_body() -> None:
    # The CMS read its own UTF-8 as Windows-1252/Latin-1 before writing JSON-LD: "—" became "â\x80\x94".
    damaged = "\n\n".join(PARAS).encode("utf-8").decode("latin-1")
    assert "â\x80\x94" in damaged
    body = extract(served_page(damaged))
    assert body is not None
    assert "\u2014" in body
    assert "â" not in body
    assert not any("\x80" <= ch <= "\x9f" for ch in body)


def test_an_article_body_about_something_else_loses_to_the_page() -> None:
    other = (
        "The city orchestra announced its winter season, with six premieres and a festival of chamber music "
        "in the old harbour warehouse, tickets from next week."
    )
    body = extract(served_page(other))
    assert body is not None
    assert "orchestra" not in body
    assert "bridges" in body


def test_a_clean_agreeing_article_body_is_still_used() -> None:
    # Spacing differs from the page (one paragraph), which is how JSON-LD bodies usually come.
    body = extract(served_page(" ".join(PARAS)))
    assert body == " ".join(PARAS)


def test_the_checks_themselves() -> None:
    assert not is_clean("caf\u00c3\u00a9 society")  # "café" read as Latin-1
    assert not is_clean("line\x07bell")
    assert is_clean("Café — naïve, 北京, Ελλάδα\nnext line\tand a tab")
    assert agrees_with_page("城东街道推进基层治理", "<p>城东街道推进基层治理工作</p>")
    assert not agrees_with_page("完全不同的内容", "城东街道推进基层治理")
    assert not usable_article_body("", "anything")


def test_an_article_body_escaped_twice_loses_to_the_page() -> None:
    """Some CMSs HTML-escape articleBody twice, so "ç" arrives as the text "&amp;ccedil;"."""
    escaped = "\n\n".join(PARAS).replace("\u2014", "&amp;mdash;").replace("months", "m&amp;#111;nths")
    body = extract(served_page(escaped))
    assert body is not None
    assert "&" not in body
    assert "\u2014" in body
    assert not is_clean(plain_text("il&amp;ccedil;elerinde"))
    assert not is_clean(plain_text("caf&amp;#233;"))
    assert is_clean(plain_text("AT&amp;T and B&Q; Q&A, caf&#233;"))


def test_an_article_body_escaped_once_is_unescaped_and_used() -> None:
    """Escaping articleBody once, as if it were markup, is common ("Brighton &amp; Hove")."""
    once = " ".join(PARAS).replace("\u2014", "&mdash;").replace(" and ", " &amp; ")
    assert extract(served_page(once)) == " ".join(PARAS).replace(" and ", " & ")


def test_markup_inside_an_article_body_is_reduced_to_text() -> None:
    """Some CMSs put the body's HTML in articleBody; the tags are not text."""
    marked = "".join(f"<p><strong>{p.split(' ', 1)[0]}</strong> {p.split(' ', 1)[1]}</p>" for p in PARAS)
    body = extract(served_page(marked))
    assert body is not None
    assert "<" not in body
    assert body.split("\n\n") == PARAS
