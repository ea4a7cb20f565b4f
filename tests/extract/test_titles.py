"""Titles: junk never wins, the best-agreeing candidate does, and the listing fills a page's gap.

Each failure class is a page built as such sites serve it (GBK bytes for the Chinese CMS and
forum pages, decoded with the pipeline's own decoder), not a string handed to a helper.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from article_etl.config import Selectors, Source
from article_etl.encoding import decode_html
from article_etl.extract import ExtractedArticle, extract_article
from article_etl.extract.titles import TitleCandidate, choose_title, is_junk_title
from article_etl.records import Page
from article_etl.stages.clean import build_article

PARA = "近年来，端州区城东街道党工委紧紧围绕党建引领基层社会治理，大力发挥基层党组织和党员“两个作用”，推动服务群众的质量与实效不断提升。"
EN_PARA = (
    "The county council said on Tuesday that it would continue to invest in rural roads and schools, "
    "after a year in which spending on repairs rose by a fifth and two bridges were closed."
)
HEADLINE = "城东街道推进基层治理"


def gbk_page(head: str, body: str) -> str:
    """A GBK page with a gb2312 meta, as regional CMS and Discuz! forums serve them, decoded."""
    html = f"<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'>{head}</head><body>{body}</body></html>"
    return decode_html(html.encode("gbk"), "text/html").text


def extract(
    html: str, listed_title: str | None = None, url: str = "https://www.example.cn/a/1.html"
) -> ExtractedArticle:
    return extract_article(html, url, listed_title=listed_title)


@pytest.mark.parametrize("junk", ["显示", "1", "导航"])
def test_a_cms_placeholder_title_loses_to_the_listing(junk: str) -> None:
    html = gbk_page(f"<title>{junk}</title>", f"<div class='content'><p>{PARA}</p><p>{PARA}</p></div>")
    art = extract(html, listed_title=HEADLINE)
    assert (art.title, art.title_source) == (HEADLINE, "listed")


@pytest.mark.parametrize("junk", ["显示", "1", "导航"])
def test_a_cms_placeholder_title_is_no_title_without_a_listing(junk: str) -> None:
    html = gbk_page(f"<title>{junk}</title>", f"<div class='content'><p>{PARA}</p></div>")
    assert extract(html).title is None  # the missing_title check then says so, rather than "显示"


def test_discuz_archiver_title_is_the_threads_not_the_footer() -> None:
    # Discuz! archiver pages: "<thread> - <board> - <forum> - Powered by Discuz! Archiver".
    html = gbk_page(
        "<title>小区停车难怎么办 - 业主论坛 - 城东社区 - Powered by Discuz! Archiver</title>",
        "<div id='nav'><a href='index.php'>城东社区</a> &raquo; <a href='?fid-2'>业主论坛</a></div>"
        f"<div id='content'><p class='author'><strong>老张</strong> 发表于 2024-3-5 10:12</p><p>{PARA}</p><p>{PARA}</p></div>",
    )
    art = extract(html)
    assert art.title == "小区停车难怎么办"
    assert "discuz" not in (art.title or "").lower()


def test_a_title_that_is_only_the_archiver_footer_is_junk() -> None:
    html = gbk_page("<title>powered by Discuz! Archiver</title>", f"<div id='content'><p>{PARA}</p></div>")
    assert extract(html).title is None
    assert extract(html, listed_title="小区停车难怎么办").title == "小区停车难怎么办"


def test_a_blogs_host_name_as_og_title_loses_to_the_posts_headline() -> None:
    url = "https://wanglaoshi.blog.example.com/2024/03/post-12.html"
    html = (
        "<html><head><meta charset='utf-8'><meta property='og:title' content='wanglaoshi.blog.example.com'>"
        "<title>wanglaoshi.blog.example.com</title></head><body>"
        f"<h1>On rural roads</h1><div class='post-body'><p>{EN_PARA}</p></div></body></html>"
    )
    art = extract(html, url=url)
    assert (art.title, art.title_source) == ("On rural roads", "page")


def test_the_site_name_is_never_the_title() -> None:
    html = (
        "<html><head><meta charset='utf-8'><meta property='og:site_name' content='The Daily Ledger'>"
        "<meta property='og:title' content='The Daily Ledger'></head><body>"
        f"<div class='content'><p>{EN_PARA}</p></div></body></html>"
    )
    assert extract(html).title is None
    assert extract(html, listed_title="Council keeps road money").title == "Council keeps road money"


def test_a_page_without_title_or_h1_takes_the_feeds_title() -> None:
    html = gbk_page("", f"<div class='content'><p>{PARA}</p><p>{PARA}</p></div>")
    art = extract(html, listed_title=f"  {HEADLINE} ")
    assert (art.title, art.title_source) == (HEADLINE, "listed")


def test_the_candidate_most_others_agree_with_wins_over_a_lone_og_title() -> None:
    # og:title names the section; <title>, <h1> and the feed name the story.
    html = gbk_page(
        "<meta property='og:title' content='国内要闻'><title>城东街道推进基层治理_端州新闻网</title>",
        f"<h1>{HEADLINE}</h1><div class='content'><p>{PARA}</p></div>",
    )
    art = extract(html, listed_title=HEADLINE)
    assert (art.title, art.title_source) == (HEADLINE, "page")


def test_og_title_that_agrees_keeps_its_place_in_the_trust_order() -> None:
    html = (
        "<html><head><meta charset='utf-8'><meta property='og:title' content='Council keeps road money'>"
        "<title>Council keeps road money | The Daily Ledger</title></head><body>"
        f"<h1>Council keeps road money</h1><div class='content'><p>{EN_PARA}</p></div></body></html>"
    )
    art = extract(html)
    assert (art.title, art.title_source) == ("Council keeps road money", "meta")


def test_jsonld_headline_is_recorded_as_jsonld() -> None:
    html = (
        "<html><head><meta charset='utf-8'><script type='application/ld+json'>"
        '{"@type": "NewsArticle", "headline": "Council keeps road money", "datePublished": "2024-03-05T10:12:00Z"}'
        "</script></head><body>"
        f"<div class='content'><p>{EN_PARA}</p></div></body></html>"
    )
    art = extract(html)
    assert (art.title_source, art.published_source) == ("jsonld", "jsonld")
    assert art.published_at == datetime(2024, 3, 5, 10, 12, tzinfo=UTC)


def test_published_source_says_meta_page_or_selector() -> None:
    body = f"<div class='content'><p>{EN_PARA}</p></div>"
    meta_page = (
        "<html><head><meta charset='utf-8'><meta property='article:published_time' content='2024-03-05T10:12:00Z'>"
        f"<title>Council keeps road money</title></head><body>{body}</body></html>"
    )
    assert extract(meta_page).published_source == "meta"
    line_page = gbk_page(
        "<title>城东街道推进基层治理</title>", f"<div class='info'>发布时间：2024-03-05 10:12</div>{body}"
    )
    assert extract(line_page).published_source == "page"
    sel = extract_article(
        gbk_page("", f"<span class='when'>2024-03-05 10:12</span>{body}"),
        "https://www.example.cn/a/1.html",
        selectors=Selectors(published=".when"),
    )
    assert sel.published_source == "selector"
    assert extract(gbk_page("", body)).published_source is None


def test_selector_title_wins_unless_it_is_junk() -> None:
    assert choose_title(
        [TitleCandidate("导航", "selector"), TitleCandidate(HEADLINE, "page")]
    ) == TitleCandidate(HEADLINE, "page")
    assert choose_title([TitleCandidate("甲", "page")]) is None
    assert is_junk_title("example.com", url="https://www.example.com/x")
    assert not is_junk_title("城东街道推进基层治理")


@pytest.mark.parametrize(("kind", "expected"), [("rss", "feed"), ("sitemap", "listing")])
def test_clean_stage_records_where_title_and_date_came_from(kind: str, expected: str) -> None:
    source = Source.model_validate(
        {
            "id": "x",
            "name": "X",
            "lang": "zh",
            "discovery": {"kind": kind, "url": "https://www.example.cn/feed"},
        }
    )
    listed_at = datetime(2024, 3, 5, 2, 0, tzinfo=UTC)
    page = Page(
        source_id="x",
        url="https://www.example.cn/a/1.html",
        final_url="https://www.example.cn/a/1.html",
        status=200,
        content_type="text/html",
        fetched_at=listed_at,
        sha256="0" * 64,
        size=1,
        warc_record_id="urn:uuid:1",
        listed_published_at=listed_at,
        listed_title=HEADLINE,
        html=gbk_page("<title>显示</title>", f"<div class='content'><p>{PARA}</p><p>{PARA}</p></div>"),
    )
    art = build_article(source, page, "2024-03-05", extract_article)
    assert (art.title, art.title_source) == (HEADLINE, expected)
    assert (art.published_at, art.published_source) == (listed_at, expected)


PARA2 = "街道还组建了由退休干部和志愿者组成的议事小组，每月收集居民意见，对停车、绿化和垃圾分类等问题逐一研究，拿出解决办法。"
REPLY = (
    "楼主说得对，我们小区也是这样，晚上八点以后根本找不到车位，物业也不管，希望社区能出面协调解决这个问题。"
)


def test_discuz_archiver_body_is_the_first_post_not_the_replies() -> None:
    html = gbk_page(
        "<title>小区停车难怎么办 - 业主论坛 - 城东社区 - Powered by Discuz! Archiver</title>",
        "<div id='nav'><a href='index.php'>城东社区</a> &rsaquo; <a href='?fid-2'>业主论坛</a></div>"
        "<div id='content'>"
        f"<p class='author'><strong>老张</strong> 发表于 2024-3-5 10:12</p>{PARA}<br />{PARA2}<br />"
        f"<p class='author'><strong>小李</strong> 发表于 2024-3-5 11:40</p>{REPLY}<br />"
        f"<p class='author'><strong>王姐</strong> 发表于 2024-3-5 12:02</p>{REPLY}王姐补充。<br />"
        "</div><div id='end'> 查看完整版本: [-- <a href='tid-1.html'>小区停车难怎么办</a> --]</div>"
        "<div id='footer'>Powered by <strong><a href='http://www.discuz.net'>Discuz! Archiver</a></strong></div>",
    )
    art = extract(html, url="https://bbs.example.cn/archiver/tid-1.html")
    assert art.body == f"{PARA}\n\n{PARA2}"
    assert art.title == "小区停车难怎么办"


def test_discuz_thread_page_body_is_the_first_postmessage() -> None:
    html = gbk_page(
        "<title>小区停车难怎么办 - 业主论坛 - 城东社区</title>",
        "<div id='postlist'>"
        f"<table id='pid1'><tr><td class='pls'>老张</td><td class='t_f' id='postmessage_1'>{PARA}<br />{PARA2}</td></tr></table>"
        f"<table id='pid2'><tr><td class='pls'>小李</td><td class='t_f' id='postmessage_2'>{REPLY}</td></tr></table>"
        "</div>",
    )
    art = extract(html, url="https://bbs.example.cn/thread-1-1-1.html")
    assert art.body == f"{PARA}\n\n{PARA2}"


@pytest.mark.parametrize(("route", "expected"), [("rss", "feed"), ("sitemap", "listing"), ("", "feed")])
def test_with_several_routes_the_route_that_listed_the_page_names_the_provenance(
    route: str, expected: str
) -> None:
    """A source reading a feed, then a sitemap: a title or date listed by the sitemap is the
    listing's; a page from a partition written before routes were recorded takes the first route's."""
    source = Source.model_validate(
        {
            "id": "x",
            "name": "X",
            "lang": "zh",
            "discovery": [
                {"kind": "rss", "url": "https://www.example.cn/feed"},
                {"kind": "sitemap", "url": "https://www.example.cn/sitemap.xml"},
            ],
        }
    )
    listed_at = datetime(2024, 3, 5, 2, 0, tzinfo=UTC)
    page = Page(
        source_id="x",
        url="https://www.example.cn/a/1.html",
        final_url="https://www.example.cn/a/1.html",
        status=200,
        content_type="text/html",
        fetched_at=listed_at,
        sha256="0" * 64,
        size=1,
        warc_record_id="urn:uuid:1",
        listed_published_at=listed_at,
        listed_title=HEADLINE,
        listed_route=route,
        html=gbk_page("<title>显示</title>", f"<div class='content'><p>{PARA}</p><p>{PARA}</p></div>"),
    )
    art = build_article(source, page, "2024-03-05", extract_article)
    assert (art.title_source, art.published_source) == (expected, expected)
