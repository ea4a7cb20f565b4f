"""Authors of whole pages, served as sites serve them: bytes and a Content-Type from a real HTTP
server on 127.0.0.1, decoded by the pipeline's decoder, then extracted.

The pages copy the markup of the kinds that gave wrong or missing authors: a Discuz! thread
(GBK), a WordPress blog post, a Chinese news page with 责任编辑/来源 lines and junk meta, an
English "By … | Reuters" page with a related-article teaser, a German "Von …" page whose meta
author is the newspaper itself.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable

import pytest

from article_etl.encoding import decode_html
from article_etl.extract import extract_article

Serve = Callable[[dict[str, tuple[int, list[tuple[str, str]], bytes]]], str]

ZH_PARA = (
    "近年来,端州区城东街道党工委紧紧围绕党建引领基层社会治理,大力发挥基层党组织和党员“两个作用”,"
    "推动服务群众的质量与实效不断提升,社区志愿服务活动也越来越丰富。"
)
EN_PARA = (
    "The council voted on Tuesday to expand the city's bus network, adding three routes that will "
    "connect the northern suburbs with the hospital district and the new university campus."
)
DE_PARA = (
    "Der Gemeinderat hat am Dienstag beschlossen, das Busnetz der Stadt zu erweitern. Drei neue "
    "Linien sollen die nördlichen Stadtteile mit dem Klinikviertel und dem Campus verbinden."
)


def fetch_and_extract(
    serve: Serve, html: str, *, charset: str = "utf-8", path: str = "/a/1.html"
) -> str | None:
    """Serve ``html`` encoded in ``charset``, fetch it over loopback, decode and extract its author."""
    body = html.encode(charset)
    base = serve({path: (200, [("Content-Type", f"text/html; charset={charset}")], body)})
    with urllib.request.urlopen(base + path, timeout=10) as response:
        data = response.read()
        content_type = response.headers.get("Content-Type")
    decoded = decode_html(data, content_type)
    return extract_article(decoded.text, base + path).author


def discuz_thread() -> str:
    post = (
        '<table id="pid{pid}"><tr><td class="pls"><div class="pi"><div class="authi">'
        '<a href="space-uid-{uid}.html" target="_blank" class="xw1">{user}</a></div></div></td>'
        '<td class="plc"><div class="pi"><div class="pti"><div class="authi">'
        '<em id="authorposton{pid}">发表于 2023-5-5 12:0{pid}</em> | <a href="#">只看该作者</a></div></div></div>'
        '<div class="pct"><div class="pcb"><div class="t_fsz"><table><tr>'
        '<td class="t_f" id="postmessage_{pid}">{text}</td></tr></table></div></div></div></td></tr></table>'
    )
    return (
        "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gbk'>"
        "<title>小区消防通道终于打通了 - 端州生活 - 西江论坛 - Powered by Discuz!</title></head><body>"
        '<div id="hd"><div class="author">最新文章</div><a href="forum.php">首页</a></div>'
        '<div id="postlist">'
        + post.format(pid=1, uid=101, user="小猪快跑", text=ZH_PARA * 2)
        + post.format(pid=2, uid=102, user="老王头", text="支持楼主,我们小区也是这样。")
        + "</div></body></html>"
    )


def test_discuz_thread_author_is_the_thread_starter(http_server: Serve) -> None:
    assert fetch_and_extract(http_server, discuz_thread(), charset="gbk") == "小猪快跑"


def test_discuz_archiver_page_author_is_the_poster(http_server: Serve) -> None:
    html = (
        "<html><head><meta charset='gbk'><title>小区消防通道终于打通了 - 西江论坛 - Powered by Discuz! Archiver"
        "</title></head><body><div id='content'><h1>小区消防通道终于打通了</h1>"
        "<p class='author'><strong>小猪快跑</strong> 发表于 2023-5-5 12:00</p>"
        f"<p>{ZH_PARA}</p><p>{ZH_PARA}</p>"
        "<p class='author'><strong>老王头</strong> 发表于 2023-5-5 13:00</p><p>支持楼主。</p></div></body></html>"
    )
    assert fetch_and_extract(http_server, html, charset="gbk") == "小猪快跑"


def blog_post(poster: str) -> str:
    return (
        "<html lang='en'><head><meta charset='utf-8'><meta name='generator' content='WordPress 6.4'>"
        "<title>Fixing my bike's gears &#8211; Tinkering Notes</title></head><body>"
        "<article class='post'><header class='entry-header'><h1 class='entry-title'>Fixing my bike's gears</h1>"
        "<div class='entry-meta'><span class='posted-on'><time datetime='2024-03-02T10:00:00+00:00'>March 2, 2024"
        "</time></span> <span class='byline'> by <span class='author vcard'>"
        f"<a class='url fn n' href='/author/{poster}/'>{poster}</a></span></span></div></header>"
        f"<div class='entry-content'><p>{EN_PARA}</p><p>{EN_PARA}</p></div></article></body></html>"
    )


def test_blog_post_author_is_the_poster_handle(http_server: Serve) -> None:
    assert fetch_and_extract(http_server, blog_post("techguy88")) == "techguy88"


def test_blog_post_by_admin_has_no_author(http_server: Serve) -> None:
    assert fetch_and_extract(http_server, blog_post("admin")) is None


def news_page(byline: str, meta_author: str = "网易", charset: str = "utf-8") -> str:
    return (
        f"<html><head><meta charset='{charset}'><title>社区志愿服务暖人心_西江网</title>"
        f"<meta name='author' content='{meta_author}'><meta property='og:site_name' content='西江网'></head><body>"
        "<div class='nav'>首页 | 新闻 | 个人观点</div><h1>社区志愿服务暖人心</h1>"
        f"<div class='info'>{byline}</div>"
        f"<div class='content'><p>{ZH_PARA}</p><p>她日前对记者说,志愿者还上门帮忙理发。</p>"
        f"<p>他在接受记者采访时称,项目已经完工。{ZH_PARA}</p></div>"
        "<div class='editor'>责任编辑：李明</div><div class='source'>来源：大汉网络</div>"
        "<div class='side'><h3>作者最新文章</h3><p>本文仅代表作者个人观点</p></div></body></html>"
    )


def test_news_page_reporters_not_editor_source_or_meta_junk(http_server: Serve) -> None:
    author = fetch_and_extract(
        http_server, news_page("西江日报记者 王永强 通讯员 赵祖轩", charset="gbk"), charset="gbk"
    )
    assert author == "王永强, 赵祖轩"


def test_news_page_with_only_editor_and_source_has_no_author(http_server: Serve) -> None:
    assert fetch_and_extract(http_server, news_page("2022年09月14日 09:50", meta_author="大汉网络")) is None


def test_news_page_correspondent_next_to_the_date(http_server: Serve) -> None:
    page = news_page("您当前位置: 洛阳网 >> 县区频道 >> 正文   通讯员: 马瑞  2022年09月14日 09:50")
    assert fetch_and_extract(http_server, page) == "马瑞"


def english_page() -> str:
    return (
        "<html lang='en'><head><meta charset='utf-8'><title>City expands bus network | The Daily Ledger</title>"
        "<meta property='og:site_name' content='The Daily Ledger'><meta name='author' content='Staff'></head><body>"
        "<div><a href='/2024/ferry-fares'><b>Ferry fares frozen</b>"
        "<span class='byline'>By Ann Smith</span></a></div>"
        "<h1>City expands bus network</h1><p class='dek'>By Jane Doe and John Roe | Reuters</p>"
        f"<article><p>{EN_PARA}</p><p>{EN_PARA}</p></article>"
        "<aside><h2>Related</h2><a href='/2024/other-story'><h3>Mayor opens bridge</h3>"
        "<span>By Tom Reyes</span></a></aside></body></html>"
    )


def test_english_byline_with_agency(http_server: Serve) -> None:
    assert fetch_and_extract(http_server, english_page()) == "Jane Doe, John Roe, Reuters"


def german_page(byline: str) -> str:
    return (
        "<html lang='de'><head><meta charset='utf-8'><title>Stadt erweitert Busnetz - Stuttgarter Zeitung</title>"
        "<meta property='og:site_name' content='Stuttgarter Zeitung'>"
        "<meta name='author' content='Stuttgarter Zeitung'></head><body><h1>Stadt erweitert Busnetz</h1>"
        f"<div class='article-meta'>{byline}</div><article><p>{DE_PARA}</p><p>{DE_PARA}</p></article></body></html>"
    )


def test_german_von_byline_and_not_the_newspaper(http_server: Serve) -> None:
    assert fetch_and_extract(http_server, german_page("Von Max Mustermann")) == "Max Mustermann"


def test_teaser_bylines_only_give_no_author(http_server: Serve) -> None:
    teasers = "".join(
        f"<a href='/story/{i}'><h3>Schlagzeile {i}</h3><p>Von {name}</p></a>"
        for i, name in enumerate(["Stefan Kiske", "Wolfgang Türk"])
    )
    assert fetch_and_extract(http_server, german_page("") + teasers) is None


@pytest.mark.parametrize(
    ("ld_author", "expected"),
    [
        ('{"@type": "Person", "name": "Jane Doe"}', "Jane Doe"),
        ('[{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "Staff"}]', "Jane Doe"),
        ('{"@type": "Person", "name": "网易"}', None),
        ('{"@type": "Person", "name": "https://example.com/author/jane"}', None),
        ('{"@type": "Person", "name": "The Daily Ledger"}', None),
    ],
)
def test_json_ld_authors_are_validated_like_bylines(
    http_server: Serve, ld_author: str, expected: str | None
) -> None:
    html = (
        "<html lang='en'><head><meta charset='utf-8'><title>City expands bus network | The Daily Ledger</title>"
        "<meta property='og:site_name' content='The Daily Ledger'>"
        f'<script type="application/ld+json">{{"@type": "NewsArticle", "author": {ld_author}}}</script>'
        f"</head><body><h1>City expands bus network</h1><article><p>{EN_PARA}</p></article></body></html>"
    )
    assert fetch_and_extract(http_server, html) == expected


def ld_page(ld: str, head: str = "") -> str:
    """An English article whose only author statements are ``ld`` (JSON-LD) and ``head`` (<meta>)."""
    return (
        "<html lang='en'><head><meta charset='utf-8'><title>City expands bus network | The Daily Ledger</title>"
        f"<meta property='og:site_name' content='The Daily Ledger'>{head}"
        f'<script type="application/ld+json">{ld}</script>'
        f"</head><body><h1>City expands bus network</h1><article><p>{EN_PARA}</p></article></body></html>"
    )


@pytest.mark.parametrize(
    ("ld", "expected"),
    [
        # a WebPage first, the NewsArticle as its mainEntity (Ippen's sites)
        (
            '{"@type": "WebPage", "mainEntity": {"@type": "NewsArticle", "headline": "City expands bus '
            'network", "author": {"@type": "Person", "name": "Simone Jung"}}}',
            "Simone Jung",
        ),
        # several article objects, only the second one with a byline
        (
            '[{"@type": "NewsArticle", "headline": "City expands bus network"},'
            ' {"@type": "NewsArticle", "author": [{"@type": "Person", "name": "Andrei Kolesnikov"}]}]',
            "Andrei Kolesnikov",
        ),
        # Yoast's @graph: the author is a reference to a Person elsewhere in the graph
        (
            '{"@graph": [{"@type": "Article", "author": {"@id": "https://x.example/#/person/1"}},'
            ' {"@type": "Person", "@id": "https://x.example/#/person/1", "name": "Chuck Ross"}]}',
            "Chuck Ross",
        ),
        # given and family name only
        (
            '{"@type": "NewsArticle", "author": [{"@type": "Person", "givenName": "Anna Giulia",'
            ' "familyName": "Fink"}, {"@type": "Person", "givenName": "Birgit", "familyName": "Baumann"}]}',
            "Anna Giulia Fink, Birgit Baumann",
        ),
        # a live blog's authors; an agency stated as an Organization, but not the publisher
        (
            '{"@type": "LiveBlogPosting", "author": [{"@type": "Person", "name": "Paula Steiger"},'
            ' {"@type": "Organization", "name": "SDA"}, {"@type": "Organization", "name": "Deutsche Welle"}]}',
            "Paula Steiger, SDA",
        ),
    ],
)
def test_json_ld_authors_wherever_the_page_states_them(http_server: Serve, ld: str, expected: str) -> None:
    assert fetch_and_extract(http_server, ld_page(ld)) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        # one <meta name="author"> per writer
        (
            "<meta name='author' content='Lucy Thornton'><meta name='author' content='Tim Hanlon'>",
            "Lucy Thornton, Tim Hanlon",
        ),
        # the first is the newspaper, the second the reporter ("신현주 기자": name and role)
        (
            "<meta name='author' content='The Daily Ledger'><meta name='author' content='신현주 기자'>",
            "신현주",
        ),
        # an e-mail as author, the name in the "Written by" label pair of WordPress SEO plugins
        (
            "<meta name='author' content='d.kuckelkorn@example.com'>"
            "<meta name='twitter:label1' content='Written by'><meta name='twitter:data1' content='Dieter Kuckelkorn'>"
            "<meta name='twitter:label2' content='Est. reading time'><meta name='twitter:data2' content='3 Minuten'>",
            "Dieter Kuckelkorn",
        ),
        (
            "<meta name='author' content='d.kuckelkorn@example.com'>"
            "<meta name='twitter:misc:Written by' content='Dieter Kuckelkorn'>",
            "Dieter Kuckelkorn",
        ),
        # analytics tags filled from the CMS's author field
        ("<meta name='DCSext.author' content='Madeleine Howell'>", "Madeleine Howell"),
        ("<meta name='articleAuthor' content='Anadolu Ajansı'>", "Anadolu Ajansı"),
        (
            "<meta name='twitter:label1' content='Est. reading time'><meta name='twitter:data1' content='3 Minuten'>",
            None,
        ),
    ],
)
def test_meta_authors_all_read(http_server: Serve, head: str, expected: str | None) -> None:
    assert fetch_and_extract(http_server, ld_page('{"@type": "WebSite"}', head)) == expected


def test_json_ld_slug_falls_back_to_meta_author(http_server: Serve) -> None:
    ld = '{"@type": "BlogPosting", "author": {"@type": "Person", "name": "chuck-ross"}}'
    html = ld_page(ld, "<meta name='author' content='Chuck Ross'>")
    assert fetch_and_extract(http_server, html) == "Chuck Ross"


def de_page(header: str) -> str:
    """A German article whose only byline is in ``header`` (the markup under the headline)."""
    return (
        "<html lang='de'><head><meta charset='utf-8'><title>Stadt erweitert Busnetz - Stadtblatt</title>"
        "<meta property='og:site_name' content='Stadtblatt'></head><body><h1>Stadt erweitert Busnetz</h1>"
        f"{header}<article><p>{DE_PARA}</p><p>{DE_PARA}</p></article></body></html>"
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # the marker in one element, the names in the next (a link to the author's page)
        (
            "<p class='meta-info'>von <a href='/autoren/name/max-kolter'>Dr. Max Kolter</a></p>",
            "Dr. Max Kolter",
        ),
        ("<ul><li><strong>Autorin/Autor</strong> Roman Goncharenko</li></ul>", "Roman Goncharenko"),
        ("<li><span>von</span> <span class='typo-bold'>Jemima Kelly</span></li>", "Jemima Kelly"),
        ("<li>Von: <span><a href='/bill-mccarthy'>Bill  MCCARTHY</a>, </span></li>", "Bill MCCARTHY"),
        # template spellings of byline classes; one name per <span>, no separators
        (
            "<ul class='metaInfoAuthorList'><li><a href='/author/nflakin/'>Nathaniel Flakin</a></li></ul>",
            "Nathaniel Flakin",
        ),
        ("<div class='info'><div class='author-2'>Naufal Zuhdi</div></div>", "Naufal Zuhdi"),
        (
            "<div class='article-byline'><span>Birgit Baumann</span> <span>Anna Giulia Fink</span>"
            " <span>Jan Michael Marchart</span></div>",
            "Birgit Baumann, Anna Giulia Fink, Jan Michael Marchart",
        ),
        # not a byline: a picture's credit, a media box, contact links, a source or editors' line
        ("<div class='bildautor'>Bild: SN/APA/KEYSTONE/CYRIL ZINGARO</div>", None),
        ("<span class='mediaBox__byline text__byline'>| Roman Warschauer</span>", None),
        ("<div class='author-contact-wrapper'><a href='#'>Twitter</a> <a href='#'>Facebook</a></div>", None),
        ("<div class='author-links'>Twitter Facebook</div>", None),
        ("<div class='backlink__author'>Quelle: sid/dpa</div>", None),
        ("<p class='text__byline'>Redaktion: Roman Warschauer und Marcel Sommer Sendung: hr-INFO</p>", None),
        ("<div class='comment-author'><cite>Peter Miller</cite></div>", None),
        # a bare marker before a line that is no name
        ("<p>von</p><p>Berlin aus betrachtet</p>", None),
    ],
)
def test_bylines_in_template_markup(http_server: Serve, header: str, expected: str | None) -> None:
    assert fetch_and_extract(http_server, de_page(header)) == expected


@pytest.mark.parametrize(
    ("lang", "value", "expected"),
    [
        ("ja", "松岡大地", "松岡大地"),  # a Japanese name written without a space, in an author field
        ("ja", "毎日新聞", None),  # the newspaper
        ("ja", "政治部", None),  # a desk
        ("zh", "春江花月", None),  # the same shape on a Chinese page is any word: none
    ],
)
def test_japanese_names_without_a_space(
    http_server: Serve, lang: str, value: str, expected: str | None
) -> None:
    text = (
        "イスラエルとハマスの停戦交渉は最終段階に入ったと関係者が明らかにした。" if lang == "ja" else ZH_PARA
    )
    html = (
        f"<html lang='{lang}'><head><meta charset='utf-8'><title>停戦交渉 | 毎日新聞</title>"
        f"<meta name='cXenseParse:author' content='{value}'></head>"
        f"<body><h1>停戦交渉</h1><article><p>{text * 3}</p></article></body></html>"
    )
    assert fetch_and_extract(http_server, html) == expected
