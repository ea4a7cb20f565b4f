"""Furniture in German, French and Japanese article boxes: paywalls, captions, datelines, promos.

Each page is built as such sites send it: the lines sit inside the article container (so body
selection cannot leave them out) and the page declares its language. The article's own
paragraphs must all come out, and nothing of the furniture.
"""

from __future__ import annotations

import pytest

from article_etl.extract import extract_article

DE = [
    "Die Stadt will in diesem Jahr zwei Millionen Euro in die Sanierung der alten Hafenmauer stecken, "
    f"die bei den Stürmen im Winter {2000 + n} schwer beschädigt worden war, sagte der Bürgermeister."
    for n in range(6)
]
FR = [
    "La ville va consacrer deux millions d'euros cette année à la réparation du vieux mur du port, "
    f"que les tempêtes de l'hiver {2000 + n} avaient gravement endommagé, a indiqué le maire."
    for n in range(6)
]
JA = [
    f"市は今年、{2000 + n}年の冬の嵐で大きく壊れた古い港の岸壁の修理に二億円を充てると発表した。"
    "工事は春に始まり、夏の観光シーズンまでに終える予定だと市長は話した。"
    for n in range(6)
]


def page(lang: str, title: str, inside: str) -> str:
    return (
        f"<html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<h1>{title}</h1><div class='article-body'>{inside}</div>"
        "<aside><ul><li><a href='/a'>Meistgelesen</a></li></ul></aside></body></html>"
    )


def paras(texts: list[str]) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def test_german_dateline_caption_and_consent_placeholder_stay_out() -> None:
    inside = (
        "<p>Stand: 28. April 2023, 05:00 Uhr</p>"
        + paras(DE[:2])
        + "<div class='img'><img src='/a.jpg'><span>Legende: Die Hafenmauer nach dem Sturm. SRF</span></div>"
        + "<p>Die Hafenmauer nach dem Sturm vom Januar. Bildrechte: MDR/Jane Doe</p>"
        + paras(DE[2:4])
        + "<div class='embed'><p>Empfohlener redaktioneller Inhalt</p><p>Externen Inhalt anzeigen</p></div>"
        + paras(DE[4:])
        + "<p>Artikel veröffentlicht am 28. April 2023</p><p>Anzeige</p>"
    )
    body = (
        extract_article(page("de", "Hafenmauer wird saniert", inside), "https://zeitung.example/a").body or ""
    )
    for text in DE:
        assert text in body
    for furniture in (
        "Stand:",
        "Legende",
        "Bildrechte",
        "Empfohlener",
        "Externen Inhalt",
        "veröffentlicht",
        "Anzeige",
    ):
        assert furniture not in body, furniture


def test_french_paywall_and_bookmark_prompts_stay_out() -> None:
    inside = (
        "<p>Publié le 1 septembre 2023 à 10h05</p>"
        + "<div class='bookmark'><span>Ajouter à vos sélections</span></div>"
        + paras(FR[:4])
        + "<p>Il vous reste 57.09% de cet article à lire. La suite est réservée aux abonnés.</p>"
        + "<p>Abonnez-vous dès 1 € le premier mois et accédez à tous nos articles sans limite.</p>"
    )
    body = (
        extract_article(page("fr", "Le mur du port sera réparé", inside), "https://journal.example/a").body
        or ""
    )
    for text in FR[:4]:
        assert text in body
    for furniture in ("Publié le", "sélections", "Il vous reste", "Abonnez-vous"):
        assert furniture not in body, furniture


@pytest.mark.parametrize(
    "tail",
    [
        "<p>この記事は会員限定です。</p><p>登録すると会員向け記事が読み放題になります。</p>",
        "<div class='author'><p>この記事を書いた人</p><p>山田太郎</p><p>東京社会部</p></div>",
    ],
    ids=["paywall-notice", "author-box"],
)
def test_japanese_paywall_notice_author_box_caption_and_ad_label_stay_out(tail: str) -> None:
    inside = (
        "<p>[PR]</p>"
        + paras(JA[:3])
        + "<p>港の岸壁の被害を調べる市の職員＝１３日午後、港町で（代表撮影）</p>"
        + paras(JA[3:])
        + tail
    )
    body = extract_article(page("ja", "港の岸壁を修理へ", inside), "https://shimbun.example/a").body or ""
    for text in JA:
        assert text in body
    for furniture in ("[PR]", "代表撮影", "会員", "この記事を書いた人", "山田太郎"):
        assert furniture not in body, furniture
