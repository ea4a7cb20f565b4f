"""Listing pages against loopback sites: a Chinese regional site in GBK with ten pages of
pagination and dates only on the articles (the article's own date decides the window at clean),
and an English listing with a date beside each link (reading stops at a page wholly older than
the day)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from article_etl import codes
from article_etl.config import Settings, Source
from article_etl.records import Article, Discovered, Reject
from article_etl.run import Day
from article_etl.stages import clean, discover, fetch, validate
from article_etl.storage import Kind, RunPartition, Stage
from tests.fetch.routes.conftest import ROBOTS, Run

pytestmark = pytest.mark.timeout(120)

WORDS = [
    "经济",
    "发展",
    "城市",
    "建设",
    "交通",
    "教育",
    "医疗",
    "文化",
    "旅游",
    "农业",
    "科技",
    "企业",
    "项目",
    "群众",
    "服务",
    "工作",
    "会议",
    "政府",
    "社区",
    "学校",
    "公园",
    "道路",
    "环境",
    "保护",
    "安全",
    "生产",
    "市场",
    "投资",
    "就业",
    "居民",
]
HTML = [("Content-Type", "text/html")]  # no charset: the page's <meta> says gbk
PER_PAGE = 3
PAGES = 12  # two more than the limit: the limit is what stops the reading
IN_DAY = {1, 2, 3, 4, 5, 6, 7}  # article numbers published on 2026-11-18, Beijing time


def _text(seed: int) -> str:
    rng = random.Random(seed)
    return "".join("".join(rng.choice(WORDS) for _ in range(18)) + "。" for _ in range(12))


def _article(n: int) -> bytes:
    day = "2026-11-18 10:00" if n in IN_DAY else f"2026-10-{n % 28 + 1:02d} 10:00"
    iso = day.replace(" ", "T") + ":00+08:00"
    paragraphs = "".join(f"<p>{_text(n * 100 + i)}</p>" for i in range(3))
    return (
        (
            '<html><head><meta charset="gbk"><title>本市新闻第{n}号_某某网</title>'
            f'<meta property="article:published_time" content="{iso}"></head><body>'
            f'<div class="nav"><a href="/">首页</a></div><h1>本市新闻第{n}号</h1>'
            f'<div class="info">发布时间：{day}</div><div class="content">{paragraphs}</div></body></html>'
        )
        .replace("{n}", str(n))
        .encode("gbk")
    )


def _listing(page: int) -> bytes:
    first = (page - 1) * PER_PAGE + 1
    links = "".join(
        f'<li><a href="/news/{n}.html">本市新闻第{n}号</a></li>' for n in range(first, first + PER_PAGE)
    )
    nxt = f'<a class="next" href="list_{page + 1}.html">下一页</a>' if page < PAGES else ""
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        f'<title>本地新闻</title></head><body><ul class="list">{links}</ul>'
        f'<div class="page"><a href="list_1.html">首页</a>{nxt}</div></body></html>'
    ).encode("gbk")


def _gbk_site() -> dict[str, Any]:
    routes: dict[str, Any] = {"/robots.txt": ROBOTS}
    for page in range(1, PAGES + 1):
        routes[f"/news/list_{page}.html"] = (200, HTML, _listing(page))
    for n in range(1, PAGES * PER_PAGE + 1):
        routes[f"/news/{n}.html"] = (200, HTML, _article(n))
    return routes


def test_a_gbk_listing_is_followed_by_its_next_link_up_to_the_page_limit(http_server, run_route: Run) -> None:  # type: ignore[no-untyped-def]
    base = http_server(_gbk_site())
    config = {"kind": "listing", "url": base + "/news/list_1.html", "links": "ul.list a", "next": "a.next"}
    result = run_route(config, lang="zh")
    assert [d.url for d in result.found] == [base + f"/news/{n}.html" for n in range(1, 31)]
    assert result.found[0].listed_title == "本市新闻第1号"  # decoded from GBK
    assert all(d.listed_published_at is None for d in result.found)
    assert result.problems == []


def test_a_page_number_pattern_reads_the_same_pages(http_server, run_route: Run) -> None:  # type: ignore[no-untyped-def]
    base = http_server(_gbk_site())
    config = {
        "kind": "listing",
        "url": base + "/news/list_1.html",
        "links": "ul.list a",
        "page_url": "/news/list_{page}.html",
        "max_pages": 4,
    }
    assert len(run_route(config, lang="zh").found) == 4 * PER_PAGE


def test_without_listing_dates_the_articles_own_date_decides_the_window(http_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base = http_server(_gbk_site())
    settings = Settings.model_validate(
        {
            "sources": [
                {
                    "id": "gbk",
                    "name": "GBK listing",
                    "lang": "zh",
                    "discovery": {
                        "kind": "listing",
                        "url": base + "/news/list_1.html",
                        "links": "ul.list a",
                        "next": "a.next",
                    },
                }
            ],
            "checks": {"published_tolerance_hours": 0},
            "fetch": {
                "allow_private_networks": ["127.0.0.1/32"],
                "per_host_delay_seconds": 0,
                "per_host_concurrency": 4,
                "retries": 0,
            },
        }
    )
    day = Day.of("2026-11-18", run_id="listing")
    for stage in (discover, fetch, clean, validate):  # validate runs the checks, the window among them
        stage.run(settings, "gbk", day, tmp_path)
    found = RunPartition.of(Stage.DISCOVER, day, "gbk", tmp_path).published()
    assert len(list(found.records(Kind.URLS, Discovered))) == 30
    validated = RunPartition.of(Stage.VALIDATE, day, "gbk", tmp_path).published()
    kept = sorted(a.url for a in validated.records(Kind.ARTICLES, Article))
    assert kept == sorted(base + f"/news/{n}.html" for n in IN_DAY)
    rejects = list(validated.records(Kind.REJECTS, Reject))
    assert {r.reason for r in rejects} == {codes.OUT_OF_WINDOW}
    assert len(rejects) == 30 - len(IN_DAY)


def _dated_listing(page: int, days: list[str]) -> bytes:
    items = "".join(
        f'<div class="item"><a href="/p{page}-{i}">Story {page}-{i}</a><span class="d">{d}</span></div>'
        for i, d in enumerate(days)
    )
    return f'<html><body>{items}<a rel="next" href="?page={page + 1}">Next</a></body></html>'.encode()


def test_dates_beside_links_stop_the_reading_at_a_page_older_than_the_day(
    http_server, run_route: Run
) -> None:  # type: ignore[no-untyped-def]
    pages = {
        1: ["2026-11-19 08:00", "2026-11-18 22:00"],  # 22:00 Beijing is 14:00 UTC: in the day
        2: ["2026-11-18 09:00", "2026-11-18 07:30"],  # 07:30 Beijing is 23:30 UTC the day before
        3: ["2026-11-16 10:00", "2026-11-15 10:00"],  # wholly older: the last page read
        4: ["2026-11-18 10:00", "2026-11-18 09:00"],  # never read
    }
    routes: dict[str, Any] = {"/robots.txt": ROBOTS, "/list": (200, HTML, _dated_listing(1, pages[1]))}
    for page in (2, 3, 4):
        routes[f"/list?page={page}"] = (200, HTML, _dated_listing(page, pages[page]))
    base = http_server(routes)
    config = {
        "kind": "listing",
        "url": base + "/list",
        "item": "div.item",
        "links": "a",
        "date": "span.d",
        "next": "a[rel=next]",
    }
    result = run_route(config, timezone="Asia/Shanghai")
    assert [d.url for d in result.found] == [base + "/p1-1", base + "/p2-0"]
    assert result.found[1].listed_published_at is not None
    assert result.found[1].listed_published_at.hour == 1  # 09:00 Beijing


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"links": "ul >> a"}, "links 'ul >> a' is not a CSS selector"),
        ({"next": "a.next", "page_url": "/l_{page}"}, "not both"),
        ({"page_url": "/list.html"}, "no {page} placeholder"),
        ({"date": "span"}, "date needs item"),
    ],
)
def test_listing_config_errors_name_the_field(extra: dict[str, str], message: str) -> None:
    values = {"kind": "listing", "url": "http://news.example/list", "links": "a"} | extra
    with pytest.raises(ValueError, match=message):
        Source.model_validate({"id": "s", "name": "S", "discovery": values})


def test_a_later_page_that_fails_is_one_reject_and_ends_the_reading(http_server, run_route: Run) -> None:  # type: ignore[no-untyped-def]
    routes = _gbk_site()
    del routes["/news/list_3.html"]  # 404 from page 3 on
    routes["/robots.txt"] = (
        200,
        [("Content-Type", "text/plain")],
        b"User-agent: *\nDisallow: /news/list_2.html\n",
    )
    base = http_server(routes)
    config = {"kind": "listing", "url": base + "/news/list_1.html", "links": "ul.list a", "next": "a.next"}
    result = run_route(config, lang="zh")
    assert [d.url for d in result.found] == [base + f"/news/{n}.html" for n in range(1, 4)]
    assert [(p.ref, p.code) for p in result.problems] == [
        (base + "/news/list_2.html", codes.ROBOTS_DISALLOWED)
    ]
    del routes["/robots.txt"]  # robots.txt 404: everything allowed; page 3 answers 404
    assert [p.code for p in run_route(config, lang="zh").problems] == [codes.HTTP_STATUS]
