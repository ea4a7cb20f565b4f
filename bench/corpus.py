"""A whole day of N article pages for `make bench`, built from the demo site's templates.

Nothing is held in memory or on disk: page ``i`` is rendered when it is requested, from a random
generator seeded by ``(seed, i)``, so N = 100,000 costs the same memory as N = 30 and two runs
with one seed serve the same bytes. Four sites share the pages round-robin, each with its own
template, codec and listing, as the demo's sites differ:

- ``gbk``: the CmsTop-like paper (news and e-paper pages), GBK bytes, no charset in the HTTP
  header and a ``gb2312`` meta that half-lies; listed by one RSS feed;
- ``big5``: the same paper's template in traditional Chinese, Big5 bytes; a sitemap index;
- ``utf8``: the county portal (byline in the breadcrumb, login box), UTF-8; a sitemap index;
- ``en``: the English local paper (cookie banner, newsletter, related stories); a sitemap index.

Sentences come from the demo's own texts (``include/demo``: the seed pages and the English
articles), shuffled per page so no two bodies are near-duplicates by accident. A share of pages
is bad on purpose, each kind of bad the pipeline must quarantine: 404s, pages without a title,
corrupted text (pinyin annotations, replacement characters), duplicates of another URL, bodies
too short to be an article, and pages whose own date is days before the listed one.

    python -m bench.corpus serve N [SEED]   # prints the base URL; serves until stdin closes
"""

from __future__ import annotations

import random
import re
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal
from xml.sax.saxutils import escape

import yaml

from article_etl.demo import templates
from article_etl.demo.catalog import ARTICLES_FILE, SEEDS_DIR, DemoArticle, DemoSource

DS = "2026-11-18"
DAY_START = datetime(2026, 11, 18, tzinfo=UTC)
CHILD_SITEMAP_URLS = 2_000  # URLs per child sitemap (the protocol allows 50,000; sites use fewer)

Case = Literal["ok", "not_found", "missing_title", "corrupted", "duplicate", "short", "old_date"]
# The share of each bad case (the rest is "ok"): ~9% of a day is for the rejects table.
BAD_SHARES: tuple[tuple[Case, float], ...] = (
    ("not_found", 0.02),
    ("missing_title", 0.01),
    ("corrupted", 0.015),
    ("duplicate", 0.02),
    ("short", 0.01),
    ("old_date", 0.015),
)


@dataclass(frozen=True)
class BenchSite:
    """One site of the corpus: the demo template it borrows, its codec and its listing."""

    id: str
    name: str
    lang: str
    timezone: str
    charset: str
    declared_charset: str
    header_charset: str | None
    template: Literal["xijiang", "luoyang", "harbor"]
    pool: Literal["zh", "hant", "en"]
    route: Literal["rss", "sitemap"]

    @property
    def demo_source(self) -> DemoSource:
        kind: Literal["rss", "sitemap"] = self.route
        return DemoSource(
            self.id,
            self.name,
            self.lang,
            self.timezone,
            self.charset,
            self.declared_charset,
            kind,
            self.listing_path,
        )

    @property
    def listing_path(self) -> str:
        return f"/{self.id}/feed.xml" if self.route == "rss" else f"/{self.id}/sitemap.xml"


SITES: tuple[BenchSite, ...] = (
    BenchSite("gbk", "西江网 (bench; GBK)", "zh", "Asia/Shanghai", "gbk", "gb2312", None, "xijiang", "zh", "rss"),
    BenchSite("big5", "西江網 (bench; Big5)", "zh", "Asia/Taipei", "big5", "big5", None, "xijiang", "hant", "sitemap"),
    BenchSite("utf8", "洛阳网 (bench; UTF-8)", "zh", "Asia/Shanghai", "utf-8", "utf-8", "utf-8", "luoyang", "zh", "sitemap"),
    BenchSite("en", "The Harbor Ledger (bench)", "en", "America/New_York", "utf-8", "utf-8", "utf-8", "harbor", "en", "sitemap"),
)  # fmt: skip
SITE_BY_ID = {s.id: s for s in SITES}

_PINYIN_NOTE = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
# Seed lines that are the crawled page's furniture, not its story.
_FURNITURE = re.compile("许可证|版权|ICP|电话|编号|地址|邮编|举报|声明|转载")
_ZH_NAMES = (
    "王永强",
    "赵祖轩",
    "黎镕",
    "陈喆",
    "王嘉晨",
    "李小梅",
    "张伟",
    "刘洋",
    "陈晓",
    "杨帆",
    "黄婷",
    "周杰",
)
_HANT_NAMES = ("鄭婷影", "張新雨", "林志明", "陳美玲", "黃國華", "吳佩珊")
_EN_NAMES = ("Jane Doe", "Marcus Webb", "Priya Natarajan", "Tom O'Neill", "Ana Lucia Reyes", "Sam Carter")


def _sentences(text: str, lang: str) -> list[str]:
    pattern = r"(?<=[.!?])\s+" if lang == "en" else r"(?<=[。!?!?;；])"
    parts = re.split(pattern, text)
    return [p.strip() for p in parts if len(p.strip()) >= (30 if lang == "en" else 12)]


@cache
def pools() -> dict[str, tuple[str, ...]]:
    """Sentences per pool: simplified Chinese (seed pages 001-004), traditional Chinese (seed 000
    without its pinyin notes) and English (the demo's English articles)."""
    zh: list[str] = []
    for seed in sorted(SEEDS_DIR.glob("00[1-4]_*.txt")):
        for line in seed.read_text(encoding="utf-8").splitlines():
            if len(line.strip()) >= 40 and not _FURNITURE.search(line):
                zh.extend(_sentences(line, "zh"))
    hant: list[str] = []
    raw_hant = (next(SEEDS_DIR.glob("000_*.txt"))).read_text(encoding="utf-8")
    for line in raw_hant.splitlines():
        if len(line.strip()) >= 40:
            hant.extend(_sentences(_PINYIN_NOTE.sub("", line), "zh"))
    entries = yaml.safe_load(ARTICLES_FILE.read_text(encoding="utf-8"))["articles"]
    en = [
        s
        for e in entries
        if e["source"] == "harbor"
        for p in e.get("paragraphs") or []
        for s in _sentences(p, "en")
    ]
    return {
        "zh": tuple(dict.fromkeys(zh)),
        "hant": tuple(dict.fromkeys(hant)),
        "en": tuple(dict.fromkeys(en)),
    }


@cache
def _corrupted_hant() -> tuple[str, ...]:
    """Seed 000's lines as the crawler saved them: traditional text with pinyin notes, 區(qū)."""
    raw = (next(SEEDS_DIR.glob("000_*.txt"))).read_text(encoding="utf-8")
    return tuple(line.strip() for line in raw.splitlines() if _PINYIN_NOTE.search(line) and len(line) > 60)


@dataclass(frozen=True)
class CorpusPage:
    """Page ``index`` of the day: the site, what it is meant to be, and the article behind it."""

    index: int
    site: BenchSite
    case: Case
    article: DemoArticle
    listed_at: datetime  # what the listing says (the page itself may print another time)

    @property
    def path(self) -> str:
        return page_path(self.site, self.index)


def page_path(site: BenchSite, index: int) -> str:
    return f"/{site.id}/a/{index}.html"


def site_of(index: int) -> BenchSite:
    return SITES[index % len(SITES)]


def indices_of(site: BenchSite, n: int) -> range:
    """The page indices of ``site`` in a day of ``n`` pages."""
    return range(SITES.index(site), n, len(SITES))


def _case(rng: random.Random) -> Case:
    roll = rng.random()
    for case, share in BAD_SHARES:
        if roll < share:
            return case
        roll -= share
    return "ok"


_ZH_PLACES = (
    "端州区",
    "鼎湖区",
    "高要区",
    "四会市",
    "广宁县",
    "德庆县",
    "封开县",
    "怀集县",
    "孟津区",
    "嵩县",
    "栾川县",
)
_ZH_THINGS = ("个项目", "户居民", "名志愿者", "公里道路", "所学校", "家企业", "个村居", "场活动")
_EN_PLACES = ("Harbor Street", "the east pier", "Mill Creek", "the old cannery", "Route 9", "Bay View")
_EN_THINGS = ("households", "students", "volunteers", "new jobs", "parking spaces", "trees", "boats")


def _fact(rng: random.Random, lang: str) -> str:
    """A sentence with figures of its own, so that two pages drawn from one pool still differ
    (the clean stage's SimHash would take near-identical bodies for one story)."""
    if lang == "en":
        return (
            f"Officials said {rng.randint(12, 9_000):,} {rng.choice(_EN_THINGS)} near {rng.choice(_EN_PLACES)} "
            f"were counted by {rng.choice(('Monday', 'Tuesday', 'Friday'))}, {rng.randint(2, 97)} percent more than planned."
        )
    return (
        f"截至{rng.randint(1, 12)}月{rng.randint(1, 28)}日，{rng.choice(_ZH_PLACES)}已完成"
        f"{rng.randint(12, 9_000)}{rng.choice(_ZH_THINGS)}，完成率{rng.randint(2, 97)}%。"
    )


def _paragraphs(rng: random.Random, pool: tuple[str, ...], lang: str) -> list[str]:
    sep = " " if lang == "en" else ""
    count = rng.randint(4, 10)
    return [sep.join([*rng.sample(pool, rng.randint(2, 4)), _fact(rng, lang)]) for _ in range(count)]


def _title(rng: random.Random, pool: tuple[str, ...], lang: str) -> str:
    sentence = rng.choice(pool)
    if lang == "en":
        words = sentence.rstrip(".").split()
        return " ".join(words[: rng.randint(6, 11)]).strip(",;:")
    head = re.split(r"[,，、;；。:：]", sentence)[0]
    return head[: rng.randint(12, 26)]


def page(seed: int, n: int, index: int) -> CorpusPage:
    """Page ``index`` of the day of ``n`` pages made from ``seed``; pure and cheap (~0.1 ms)."""
    site = site_of(index)
    rng = random.Random(seed * 1_000_003 + index)
    case = _case(rng)
    if case == "duplicate" and index >= len(SITES):
        # The same article as the site's previous page, at a second URL (a syndicated repost).
        original = page(seed, n, index - len(SITES))
        if original.case == "ok":
            listed = DAY_START + timedelta(seconds=int((index + 0.5) * 86_400 / n))
            return CorpusPage(index, site, "duplicate", original.article, listed)
        case = "ok"
    elif case == "duplicate":
        case = "ok"
    pool = pools()[site.pool]
    lang = site.lang
    listed = DAY_START + timedelta(seconds=int((index + 0.5) * 86_400 / n))
    printed = listed - timedelta(days=3) if case == "old_date" else listed
    paragraphs = _paragraphs(rng, pool, lang)
    if case == "short":
        paragraphs = [rng.choice(pool)[:60]]
    elif case == "corrupted":
        if site.pool == "en":
            paragraphs = [p.replace("e", "\ufffd", 3) for p in paragraphs]
        else:
            paragraphs[1:3] = list(rng.sample(_corrupted_hant(), 2))
    names = {"zh": _ZH_NAMES, "hant": _HANT_NAMES, "en": _EN_NAMES}[site.pool]
    author = rng.choice(names)
    byline = f"By {author}" if lang == "en" else f"记者 {author}"
    style = {"xijiang": "epaper" if rng.random() < 0.2 else "news", "luoyang": "county", "harbor": "story"}
    article = DemoArticle(
        source_id=site.template,
        url_path=page_path(site, index),
        title=None if case == "missing_title" else _title(rng, pool, lang),
        author=author,
        published_at=printed,
        paragraphs=paragraphs,
        case="ok",
        byline=byline,
        style=style[site.template],
        meta=rng.choice(((), ("og",), ("jsonld",), ("og", "jsonld"))),
        section=rng.choice(("News", "Waterfront", "Schools"))
        if lang == "en"
        else rng.choice(("要闻", "本地", "县区")),
        summary=paragraphs[0][:80] if rng.random() < 0.3 else None,
        overline=None,
        subtitle=None,
    )
    return CorpusPage(index, site, case, article, listed)


def render(p: CorpusPage) -> tuple[int, str, bytes]:
    """(status, Content-Type, body) of a page, encoded as its site encodes."""
    site, art = p.site, p.article
    src = site.demo_source
    if p.case == "not_found":
        html = templates.not_found_page("zh" if site.lang == "zh" else "en", site.declared_charset)
        status = 404
    elif site.template == "xijiang" and art.style == "epaper":
        html = templates.xijiang_epaper(art, src, ["多措并举保安全", "抓实教育 筑牢防线"])
        status = 200
    elif site.template == "xijiang":
        html = templates.xijiang_news(art, src)
        status = 200
    elif site.template == "luoyang":
        html = templates.luoyang_county(art, src)
        status = 200
    else:
        html = templates.harbor_story(art, src, [])
        status = 200
    ctype = f"text/html; charset={site.header_charset}" if site.header_charset else "text/html"
    # Characters the codec lacks (the simplified furniture on the Big5 site) become character
    # references, as real sites' CMSs write them.
    return status, ctype, html.encode(site.charset, "xmlcharrefreplace")


def rss(seed: int, n: int, site: BenchSite, base: str) -> bytes:
    """The site's RSS feed: every page of the day, newest first, in the site's codec."""
    items = []
    for index in reversed(indices_of(site, n)):
        p = page(seed, n, index)
        title = f"<title>{escape(p.article.title)}</title>" if p.article.title else ""
        link = escape(base + p.path)
        items.append(
            f"<item>{title}<link>{link}</link><pubDate>{format_datetime(p.listed_at.astimezone(p.article.local_published.tzinfo))}</pubDate>"
            f'<guid isPermaLink="true">{link}</guid></item>'
        )
    body = "\n".join(items)
    xml = (
        f'<?xml version="1.0" encoding="{site.charset}"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(site.name)}</title><link>{base}/{site.id}/</link><description>bench</description>\n"
        f"{body}\n</channel></rss>\n"
    )
    return xml.encode(site.charset, "xmlcharrefreplace")


def sitemap_index(n: int, site: BenchSite, base: str) -> bytes:
    """A sitemap index pointing at the site's child sitemaps of CHILD_SITEMAP_URLS URLs each."""
    count = max(1, -(-len(indices_of(site, n)) // CHILD_SITEMAP_URLS))
    children = "".join(
        f"<sitemap><loc>{base}/{site.id}/sitemap-{k}.xml</loc></sitemap>" for k in range(count)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}</sitemapindex>\n'
    ).encode()


def child_sitemap(seed: int, n: int, site: BenchSite, base: str, k: int) -> bytes | None:
    """Child sitemap ``k`` (Google News tags), or None past the last."""
    indices = indices_of(site, n)[k * CHILD_SITEMAP_URLS : (k + 1) * CHILD_SITEMAP_URLS]
    if k < 0 or not indices:
        return None
    urls = []
    for index in indices:
        p = page(seed, n, index)
        when = p.listed_at.astimezone(p.article.local_published.tzinfo).isoformat()
        loc = f"<loc>{escape(base + p.path)}</loc>"
        if not p.article.title:
            urls.append(f"<url>{loc}<lastmod>{when}</lastmod></url>")
            continue
        urls.append(
            f"<url>{loc}<news:news><news:publication><news:name>{escape(site.name)}</news:name>"
            f"<news:language>{site.lang}</news:language></news:publication>"
            f"<news:publication_date>{when}</news:publication_date>"
            f"<news:title>{escape(p.article.title)}</news:title></news:news></url>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + "\n".join(urls) + "\n</urlset>\n"
    ).encode()


def respond(seed: int, n: int, base: str, path: str) -> tuple[int, str, bytes]:
    """What the corpus site answers for ``path``."""
    if path == "/robots.txt":
        return 200, "text/plain; charset=utf-8", b"User-agent: *\nAllow: /\n"
    match = re.fullmatch(r"/([a-z0-9]+)/(?:a/(\d+)\.html|feed\.xml|sitemap\.xml|sitemap-(\d+)\.xml)", path)
    site = SITE_BY_ID.get(match.group(1)) if match else None
    if match is None or site is None:
        return 404, "text/plain; charset=utf-8", b"not found\n"
    if match.group(2) is not None:
        index = int(match.group(2))
        if index >= n or site_of(index) is not site:
            return 404, "text/plain; charset=utf-8", b"not found\n"
        return render(page(seed, n, index))
    if path.endswith("/feed.xml") and site.route == "rss":
        return 200, "application/rss+xml", rss(seed, n, site, base)
    if path.endswith("/sitemap.xml") and site.route == "sitemap":
        return 200, "application/xml", sitemap_index(n, site, base)
    if match.group(3) is not None and site.route == "sitemap":
        body = child_sitemap(seed, n, site, base, int(match.group(3)))
        if body is not None:
            return 200, "application/xml", body
    return 404, "text/plain; charset=utf-8", b"not found\n"


def make_server(n: int, seed: int, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """A threaded HTTP/1.1 server for the corpus (keep-alive, no delay of any kind)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; without TCP_NODELAY the second waits for the
        # client's delayed ACK (~40 ms a page) and every row would measure that.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            base = f"http://{host}:{self.server.server_address[1]}"
            status, ctype, body = respond(seed, n, base, self.path.split("?", 1)[0])
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def sources_yaml(base: str, n: int, concurrency: int = 4) -> str:
    """The sources file of the day: the four sites, no politeness delay, loopback allowed."""
    sources = []
    for site in SITES:
        sources.append(
            {
                "id": site.id,
                "name": site.name,
                "lang": site.lang,
                "timezone": site.timezone,
                "discovery": {"kind": site.route, "url": base + site.listing_path},
                "max_articles": max(1, len(indices_of(site, n))),
                "max_reject_rate": 0.5,
            }
        )
    settings = {
        "sources": sources,
        "checks": {"min_body_chars": 120},
        "fetch": {
            "timeout_seconds": 20,
            "retries": 1,
            "allow_private_networks": ["127.0.0.1/32"],
            "per_host_delay_seconds": 0,
            "per_host_concurrency": concurrency,
            # The gbk site lists its whole day in one RSS feed: 5.6 MB at 100k articles, over the
            # 5 MB default meant for article pages. A user with such a feed raises it the same way.
            "max_bytes": 64_000_000,
        },
    }
    return yaml.safe_dump(settings, allow_unicode=True, sort_keys=False)


def expected_cases(seed: int, n: int) -> dict[str, int]:
    """How many pages of each case the day holds (streams; nothing is kept)."""
    counts: dict[str, int] = {}
    for index in range(n):
        case = page(seed, n, index).case
        counts[case] = counts.get(case, 0) + 1
    return counts


def iter_pages(seed: int, n: int) -> Iterator[CorpusPage]:
    return (page(seed, n, i) for i in range(n))


def serve_until_stdin_closes(n: int, seed: int) -> None:
    """Serve the corpus (the caller's own process); print the base URL, stop when stdin closes."""
    server = make_server(n, seed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    if sys.argv[1:2] != ["serve"] or len(sys.argv) < 3:
        sys.exit("usage: python -m bench.corpus serve N [SEED]")
    serve_until_stdin_closes(int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 16)
