"""The standfirst in the headline's block: a news agency's spot under the <h1>, far from the body.

Pages are built the way agency and portal templates send them: the headline block holds the
<h1>, the standfirst (an <h4>, an <h2> or a bare <span>), the byline and the date; a photo and a
share bar sit between it and the body box. The label (what a reader calls the article) starts
with the standfirst. A one-line subtitle and a photo caption in that place are not standfirsts.
"""

from __future__ import annotations

import pytest

from article_etl.extract import extract_article

PARAS = [
    f"Paragraph {n}: the council met on Tuesday evening, and after a long debate, members agreed "
    f"to fund the repairs to the old harbour wall, which storms damaged in {2000 + n}, "
    "said the clerk, who added that work would start in spring."
    for n in range(8)
]
STANDFIRST = (
    "The town will spend two million on the harbour wall this year. Work starts in spring and "
    "should end before the summer season, the mayor said"
)


def page(after_h1: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAS)
    return (
        "<html lang='en'><head><meta charset='utf-8'><title>Harbour wall to be repaired</title></head>"
        "<body><main><div class='detail-top'><div class='detail-head container'>"
        "<span class='category'><a href='/local'>Local</a></span><br><br>"
        f"<h1>Harbour wall to be repaired</h1>{after_h1}"
        "<div class='row'><span>Jane Doe |</span><span class='date'>05.04.2025 - Updated: 05.04.2025</span></div>"
        "</div></div><div style='height: 200px'></div>"
        "<div class='row detail container'><div class='col-md-10'><img src='/p.jpg' alt='The wall'>"
        "<div><div class='social-left'><a href='/share'>Share</a></div>"
        f"<div class='detail-text'>{body}</div></div></div>"
        "<aside><ul><li><a href='/a'>Most read: a story</a></li></ul></aside></div>"
        "</main></body></html>"
    )


def body_of(html: str) -> str:
    return extract_article(html, "https://agency.example/harbour").body or ""


@pytest.mark.parametrize(
    "element",
    [
        f"<h4>{STANDFIRST}.</h4>",
        f"<h2 class='text-base'>{STANDFIRST}</h2>",
        f"<span class='lead'>{STANDFIRST}.</span>",
    ],
    ids=["h4-sentence", "h2-stitched-summary-without-full-stop", "span"],
)
def test_standfirst_under_the_headline_opens_the_body(element: str) -> None:
    body = body_of(page(element))
    assert body.startswith(STANDFIRST), body[:200]
    assert body.count(STANDFIRST) == 1
    for p in PARAS:
        assert p in body
    assert "Most read" not in body


def test_standfirst_the_body_repeats_comes_out_once() -> None:
    """Portals stitch the summary from the sections' first sentences; when the body's first
    paragraph is the summary itself, it is said once."""
    html = page(f"<h4>{PARAS[0]}</h4>")
    body = body_of(html)
    assert body.count(PARAS[0]) == 1


@pytest.mark.parametrize(
    "element",
    [
        "<h2>Australian backpacker, 19, became the sixth traveller to die from suspected methanol poisoning</h2>",
        "<div class='gallery'><img src='/g.jpg'><span>A file photograph shows the harbour wall after "
        "the storm of 2004, seen from the pier at low tide. — Picture by Jane Doe</span></div>",
        "<h2><a href='/more'>The town will spend two million on the harbour wall. Work starts in spring.</a></h2>",
    ],
    ids=["one-line-subtitle", "photo-caption", "link"],
)
def test_subtitle_caption_or_link_under_the_headline_stays_out(element: str) -> None:
    body = body_of(page(element))
    assert body.startswith(PARAS[0]), body[:200]
