"""identity.canonical_url: the table of what becomes one key, and what must stay apart."""

from __future__ import annotations

import hashlib
import json

import pytest

from article_etl.identity import article_id, canonical_url
from bench.eval.fundus import fundus_dir

FUNDUS = fundus_dir()

CASES = [
    # fragment
    ("https://news.test/a.html#comments", "https://news.test/a.html"),
    ("https://news.test/a.html#utm_source=x", "https://news.test/a.html"),
    # tracking parameters, the rest sorted
    ("https://news.test/a?utm_source=x&id=5&fbclid=abc&b=2&a=1", "https://news.test/a?a=1&b=2&id=5"),
    ("https://news.test/a?gclid=1&msclkid=2&yclid=3&mc_cid=4&mc_eid=5&_ga=6&igshid=7", "https://news.test/a"),
    ("https://news.test/a?UTM_Medium=social&page=2", "https://news.test/a?page=2"),
    ("https://news.test/a?spm=1.2.3&share_token=x&from=timeline", "https://news.test/a"),
    # courlan's traps: these are not tracking parameters here
    (
        "https://news.test/a?refresh=1&source_id=7&ref=home",
        "https://news.test/a?ref=home&refresh=1&source_id=7",
    ),
    # default ports, host case, trailing dot, userinfo
    ("HTTPS://News.Test:443/A/B.html", "https://news.test/A/B.html"),
    ("http://news.test:80/a", "http://news.test/a"),
    ("http://news.test:443/a", "http://news.test:443/a"),
    ("https://news.test:8443/a", "https://news.test:8443/a"),
    ("https://news.test./a", "https://news.test/a"),
    ("https://news.test:/a", "https://news.test/a"),
    ("https://user@news.test/a", "https://news.test/a"),
    ("http://[::1]:80/a", "http://[::1]/a"),
    ("http://[2001:DB8::1]:8080/a", "http://[2001:db8::1]:8080/a"),
    # IDNA: Unicode hosts to punycode; punycode stays punycode (courlan decodes it)
    ("https://Bücher.test/Path/", "https://xn--bcher-kva.test/Path/"),
    ("https://xn--bcher-kva.test/Path/", "https://xn--bcher-kva.test/Path/"),
    ("https://新闻.中国/a.html", "https://xn--efvy88h.xn--fiqs8s/a.html"),
    # trailing slash: the root always has one, other paths are kept as served
    ("https://news.test", "https://news.test/"),
    ("https://news.test/", "https://news.test/"),
    ("https://news.test/section/", "https://news.test/section/"),
    ("https://news.test/section", "https://news.test/section"),
    # dot segments and percent-escapes (RFC 3986 6.2.2)
    ("https://news.test/a/../b/./c.html", "https://news.test/b/c.html"),
    ("https://news.test/a/b/..", "https://news.test/a/"),
    ("https://news.test/%7Euser/%e4%b8%ad.html", "https://news.test/~user/%E4%B8%AD.html"),
    ("https://news.test/%41rticle", "https://news.test/Article"),
    # kept as they are: the path's case, raw non-ASCII, inner whitespace (courlan deletes it)
    ("https://news.test/新闻/2026/a b.html", "https://news.test/新闻/2026/a b.html"),
    ("https://news.test/a.html?", "https://news.test/a.html"),
    ("  https://news.test/a.html \n", "https://news.test/a.html"),
]


@pytest.mark.parametrize(("given", "expected"), CASES)
def test_canonical_url(given: str, expected: str) -> None:
    assert canonical_url(given) == expected


@pytest.mark.parametrize("expected", [expected for _, expected in CASES])
def test_a_canonical_url_is_its_own_canonical_url(expected: str) -> None:
    assert canonical_url(expected) == expected


def test_url_variants_of_one_article_share_its_id() -> None:
    variants = [
        "https://news.test/2026/a.html",
        "HTTPS://NEWS.TEST:443/2026/a.html#top",
        "https://news.test/2026/./a.html?utm_campaign=x&fbclid=y",
        "https://news.test./2026/%61.html",
    ]
    assert len({article_id(canonical_url(v)) for v in variants}) == 1


def test_ids_of_urls_that_were_already_normal_are_unchanged() -> None:
    # The id is the sha1 of the canonical URL; for a URL already normal that is the URL itself,
    # as it was before the normalisation grew: existing warehouses key on these.
    for url in [
        "https://news.test/a.html",
        "http://news.test:8080/2026/11/18/?id=5&page=2",
        "https://news.test/",
    ]:
        assert article_id(canonical_url(url)) == hashlib.sha1(url.encode()).hexdigest()


def test_real_article_urls_keep_their_ids() -> None:
    """The 262 article URLs of the fundus set (many publishers and countries): every one without
    a query or fragment is its own canonical form (its id did not move), and the rest lose only
    what tracks the reader."""
    infos = sorted(FUNDUS.glob("*/meta.info"))
    if not infos:
        pytest.skip(f"the fundus dataset is not at {FUNDUS}")
    urls = [entry["url"] for info in infos for entry in json.loads(info.read_text()).values()]
    plain = [u for u in urls if "?" not in u and "#" not in u]
    assert len(plain) > 200
    assert [u for u in plain if canonical_url(u) != u] == []
    for url in urls:
        canonical = canonical_url(url)
        assert canonical_url(canonical) == canonical
        assert "utm_" not in canonical
        assert "wt_mc" not in canonical
        assert "#" not in canonical
    heise = next(u for u in urls if "heise.de" in u and "?" in u)
    assert canonical_url(heise).endswith(".html?seite=all")


def test_never_raises_on_a_broken_url() -> None:
    for broken in ["", "not a url", "http://[::1/a", "https://news.test:99999999/a", "//x", "?a=1"]:
        assert isinstance(canonical_url(broken), str)
