"""Field fallbacks and overrides of ``extract_article`` on small hand-made pages."""

from __future__ import annotations

from datetime import UTC, datetime

from article_etl.config import Selectors
from article_etl.extract import extract_article
from article_etl.extract.fields import site_names

PARA = "近年来,端州区城东街道党工委紧紧围绕党建引领基层社会治理,大力发挥基层党组织和党员“两个作用”,推动服务群众的质量与实效不断提升。"


def page(head: str = "", body: str = "", lang: str = "") -> str:
    attr = f' lang="{lang}"' if lang else ""
    return f"<html{attr}><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def test_selectors_override_everything() -> None:
    html = page(
        '<meta property="og:title" content="OG 标题"><meta name="author" content="张三">',
        "<h1>页面标题</h1><div class='x-title'>选择器标题</div><span class='who'>记者 李四</span>"
        "<em class='when' data-x='1'>2021-05-06 07:08</em><div class='main-text'><p>" + PARA + "</p></div>"
        "<div class='content'><p>别的内容" + PARA + "</p><p>" + PARA + "</p></div>",
    )
    sel = Selectors(title=".x-title", body=".main-text", author=".who", published=".when")
    art = extract_article(html, "https://x.cn/a.html", selectors=sel)
    assert art.title == "选择器标题"
    assert art.body == PARA
    assert art.author == "李四"
    assert art.published_at == datetime(2021, 5, 5, 23, 8, tzinfo=UTC)


def test_missing_title_is_none_not_invented() -> None:
    art = extract_article(page(body=f"<div class='content'><p>{PARA}</p></div>"), "https://x.cn/a")
    assert art.title is None
    assert art.body == PARA


def test_title_suffix_removed_and_becomes_site_name() -> None:
    art = extract_article(
        page("<title>湖北路街道创建工作_洛阳网</title>", f"<p>{PARA}</p>"), "https://x.cn/a"
    )
    assert (art.title, art.site_name) == ("湖北路街道创建工作", "洛阳网")


def test_wrong_template_lang_loses_to_script() -> None:
    art = extract_article(page(body=f"<div class='content'><p>{PARA}</p></div>", lang="en"), "https://x.cn/a")
    assert art.lang == "zh"


def test_latin_page_without_declaration_uses_hint() -> None:
    text = "Le conseil municipal a voté mardi soir la rénovation du vieux ponton, fermé depuis la tempête."
    assert extract_article(page(body=f"<p>{text}</p>"), "https://x.fr/a", lang_hint="fr").lang == "fr"


def test_canonical_is_made_absolute() -> None:
    html = page('<link rel="canonical" href="/news/1.html">', f"<p>{PARA}</p>")
    assert (
        extract_article(html, "https://www.x.cn/a/b.html?utm=1").canonical_url
        == "https://www.x.cn/news/1.html"
    )


def test_og_url_when_no_canonical_and_none_when_absent() -> None:
    html = page('<meta property="og:url" content="https://x.cn/og.html">', f"<p>{PARA}</p>")
    assert extract_article(html, "https://x.cn/a").canonical_url == "https://x.cn/og.html"
    assert extract_article(page(body=f"<p>{PARA}</p>"), "https://x.cn/a").canonical_url is None


def test_broken_json_ld_falls_back_to_meta() -> None:
    html = page(
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
        '<meta property="og:title" content="元数据标题"><meta name="publishdate" content="2019-01-03">',
        f"<p>{PARA}</p>",
    )
    art = extract_article(html, "https://x.cn/a")
    assert art.title == "元数据标题"
    assert art.published_at == datetime(2019, 1, 2, 16, 0, tzinfo=UTC)


def test_publisher_in_author_meta_is_not_an_author() -> None:
    html = page(
        '<meta name="author" content="西江网"><meta property="og:site_name" content="西江网">',
        f"<p>{PARA}</p>",
    )
    assert extract_article(html, "https://x.cn/a").author is None


def test_photo_credit_is_not_the_author() -> None:
    body = f"<div class='content'><p>{PARA}</p><p>图为活动现场。(本报记者 王嘉晨 摄)</p></div>"
    art = extract_article(page(body=body), "https://x.cn/a")
    assert art.author is None
    assert "摄" not in (art.body or "")


def test_timezone_of_the_source_applies() -> None:
    html = page(
        body=f"<div class='info'>发布时间: 2024-01-01 08:00</div><div class='content'><p>{PARA}</p></div>"
    )
    art = extract_article(html, "https://x.cn/a", timezone="Europe/London")
    assert art.published_at == datetime(2024, 1, 1, 8, 0, tzinfo=UTC)


def test_short_page_falls_back_to_trafilatura_without_crashing() -> None:
    art = extract_article(page(body="<span>短</span>"), "https://x.cn/a")
    assert art.body in (None, "短")


def test_site_names_are_the_host_name_not_its_top_level_domain() -> None:
    # "be", "li", "za" would make every "Be"/"Li" word the site's name
    assert site_names(None, "https://www.nieuwsblad.be/a") == ("www.nieuwsblad.be", "nieuwsblad")
    assert site_names("Ilanga News", "https://ilanganews.co.za/a") == (
        "Ilanga News",
        "ilanganews.co.za",
        "ilanganews",
    )
    assert site_names(None, "http://127.0.0.1:8000/a") == ()
