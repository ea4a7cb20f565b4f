"""Feeds as sites really send them, served on loopback: zone-less dates, relative links with and
without xml:base, FeedBurner's origLink, items without a link, a feed cut off mid-item."""

from __future__ import annotations

from datetime import UTC, datetime

from article_etl import codes
from tests.fetch.routes.conftest import ROBOTS, Run

RSS = [("Content-Type", "application/rss+xml; charset=utf-8")]


def _rss(items: str, attrs: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"{attrs}><channel><title>t</title>'
        f"<link>http://x/</link><description>d</description>{items}</channel></rss>"
    ).encode()


def test_dates_without_a_zone_are_the_sources_local_time(http_server, run_route: Run) -> None:  # type: ignore[no-untyped-def]
    items = (
        "<item><title>a</title><link>/a.html</link><pubDate>Wed, 18 Nov 2026 07:30:00</pubDate></item>"
        "<item><title>b</title><link>/b.html</link><pubDate>Thu, 19 Nov 2026 07:30:00</pubDate></item>"
        "<item><title>c</title><link>/c.html</link><pubDate>Wed, 18 Nov 2026 07:30:00 +0000</pubDate></item>"
    )
    base = http_server({"/robots.txt": ROBOTS, "/rss.xml": (200, RSS, _rss(items))})
    result = run_route({"kind": "rss", "url": base + "/rss.xml"}, timezone="Asia/Shanghai")
    # a: 07:30 Beijing is 23:30 UTC on the 17th (another day); b: 23:30 UTC on the 18th (ours)
    assert [d.url for d in result.found] == [base + "/b.html", base + "/c.html"]
    assert result.found[0].listed_published_at == datetime(2026, 11, 18, 23, 30, tzinfo=UTC)
    assert result.found[1].listed_published_at == datetime(2026, 11, 18, 7, 30, tzinfo=UTC)


def test_atom_dates_without_an_offset_are_local_too(http_server, run_route: Run) -> None:  # type: ignore[no-untyped-def]
    atom = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        b'<entry><title>a</title><link href="/a.html"/><id>1</id><updated>2026-11-19T06:00:00</updated></entry>'
        b"</feed>"
    )
    base = http_server(
        {"/atom.xml": (200, [("Content-Type", "application/atom+xml")], atom), "/robots.txt": ROBOTS}
    )
    result = run_route({"kind": "rss", "url": base + "/atom.xml"}, timezone="Asia/Shanghai")
    assert [d.listed_published_at for d in result.found] == [datetime(2026, 11, 18, 22, 0, tzinfo=UTC)]


def test_relative_links_resolve_against_xml_base_or_the_feed_url(http_server, run_route: Run) -> None:  # type: ignore[no-untyped-def]
    date = "<pubDate>Wed, 18 Nov 2026 09:00:00 +0000</pubDate>"
    plain = f"<item><title>a</title><link>news/a.html</link>{date}</item>"
    based = f'<item xml:base="http://127.0.0.1:9/archive/"><title>b</title><link>b.html</link>{date}</item>'
    base = http_server({"/robots.txt": ROBOTS, "/feeds/rss.xml": (200, RSS, _rss(plain + based))})
    result = run_route({"kind": "rss", "url": base + "/feeds/rss.xml"})
    assert [d.url for d in result.found] == [base + "/feeds/news/a.html", "http://127.0.0.1:9/archive/b.html"]


def test_feedburner_origlink_is_preferred_to_the_redirect(http_server, run_route: Run) -> None:  # type: ignore[no-untyped-def]
    items = (
        "<item><title>a</title><link>http://feeds.feedburner.com/~r/site/~3/abc/</link>"
        "<feedburner:origLink>https://www.site.example/2026/11/18/story.html</feedburner:origLink>"
        "<pubDate>Wed, 18 Nov 2026 09:00:00 GMT</pubDate></item>"
    )
    body = _rss(items, ' xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"')
    base = http_server({"/robots.txt": ROBOTS, "/rss.xml": (200, RSS, body)})
    result = run_route({"kind": "rss", "url": base + "/rss.xml"})
    assert [d.url for d in result.found] == ["https://www.site.example/2026/11/18/story.html"]


def test_items_without_a_link_are_rejects_not_articles(http_server, run_route: Run) -> None:  # type: ignore[no-untyped-def]
    date = "<pubDate>Wed, 18 Nov 2026 09:00:00 GMT</pubDate>"
    items = (
        f"<item><title>with</title><link>/a.html</link>{date}</item>"
        f"<item><title>without</title><description>only text</description>{date}</item>"
        f"<item><title>empty</title><link>  </link>{date}</item>"
    )
    base = http_server({"/robots.txt": ROBOTS, "/rss.xml": (200, RSS, _rss(items))})
    result = run_route({"kind": "rss", "url": base + "/rss.xml"})
    assert [d.url for d in result.found] == [base + "/a.html"]
    assert [p.code for p in result.problems] == [codes.MISSING_URL, codes.MISSING_URL]
    assert "'without'" in result.problems[0].detail


def test_a_truncated_feed_gives_its_items_and_a_feed_parse_error(http_server, run_route: Run) -> None:  # type: ignore[no-untyped-def]
    date = "<pubDate>Wed, 18 Nov 2026 09:00:00 GMT</pubDate>"
    whole = _rss("".join(f"<item><title>{n}</title><link>/{n}.html</link>{date}</item>" for n in range(5)))
    cut = whole[: whole.index(b"<item><title>3")] + b"<item><title>3</title><li"  # mid-item, as a proxy cuts
    base = http_server({"/robots.txt": ROBOTS, "/rss.xml": (200, RSS, cut)})
    result = run_route({"kind": "rss", "url": base + "/rss.xml"})
    assert [d.url for d in result.found] == [base + f"/{n}.html" for n in range(3)]
    assert [p.code for p in result.problems] == [codes.FEED_PARSE_ERROR]
    assert "cut off" in result.problems[0].detail


def test_a_gbk_feed_without_a_declaration_is_decoded_by_the_projects_decoder(
    http_server, run_route: Run
) -> None:  # type: ignore[no-untyped-def]
    titles = ["市政府召开常务会议研究部署冬季供暖工作", "我县举办第三届农民丰收节暨特色农产品展销会"]
    items = "".join(
        f"<item><title>{t}</title><link>/{n}.html</link><pubDate>Wed, 18 Nov 2026 09:00:00 +0800</pubDate></item>"
        for n, t in enumerate(titles)
    )
    body = (
        f'<rss version="2.0"><channel><title>新闻</title><link>http://x/</link>{items}</channel></rss>'
    ).encode("gbk")
    base = http_server({"/robots.txt": ROBOTS, "/rss.xml": (200, [("Content-Type", "text/xml")], body)})
    result = run_route({"kind": "rss", "url": base + "/rss.xml"}, lang="zh")
    assert [d.listed_title for d in result.found] == titles
