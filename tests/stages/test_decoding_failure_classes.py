"""Decoding failure classes, one page each, served as a site serves them (real bytes on loopback)
through the discover, fetch and clean stages.

Each class from issue #9 either loads with the right text or is rejected for the right reason,
with the decoder's damage counted on the page (``Page.decode_damage``) and the article
(``Article.decode_damage``). The pages are built at test time from made-up Chinese, English,
Russian, Korean and Japanese text, each encoded the way the class needs, so each page's bytes
are exactly what the test says they are.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from article_etl import codes
from article_etl.config import Settings
from article_etl.records import Article, Page, Reject
from article_etl.run import Day
from article_etl.stages import clean, discover, fetch, validate
from article_etl.storage import Kind, RunPartition, Stage
from tests.conftest import serving
from tests.stages.helpers import distinct_paragraphs, rss

pytestmark = pytest.mark.timeout(120)

DAY = Day.of("2026-11-18", run_id="decoding")
PUBLISHED = "2026-11-18T09:00:00+08:00"

_ZH_WORDS = [
    "经济",
    "发展",
    "城市",
    "居民",
    "政府",
    "计划",
    "学校",
    "医院",
    "交通",
    "建设",
    "项目",
    "工作",
    "会议",
    "记者",
    "企业",
    "市场",
    "文化",
    "旅游",
    "农业",
    "科技",
    "环境",
    "社区",
    "服务",
    "安全",
    "教育",
    "人口",
    "公园",
    "铁路",
    "河流",
    "图书馆",
    "志愿者",
    "博物馆",
    "天气",
    "节日",
]


def zh_paragraphs(seed: object, count: int = 4) -> list[str]:
    """Made-up Chinese paragraphs, different for every seed (no two pages are near-duplicates)."""
    rng = random.Random(str(seed))
    return [
        "，".join("".join(rng.choice(_ZH_WORDS) for _ in range(4)) for _ in range(6)) + "。"
        for _ in range(count)
    ]


def _page(
    title: str,
    paragraphs: list[str],
    *,
    head: str = "",
    sidebar: str = "",
    footer: str = "",
    nav: tuple[str, str] = ("首页", "新闻"),
) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head>{head}<title>{title}</title>"
        f'<meta property="article:published_time" content="{PUBLISHED}"></head><body>'
        f'<div class="nav"><a href="/">{nav[0]}</a> <a href="/news">{nav[1]}</a></div>'
        f"<article><h1>{title}</h1>{body}</article>"
        f'<div class="sidebar"><ul>{sidebar}</ul></div><div class="footer">{footer}</div></body></html>'
    )


def _split(html: str, marker: str) -> tuple[str, str]:
    before, after = html.split(marker)
    return before, after


GB_META = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
HTML = [("Content-Type", "text/html")]


def truncated_gbk_in_sidebar() -> bytes:
    """A sidebar link whose last character lost its second byte (a CMS cut the title by bytes)."""
    html = _page(
        "市政府公布明年交通建设计划",
        zh_paragraphs("sidebar"),
        head=GB_META,
        sidebar="<li><a href='/a1'>社区服务中心开放</a></li><li><a href='/a2'>@CUT@</a></li>",
    )
    before, after = _split(html, "@CUT@")
    return before.encode("gbk") + "图书馆延长开放时间".encode("gbk")[:-1] + after.encode("gbk")


def twelve_broken_bytes_in_footer() -> bytes:
    html = _page(
        "博物馆举办传统节日文化展览", zh_paragraphs("footer"), head=GB_META, footer="版权所有 @BAD@ 联系我们"
    )
    before, after = _split(html, "@BAD@")
    return before.encode("gbk") + b"\xff" * 6 + b"\x81 \x82 \x83 \x84 \x85 \x86 " + after.encode("gbk")


def header_latin1_meta_gb2312() -> bytes:
    """The server says iso-8859-1 (its default), the page says gb2312 (true), and two bytes of a
    sidebar link are broken, so neither decodes the page strictly."""
    html = _page(
        "农业科技项目带动居民增收",
        zh_paragraphs("latin1"),
        head=GB_META,
        sidebar="<li><a href='/b1'>@BAD@环境保护</a></li>",
    )
    before, after = _split(html, "@BAD@")
    return before.encode("gbk") + b"\xfe\x20\xfe\x20" + after.encode("gbk")


def a3a0_in_body() -> bytes:
    """GBK's full-width space A3A0 indenting every paragraph, as Chinese CMSs do."""
    html = _page("铁路建设项目进入新阶段", ["@SP@@SP@" + p for p in zh_paragraphs("a3a0")], head=GB_META)
    return b"\xa3\xa0".join(part.encode("gbk") for part in html.split("@SP@"))


def truncated_gbk_in_body() -> bytes:
    """The same kind of damage as in the sidebar, but inside the article: a reject."""
    paragraphs = zh_paragraphs("in-body")
    paragraphs[1] = "@CUT@" + paragraphs[1]
    before, after = _split(_page("教育部门发布学校安全通知", paragraphs, head=GB_META), "@CUT@")
    return before.encode("gbk") + "记者".encode("gbk")[:-1] + after.encode("gbk")


def utf8_with_three_invalid_bytes() -> bytes:
    """An English page declared UTF-8, three stray bytes in one sentence ("council \\xed \\x80
    said"): one detector reads the page as windows-1251 and the damage as Cyrillic."""
    paragraphs = distinct_paragraphs("utf8-3", chars=600)
    paragraphs[0] = "The council @BAD@ said the new ferry timetable starts in winter. " + paragraphs[0]
    html = _page("Council approves winter ferry timetable", paragraphs, head='<meta charset="utf-8">')
    before, after = _split(html, "@BAD@")
    return before.encode() + b"\xed \x80 \xc0" + after.encode()


def utf16_without_bom() -> bytes:
    return _page("志愿者走进社区开展服务", zh_paragraphs("utf16")).encode("utf-16-le")


RU = (
    "Именно поэтому городской совет решил изменить расписание паромов. Министр транспорта заявил, "
    "что новые правила вступят в силу уже в следующем месяце, а именно с первого числа. "
)
KO = "정부는 오늘 국무회의를 열고 내년도 교통 예산안을 의결했다. 총지출은 올해보다 늘어났으며, 철도와 도로 분야의 예산이 크게 증가했다. "
JA = "政府は今日、来年度の交通予算案を閣議決定した。鉄道と道路の整備費が大きく増えた。国土交通省によると、工事は来春に始まる見通しだ。"


def clean_in(codec: str, meta: str, title: str, text: str) -> Callable[[], bytes]:
    def build() -> bytes:
        paragraphs = [text * 2, text, text * 3]
        return _page(title, paragraphs, head=f'<meta charset="{meta}">', nav=("Home", "News")).encode(codec)

    return build


def zh_with_code_listing() -> bytes:
    """A Chinese tutorial whose Python listing makes its letters only about 30% Chinese."""
    code = "\n".join(
        [
            "import json",
            "from pathlib import Path",
            "",
            "def load_articles(path: Path) -> list[dict]:",
            "    with path.open(encoding='utf-8') as handle:",
            "        return [json.loads(line) for line in handle if line.strip()]",
            "",
            "for article in load_articles(Path('articles.jsonl')):",
            "    print(article['title'], article['published_at'])",
        ]
    )
    intro = zh_paragraphs("code", count=2)
    html = _page("用程序读取新闻数据", intro, head='<meta charset="utf-8">')
    return html.replace(
        "</article>", f"<pre><code>{code}</code></pre><p>以上代码读取文件。</p></article>"
    ).encode()


PAGES: dict[str, tuple[Callable[[], bytes], list[tuple[str, str]]]] = {
    "sidebar.html": (truncated_gbk_in_sidebar, HTML),
    "footer.html": (twelve_broken_bytes_in_footer, HTML),
    "latin1.html": (header_latin1_meta_gb2312, [("Content-Type", "text/html; charset=iso-8859-1")]),
    "a3a0.html": (a3a0_in_body, HTML),
    "inbody.html": (truncated_gbk_in_body, HTML),
    "utf8.html": (utf8_with_three_invalid_bytes, [("Content-Type", "text/html; charset=utf-8")]),
    "utf16.html": (utf16_without_bom, HTML),
    "ru.html": (clean_in("cp1251", "windows-1251", "Городской совет изменил расписание паромов", RU), HTML),
    "ko.html": (clean_in("cp949", "euc-kr", "정부, 내년도 교통 예산안 의결", KO), HTML),
    "ja.html": (clean_in("cp932", "shift_jis", "来年度の交通予算案を閣議決定", JA), HTML),
    "code.html": (zh_with_code_listing, [("Content-Type", "text/html; charset=utf-8")]),
}


def _settings(feed: str) -> Settings:
    return Settings.model_validate(
        {
            "sources": [
                {
                    "id": "s",
                    "name": "S",
                    "lang": ["zh", "en", "ru", "ko", "ja"],
                    "timezone": "Asia/Shanghai",
                    "discovery": {"kind": "rss", "url": feed},
                }
            ],
            "checks": {"near_duplicate_max_distance": -1},
            "fetch": {
                "retries": 0,
                "allow_private_networks": ["127.0.0.1/32"],
                "per_host_delay_seconds": 0,
                "per_host_concurrency": 8,
            },
        }
    )


@pytest.fixture(scope="module")
def outcome(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, Page], dict[str, Article], dict[str, Reject]]:
    """Every page through discover, fetch, clean and validate once (validate runs the checks):
    (pages, articles, rejects) by file name."""
    routes: dict[str, tuple[int, list[tuple[str, str]], bytes]] = {}
    with serving(routes) as base:  # for the whole module: the pages go through the stages once
        routes.update({f"/{name}": (200, headers, build()) for name, (build, headers) in PAGES.items()})
        routes["/feed.xml"] = (
            200,
            [("Content-Type", "application/rss+xml")],
            rss([f"{base}/{n}" for n in PAGES]),
        )
        root = tmp_path_factory.mktemp("decoding")
        settings = _settings(f"{base}/feed.xml")
        for stage in (discover, fetch, clean, validate):
            stage.run(settings, "s", DAY, root)
    fetched = RunPartition.of(Stage.FETCH, DAY, "s", root).published()
    cleaned = RunPartition.of(Stage.CLEAN, DAY, "s", root).published()
    validated = RunPartition.of(Stage.VALIDATE, DAY, "s", root).published()

    def name(url: str) -> str:
        return url.rsplit("/", 1)[1]

    pages = {name(p.url): p for p in fetched.records(Kind.PAGES, Page)}
    articles = {name(a.url): a for a in validated.records(Kind.ARTICLES, Article)}
    rejects = {
        name(r.url): r for part in (fetched, cleaned, validated) for r in part.records(Kind.REJECTS, Reject)
    }
    return pages, articles, rejects


Outcome = tuple[dict[str, Page], dict[str, Article], dict[str, Reject]]


def _loaded(outcome: Outcome, name: str) -> tuple[Page, Article]:
    pages, articles, rejects = outcome
    assert name not in rejects, f"{name} was rejected: {rejects[name].reason}: {rejects[name].detail}"
    return pages[name], articles[name]


def test_a_truncated_character_in_a_sidebar_link_costs_one_character(outcome: Outcome) -> None:
    page, art = _loaded(outcome, "sidebar.html")
    assert (page.encoding, page.decode_damage, art.decode_damage) == ("gb18030", 1, 0)
    assert "1 broken byte sequence replaced with U+FFFD at byte" in page.encoding_note
    assert "图书馆延长开放时\ufffd</a>" in page.html  # the damage stays where it was
    assert art.title == "市政府公布明年交通建设计划"
    assert zh_paragraphs("sidebar")[0][:20] in (art.body or "")


def test_twelve_broken_bytes_outside_the_article_keep_it(outcome: Outcome) -> None:
    page, art = _loaded(outcome, "footer.html")
    assert (page.encoding, page.decode_damage, art.decode_damage) == ("gb18030", 12, 0)
    assert zh_paragraphs("footer")[-1][:20] in (art.body or "")


def test_the_meta_gb2312_beats_the_servers_iso_8859_1_default(outcome: Outcome) -> None:
    page, art = _loaded(outcome, "latin1.html")
    assert (page.encoding, page.encoding_method, page.decode_damage) == ("gb18030", "meta", 2)
    assert "declared iso-8859-1 overruled" in page.encoding_note
    assert art.title == "农业科技项目带动居民增收"


def test_a3a0_is_a_full_width_space_not_private_use(outcome: Outcome) -> None:
    page, art = _loaded(outcome, "a3a0.html")
    assert page.html.count("\u3000") == 8
    assert "\ue5e5" not in page.html
    assert "\ue5e5" not in (art.body or "")
    assert zh_paragraphs("a3a0")[2][:20] in (art.body or "")


def test_damage_inside_the_body_is_a_replacement_char_reject_with_its_count(outcome: Outcome) -> None:
    pages, articles, rejects = outcome
    assert pages["inbody.html"].decode_damage == 1
    assert "inbody.html" not in articles
    reject = rejects["inbody.html"]
    assert (reject.stage, reject.reason) == ("validate", codes.REPLACEMENT_CHAR)
    assert "body: 1 U+FFFD characters" in reject.detail


def test_utf8_with_three_invalid_bytes_stays_utf8_and_the_damage_is_its_reject(outcome: Outcome) -> None:
    pages, articles, rejects = outcome
    page = pages["utf8.html"]
    assert (page.encoding, page.encoding_method, page.decode_damage) == ("utf-8", "http", 3)
    assert "The council \ufffd \ufffd \ufffd said" in page.html  # not "council н Ђ said"
    assert rejects["utf8.html"].reason == codes.REPLACEMENT_CHAR
    assert "3 U+FFFD characters" in rejects["utf8.html"].detail
    assert "utf8.html" not in articles


def test_utf16_without_a_bom_loads(outcome: Outcome) -> None:
    page, art = _loaded(outcome, "utf16.html")
    assert (page.encoding, page.decode_damage) == ("utf-16-le", 0)
    assert art.title == "志愿者走进社区开展服务"


@pytest.mark.parametrize(
    ("name", "codec", "text"),
    [("ru.html", "cp1251", "именно"), ("ko.html", "cp949", "국무회의"), ("ja.html", "cp932", "閣議決定")],
)
def test_clean_russian_korean_and_japanese_pages_are_not_flagged(
    outcome: Outcome, name: str, codec: str, text: str
) -> None:
    page, art = _loaded(outcome, name)
    assert page.encoding == codec
    assert text in (art.body or "")
    assert art.decode_damage == 0


def test_a_chinese_article_with_a_code_listing_is_not_wrong_script(outcome: Outcome) -> None:
    _, art = _loaded(outcome, "code.html")
    assert art.title == "用程序读取新闻数据"


def test_nothing_is_lost(outcome: Outcome) -> None:
    pages, articles, rejects = outcome
    assert set(pages) | set(rejects) == set(PAGES)
    assert set(articles) | set(rejects) == set(PAGES)
