"""A loopback day of N articles over S sources, for sizing the DAG under Airflow (bench/airflow_cost.py).

Why it exists: the demo site has no size knob (about ten pages per source), and the daily DAG is
mapped per source, so sizing the orchestration needs many pages *and* several sources. Each
source is one of the demo's three layouts (GBK CmsTop paper, UTF-8 county portal, English local
paper: ``article_etl.demo.templates``) with its boilerplate; bodies are drawn per article from
the demo's own paragraphs (a seeded random pick, so no two articles are near-duplicates); about
2% of pages are 404s and 2% have no title, so rejects are written as on a real day. Each source
lists its day in a news sitemap. Pages are built on request (nothing sized N sits in memory) by a
threaded server with no politeness delay.

It is deliberately small: ``bench/corpus.py`` (the ``make bench`` corpus) is the full one; this
one only has to give Airflow a realistic number of pages and sources.

Usage: ``python -m bench.dev_corpus --articles 1000 --sources 4 --day 2026-11-18 --out DIR``
serves until killed and writes ``DIR/sources.yaml`` (prints the base URL when ready).
"""

from __future__ import annotations

import argparse
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from article_etl.demo import templates
from article_etl.demo.catalog import SOURCES, DemoArticle, DemoSource, catalog

LAYOUTS = ("luoyang", "harbor", "xijiang")
"""Source k takes layout k % 3: UTF-8 Chinese, English, GBK Chinese (no charset in the header)."""


def source_id(k: int) -> str:
    return f"bench{k:02d}"


def _layout(k: int) -> DemoSource:
    demo = SOURCES[LAYOUTS[k % len(LAYOUTS)]]
    return replace(
        demo, id=source_id(k), name=f"{demo.name} {k}", discovery_path=f"/{source_id(k)}/sitemap.xml"
    )


@lru_cache(maxsize=4)
def _models(layout: str) -> tuple[tuple[DemoArticle, ...], tuple[str, ...]]:
    """The demo's good articles of one layout and every paragraph they hold (the body pool)."""
    oks = tuple(a for a in catalog() if a.source_id == layout and a.case == "ok" and a.style != "epaper")
    pool = tuple(p for a in oks for p in a.paragraphs if len(p) > 20)
    return oks, pool


def article(k: int, i: int, per_source: int, day: datetime) -> DemoArticle:
    """Article ``i`` of source ``k``: deterministic; 2% are 404s, 2% have no title."""
    src = _layout(k)
    oks, pool = _models(LAYOUTS[k % len(LAYOUTS)])
    rng = random.Random(k * 1_000_003 + i)
    model = oks[i % len(oks)]
    case = "not_found" if i % 50 == 7 else "missing_title" if i % 50 == 23 else "ok"
    title = None if case == "missing_title" else f"{model.title} ({i})"
    published = day + timedelta(seconds=(i * 86_399) // max(per_source, 1))
    # source_id stays the layout's (the demo article finds its time zone by it); the URL is ours.
    return replace(
        model,
        url_path=f"/{src.id}/a{i}.html",
        title=title,
        published_at=published,
        paragraphs=rng.sample(pool, min(len(pool), rng.randint(4, 8))),
        case=case,  # type: ignore[arg-type]
        duplicate_of=None,
    )


def _page(art: DemoArticle, src: DemoSource) -> str:
    if art.case == "not_found":
        return templates.not_found_page(src.lang, src.declared_charset)
    if src.lang == "en":
        return templates.harbor_story(art, src, [])
    if src.charset == "gbk":
        return templates.xijiang_news(replace(art, style="news"), src)
    return templates.luoyang_county(art, src)


def _sitemap(k: int, per_source: int, day: datetime, base_url: str) -> bytes:
    urls = []
    for i in range(per_source):
        art = article(k, i, per_source, day)
        urls.append(
            f"<url><loc>{base_url}{art.url_path}</loc><lastmod>{art.published_at.isoformat()}</lastmod></url>"
        )
    body = "\n".join(urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{body}\n</urlset>\n'
    ).encode()


def _handler(articles: int, sources: int, day: datetime) -> type[BaseHTTPRequestHandler]:
    per_source = -(-articles // sources)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            status, ctype, body = self._route(self.path)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _route(self, path: str) -> tuple[int, str, bytes]:
            base = f"http://{self.headers.get('Host', '127.0.0.1')}"
            if path == "/robots.txt":
                return 200, "text/plain; charset=utf-8", b"User-agent: *\nAllow: /\n"
            parts = path.strip("/").split("/")
            if len(parts) == 2 and parts[0].startswith("bench") and parts[0][5:].isdigit():
                k = int(parts[0][5:])
                if k < sources:
                    src = _layout(k)
                    if parts[1] == "sitemap.xml":
                        return 200, "application/xml; charset=utf-8", _sitemap(k, per_source, day, base)
                    name = parts[1]
                    if name.startswith("a") and name.endswith(".html") and name[1:-5].isdigit():
                        i = int(name[1:-5])
                        if i < per_source:
                            art = article(k, i, per_source, day)
                            ctype = "text/html" if src.charset == "gbk" else "text/html; charset=utf-8"
                            status = 404 if art.case == "not_found" else 200
                            return status, ctype, _page(art, src).encode(src.charset)
            return 404, "text/plain", b"not found"

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def sources_yaml(sources: int, base_url: str, per_source: int) -> str:
    """The sources file: one sitemap source per layout copy, no politeness delay, loopback allowed."""
    lines = ["sources:"]
    for k in range(sources):
        src = _layout(k)
        lines += [
            f"  - id: {src.id}",
            f"    name: {src.name}",
            f"    lang: {src.lang}",
            f"    timezone: {src.timezone}",
            "    discovery:",
            "      kind: sitemap",
            f"      url: {base_url}{src.discovery_path}",
            "    max_reject_rate: 0.5",
            f"    max_articles: {per_source}",
        ]
    lines += [
        "fetch:",
        "  timeout_seconds: 10",
        "  retries: 1",
        '  allow_private_networks: ["127.0.0.1/32"]',
        "  per_host_delay_seconds: 0",
        "  per_host_concurrency: 4",
    ]
    return "\n".join(lines) + "\n"


@contextmanager
def running(articles: int, sources: int, day: str, out: Path) -> Iterator[Path]:
    """Serve the corpus in a thread while the block runs; yields the sources file it wrote."""
    start = datetime.fromisoformat(day).replace(tzinfo=UTC) + timedelta(minutes=5)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(articles, sources, start))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        out.mkdir(parents=True, exist_ok=True)
        path = out / "sources.yaml"
        base = f"http://127.0.0.1:{server.server_address[1]}"
        path.write_text(sources_yaml(sources, base, -(-articles // sources)), encoding="utf-8")
        yield path
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=1000)
    p.add_argument("--sources", type=int, default=4)
    p.add_argument("--day", default="2026-11-18", help="the UTC day the articles are published on")
    p.add_argument("--out", type=Path, required=True, help="where sources.yaml is written")
    args = p.parse_args()
    with running(args.articles, args.sources, args.day, args.out) as sources:
        print(sources, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
