"""The demo news site over real HTTP on loopback: what a crawler actually receives."""

from __future__ import annotations

import calendar
import html
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
import requests
from lxml import etree
from lxml import html as lxml_html

from article_etl.demo.catalog import BOILERPLATE_MARKERS, DEMO_DAY, SOURCES, DemoArticle, catalog
from article_etl.demo.site import running_site
from article_etl.demo.templates import en_date, zh_date

START = datetime(DEMO_DAY.year, DEMO_DAY.month, DEMO_DAY.day, tzinfo=UTC)
END = START + timedelta(days=1)
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_site() as url:
        yield url


def _get(base_url: str, path: str) -> requests.Response:
    return requests.get(base_url + path, timeout=10)


def _text(art: DemoArticle, resp: requests.Response) -> str:
    return html.unescape(resp.content.decode(SOURCES[art.source_id].charset))


def _served(case: str | None = None) -> list[DemoArticle]:
    return [a for a in catalog() if a.case != "not_found" and (case is None or a.case == case)]


def test_gbk_pages_name_no_charset_in_the_header_and_are_gbk(base_url: str) -> None:
    pages = [a for a in _served() if a.source_id == "xijiang"]
    assert pages
    for art in pages:
        resp = _get(base_url, art.url_path)
        assert resp.status_code == 200
        assert resp.headers["Content-Type"] == "text/html"
        text = resp.content.decode("gbk")
        assert 'content="text/html; charset=gb2312"' in text
        with pytest.raises(UnicodeDecodeError):
            resp.content.decode("utf-8")


def test_the_meta_charset_is_a_half_lie(base_url: str) -> None:
    """At least one demo-day page decodes as GBK but not as the GB2312 its <meta> claims."""
    failing = []
    for art in _served("ok"):
        if art.source_id == "xijiang" and START <= art.published_at < END:
            body = _get(base_url, art.url_path).content
            try:
                body.decode("gb2312")
            except UnicodeDecodeError:
                failing.append(art.url_path)
    assert failing


def test_utf8_sites_say_so(base_url: str) -> None:
    for art in _served():
        if SOURCES[art.source_id].charset == "utf-8":
            resp = _get(base_url, art.url_path)
            assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
            resp.content.decode("utf-8")


@pytest.mark.parametrize("source_id", [s.id for s in SOURCES.values() if s.discovery_kind == "rss"])
def test_rss_feeds_list_every_article_with_its_date(base_url: str, source_id: str) -> None:
    src = SOURCES[source_id]
    feed = feedparser.parse(_get(base_url, src.discovery_path).content)
    assert not feed.bozo, feed.get("bozo_exception")
    listed = {}
    for entry in feed.entries:
        when = datetime.fromtimestamp(calendar.timegm(entry.published_parsed), tz=UTC)
        listed[entry.link.removeprefix(base_url)] = (when, entry.get("title"))
    expected = {a.url_path: a for a in catalog() if a.source_id == source_id}
    assert set(listed) == set(expected)
    for path, (when, title) in listed.items():
        assert when == expected[path].published_at, path
        assert title == expected[path].title, path
    day = [p for p, (when, _) in listed.items() if START <= when < END and expected[p].case == "ok"]
    assert len(day) >= 3


def test_the_sitemap_lists_every_article_with_its_date(base_url: str) -> None:
    src = SOURCES["luoyang"]
    root = etree.fromstring(_get(base_url, src.discovery_path).content)
    assert root.tag == f"{SM}urlset"
    expected = {a.url_path: a for a in catalog() if a.source_id == "luoyang"}
    seen = set()
    for node in root.iter(f"{SM}url"):
        path = (node.findtext(f"{SM}loc") or "").removeprefix(base_url)
        stamp = node.findtext(f"{NEWS}news/{NEWS}publication_date") or node.findtext(f"{SM}lastmod")
        assert stamp, path
        assert datetime.fromisoformat(stamp) == expected[path].published_at, path
        title = node.findtext(f"{NEWS}news/{NEWS}title")
        assert title == expected[path].title or title is None, path
        seen.add(path)
    assert seen == set(expected)
    kinds = {a.sitemap_date for a in expected.values()}
    assert kinds == {"news", "lastmod"}


def test_the_missing_article_is_a_404(base_url: str) -> None:
    missing = [a for a in catalog() if a.case == "not_found"]
    assert missing
    for art in missing:
        assert _get(base_url, art.url_path).status_code == 404
    assert _get(base_url, "/luoyang/no/such/page.htm").status_code == 404
    assert _get(base_url, "/nowhere").status_code == 404


def test_catalogue_and_pages_agree(base_url: str) -> None:
    for art in _served():
        resp = _get(base_url, art.url_path)
        assert resp.status_code == 200, art.url_path
        text = _text(art, resp)
        if art.title:
            assert art.title in text, art.url_path
        for paragraph in art.paragraphs:
            assert paragraph in text, (art.url_path, paragraph[:20])
        shown = (
            en_date(art.local_published)
            if SOURCES[art.source_id].lang == "en"
            else zh_date(art.local_published)
        )
        assert shown in text, art.url_path
        if art.byline:
            assert art.byline in text, art.url_path
        if art.author:
            assert art.author.split()[0].split(",")[0] in text, art.url_path


def test_the_page_without_a_title_has_none_anywhere(base_url: str) -> None:
    for art in _served("missing_title"):
        tree = lxml_html.fromstring(_get(base_url, art.url_path).content)
        assert not tree.xpath("//title | //h1 | //meta[@property='og:title']")
        assert "headline" not in "".join(tree.xpath("//script/text()"))
        assert len(tree.xpath("//p")) >= 5


def test_the_duplicate_is_the_same_page_without_a_canonical_link(base_url: str) -> None:
    for art in _served("duplicate"):
        dup = _get(base_url, art.url_path).content
        original = _get(base_url, str(art.duplicate_of)).content
        assert dup == original
        assert b'rel="canonical"' not in dup


def test_the_corrupted_page_shows_seed_000(base_url: str) -> None:
    for art in _served("corrupted"):
        text = _text(art, _get(base_url, art.url_path))
        assert "源城區(qū)" in text
        assert "勇?lián)" in text


def _visible(art: DemoArticle, resp: requests.Response) -> str:
    return str(lxml_html.fromstring(resp.content.decode(SOURCES[art.source_id].charset)).text_content())


def test_furniture_is_on_the_pages(base_url: str) -> None:
    """Each marker is visible text on the site, so "not in the body" is a real test of cleaning."""
    for source_id, markers in BOILERPLATE_MARKERS.items():
        pages = "".join(
            _visible(a, _get(base_url, a.url_path)) for a in _served() if a.source_id == source_id
        )
        for marker in markers:
            assert marker in pages, (source_id, marker)


def test_feed_links_follow_the_host_the_client_used(base_url: str) -> None:
    resp = requests.get(base_url + "/harbor/feed.xml", headers={"Host": "demo.example:8000"}, timeout=10)
    feed = feedparser.parse(resp.content)
    assert feed.entries
    assert all(e.link.startswith("http://demo.example:8000/harbor/") for e in feed.entries)


def test_head_and_indexes(base_url: str) -> None:
    head = requests.head(base_url + "/harbor/feed.xml", timeout=10)
    assert head.status_code == 200
    assert int(head.headers["Content-Length"]) > 0
    home = _get(base_url, "/")
    for src in SOURCES.values():
        assert f"/{src.id}/" in home.text
        assert _get(base_url, f"/{src.id}").status_code == 200
