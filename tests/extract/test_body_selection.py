"""Which part of a page is the article: template shapes that made the scorer pick too little.

Each page is built the way a class of real sites sends it (styled-components class hashes, a
deals box with an "article-ish" class name, an article split around an ad slot, a lead paragraph
in its own box), with a sidebar or teaser beside the article so picking the wrong part shows.
"""

from __future__ import annotations

from article_etl.extract import extract_article

# Ten distinct paragraphs of ordinary English news prose (commas, quotes, no furniture words).
PARAS = [
    f"Paragraph {n}: the council met on Tuesday evening, and after a long debate, members agreed "
    f"to fund the repairs to the old harbour wall, which storms damaged in {2000 + n}, "
    "said the clerk, who added that work would start in spring."
    for n in range(10)
]
SIDEBAR = (
    "<aside><ul><li><a href='/a'>Most read: a story</a></li><li><a href='/b'>Another story</a></li>"
    "</ul></aside>"
)


def page(body: str) -> str:
    return (
        "<html lang='en'><head><meta charset='utf-8'><title>Harbour wall to be repaired</title></head>"
        f"<body><h1>Harbour wall to be repaired</h1>{body}{SIDEBAR}</body></html>"
    )


def body_of(html: str) -> str:
    return extract_article(html, "https://news.example/harbour").body or ""


def test_paragraphs_each_wrapped_in_several_divs_all_come_out() -> None:
    """CSS-in-JS templates wrap every paragraph in four anonymous <div>s of its own; one long
    paragraph's wrapper must not win alone."""
    paras = [*PARAS[:5], PARAS[5] * 3, *PARAS[6:]]
    wrapped = "".join(
        f"<div class='sc-a1 xYz'><div class='sc-b2 qQw'><div><div><p>{p}</p></div></div></div></div>"
        for p in paras
    )
    body = body_of(page(f"<div id='main' class='sc-m9 kLm'><article>{wrapped}</article></div>"))
    for p in PARAS:
        assert p in body
    assert "Most read" not in body


def test_short_line_with_an_article_class_name_does_not_outweigh_the_article() -> None:
    """A deals box's heading classed "headline-text" (a positive name) is one line, not the
    article; the article's sections carry no telling class name at all."""
    deals = (
        "<ul class='list-articles'><li><div class='box'>"
        "<div class='box__headline media__headline-text'>The best deals of the day</div>"
        "<div class='box__desc'>Daily deals on phones and laptops</div></div></li></ul>"
    )
    sections = "".join(
        f"<section>{''.join(f'<p>{p}</p>' for p in PARAS[i : i + 2])}</section>" for i in (0, 2)
    )
    body = body_of(page(f"{deals}<div class='formatted'>{sections}</div>"))
    for p in PARAS[:4]:
        assert p in body
    assert "deals" not in body


def test_article_split_around_an_ad_slot_is_read_whole() -> None:
    """The article's two halves sit in sibling blocks, each with an inner content box; the
    halves are siblings only at the outer blocks' level."""
    first = "".join(f"<p>{p}</p>" for p in PARAS[:6])
    second = "".join(f"<p>{p}</p>" for p in PARAS[6:9])
    html = page(
        "<article class='story'>"
        f"<div class='story-block'><div class='story-block-content'>{first}</div></div>"
        "<div class='ad-slot'>Advertisement</div>"
        f"<div class='story-block'><div class='story-block-content'>{second}</div></div>"
        "<div class='comments'><p>Reader comment: I disagree with the council, it is a waste.</p></div>"
        "</article>"
    )
    body = body_of(html)
    for p in PARAS[:9]:
        assert p in body
    assert "Advertisement" not in body
    assert "Reader comment" not in body


def test_lead_paragraph_in_its_own_box_comes_with_the_body() -> None:
    """A preamble box beside the body text (both inside the article's inner box) is the lead,
    also with a bar of share links between them."""
    lead = (
        "The harbour wall, closed since the winter storms, will reopen by summer, officials said. "
        "Repairs will cost more than first thought, and the town will share the bill with the state."
    )
    html = page(
        "<div class='article__inner'>"
        f"<div class='article__preamble rich-text'><p>{lead}</p></div>"
        "<div class='overlay'><a href='/fb'>Facebook</a> <a href='/x'>X</a> <a href='/in'>LinkedIn</a></div>"
        f"<div class='article__body-text rich-text'>{''.join(f'<p>{p}</p>' for p in PARAS)}</div>"
        "</div>"
    )
    body = body_of(html)
    assert body.startswith(lead)
    for p in PARAS:
        assert p in body


def test_photo_captions_inside_the_article_stay_out() -> None:
    """News templates put each photo's caption and credit in <figure><figcaption> between the
    paragraphs; the caption describes the picture, it is not the article's text."""
    caption = "The old harbour wall after the storm, seen from the pier, in January. Photo: J. Smith"
    html = page(
        "<article><div class='body'>"
        f"{''.join(f'<p>{p}</p>' for p in PARAS[:4])}"
        f"<figure><img src='/wall.jpg' alt=''><figcaption>{caption}</figcaption></figure>"
        f"{''.join(f'<p>{p}</p>' for p in PARAS[4:])}"
        "</div></article>"
    )
    body = body_of(html)
    for p in PARAS:
        assert p in body
    assert "Photo: J. Smith" not in body


def test_endless_scroll_page_gives_its_own_story_not_the_longer_next_one() -> None:
    """Endless-scroll templates append the next story, headline and all, below the one the URL
    names; the next one being longer must not make it the article."""
    own = "".join(f"<p>{p}</p>" for p in PARAS[:4])
    other = "".join(f"<p>{p.replace('harbour wall', 'ski jump')}</p>" for p in PARAS)
    html = (
        "<html lang='en'><head><meta charset='utf-8'><title>Harbour wall to be repaired</title></head><body>"
        f"<main><article class='entity'><h1>Harbour wall to be repaired</h1><div class='text'>{own}</div></article>"
        f"<div class='next'><article class='entity'><h1>Ski jump reopens</h1><div class='text'>{other}</div>"
        "</article></div></main></body></html>"
    )
    body = body_of(html)
    for p in PARAS[:4]:
        assert p in body
    assert "ski jump" not in body


def test_related_stories_box_between_paragraphs_does_not_end_the_article() -> None:
    """A "Related articles" box of teaser links between two paragraphs: its heading goes with
    its links, and the article goes on after it. The same heading after the last paragraph
    still ends the article (the cleaning pass cuts the tail there)."""
    box = (
        "<div class='inline-box'><h4>RELATED ARTICLES</h4>"
        "<a href='/1'>Storms close three bridges in the north</a>"
        "<a href='/2'>Harbour festival cancelled after flooding</a></div>"
    )
    first = "".join(f"<p>{p}</p>" for p in PARAS[:4])
    rest = "".join(f"<p>{p}</p>" for p in PARAS[4:])
    body = body_of(page(f"<article><div class='body'>{first}{box}{rest}</div></article>"))
    for p in PARAS:
        assert p in body
    assert "RELATED" not in body
    assert "festival" not in body
    tail = body_of(
        page(f"<article><div class='body'>{first}{rest}{box}<p>{PARAS[0][:60]} teaser</p></div></article>")
    )
    assert "RELATED" not in tail
    assert "teaser" not in tail


def test_heading_of_a_link_list_at_the_very_end_goes_with_it() -> None:
    """ "Latest in Society" and its links after the last paragraph: nothing of it is text."""
    links = "<div><a href='/1'>Storms close three bridges</a> <a href='/2'>Festival cancelled</a></div>"
    html = page(
        f"<article>{''.join(f'<p>{p}</p>' for p in PARAS)}<h3>Latest in Society</h3>{links}</article>"
    )
    body = body_of(html)
    assert body.endswith(PARAS[-1])


def test_article_blocks_with_a_furniture_like_layout_class_are_kept() -> None:
    """A layout grid named "sidebar-grid" splits the article into repeated blocks of one class
    between ad slots; the first holds the headline, and its later siblings are the article too."""
    block = "<div class='sidebar-grid__container'><div class='sidebar-grid__content'>{}</div></div>"
    first = "<h1>Harbour wall to be repaired</h1>" + "".join(f"<p>{p}</p>" for p in PARAS[:4])
    second = "".join(f"<p>{p}</p>" for p in PARAS[4:])
    html = (
        "<html lang='en'><head><meta charset='utf-8'><title>Harbour wall to be repaired</title></head><body>"
        f"<article><div class='sidebar-grid'>{block.format(first)}"
        "<div class='ad-slot'>Advertisement</div>"
        f"{block.format(second)}<aside class='sidebar'><a href='/x'>Most read: a story</a></aside>"
        f"</div></article>{SIDEBAR}</body></html>"
    )
    body = body_of(html)
    for p in PARAS:
        assert p in body
    assert "Most read" not in body


def test_day_month_year_stamp_lines_in_the_article_box_stay_out() -> None:
    """German and Swiss templates print "Stand: 28.04.2023 16:11 Uhr" / "Publiziert: 01.07.2023,
    11:16" inside the article box; a sentence that mentions such a date stays."""
    dated = "Am 28.04.2023 kam es zu einem Unfall auf der Autobahn, sagte die Polizei am Abend."
    html = page(
        "<article><div class='body'><p>Stand: 28.04.2023 16:11 Uhr</p>"
        f"{''.join(f'<p>{p}</p>' for p in PARAS[:5])}<p>{dated}</p>"
        "<p>Publiziert: 01.07.2023, 11:16</p></div></article>"
    )
    body = body_of(html)
    assert "Stand" not in body
    assert "Publiziert" not in body
    assert dated in body


def test_paragraphs_of_linked_keywords_are_article_text() -> None:
    """News sites link every place or topic name to its topic page; a list of places in the
    article ("Miyazaki: Takanabe, Shintomi, Miyazaki City") is then mostly link text, yet a
    paragraph of the article, not a link list. A related-stories list stays out."""
    places = (
        "<p>Kyushu: <a href='/t/1'>Takanabe</a>, <a href='/t/2'>Shintomi</a>, <a href='/t/3'>Miyazaki City</a></p>"
        "<p><a href='/t/4'>Fukuoka</a>: <a href='/t/5'>Kurume</a></p>"
    )
    related = "<p><a href='/r/1'>Earlier quake story</a> | <a href='/r/2'>Tsunami advice</a></p>"
    html = page(
        f"<div class='article'>{''.join(f'<p>{p}</p>' for p in PARAS[:3])}{places}"
        f"{''.join(f'<p>{p}</p>' for p in PARAS[3:6])}{related}</div>"
    )
    body = body_of(html)
    assert "Kyushu: Takanabe, Shintomi, Miyazaki City" in body
    assert "Fukuoka: Kurume" in body
    assert "Earlier quake story" not in body
    for p in PARAS[:6]:
        assert p in body
