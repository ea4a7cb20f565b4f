"""The local demo news site: every page built in memory, served by a real HTTP server on loopback.

The demo and the end-to-end tests run the pipeline against this site instead of the internet so
that they are repeatable offline and so that every awkward case (a GBK page whose header names no
charset and whose meta half-lies, a 404, a page with no title, corrupted text, a duplicate) is
there on purpose and known to the tests through ``article_etl.demo.catalog``.

Feeds must hold absolute URLs, and the right host is whatever the client used to reach us (a
container reaches the host under another name than 127.0.0.1), so the server builds the site per
``Host`` header; ``build_site`` itself stays pure.

``SiteFaults`` turns the same site into a misbehaving one for the run-safety tests: article pages
that answer 503 while the feeds still answer, or pages that change on every request (an ad slot).
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from article_etl.demo import templates
from article_etl.demo.catalog import SOURCES, DemoArticle, articles_of
from article_etl.demo.feeds import rss, sitemap

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
_SAFE_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


@dataclass
class SiteFaults:
    """Switches a running demo site into the ways real sites misbehave (flip them while it runs).

    ``pages_down``: every article page answers 503 (the feeds and index pages still answer).
    ``ad_slot``: every article page carries a different ad text on every request, so two fetches
    of one page never give the same bytes.
    """

    pages_down: bool = False
    ad_slot: bool = False
    requests: int = 0


@dataclass(frozen=True)
class Response:
    """What one path answers: status, headers, body bytes."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def _content_type(kind: str, charset: str | None) -> str:
    # The GBK site sends no charset at all; the pipeline must find it in the page.
    return f"{kind}; charset={charset}" if charset else kind


def _html(text: str, charset: str, header_charset: str | None, status: int = 200) -> Response:
    return Response(
        status, (("Content-Type", _content_type("text/html", header_charset)),), text.encode(charset)
    )


def _page(art: DemoArticle, siblings: list[DemoArticle]) -> str:
    src = art.source
    if art.style == "epaper":
        others = [a.title for a in siblings if a.style == "epaper" and a is not art and a.title]
        return templates.xijiang_epaper(art, src, others or ["多措并举保安全", "抓实教育 筑牢防线"])
    if art.style == "news":
        return templates.xijiang_news(art, src)
    if art.style == "county":
        return templates.luoyang_county(art, src)
    if art.style == "story":
        related = [
            (a.url_path, a.title)
            for a in siblings
            if a.title and a.case == "ok" and a.url_path != art.url_path and a.title != art.title
        ]
        return templates.harbor_story(art, src, related[:3])
    raise ValueError(f"{art.url_path}: unknown page style {art.style!r}")


def build_site(base_url: str = DEFAULT_BASE_URL) -> dict[str, Response]:
    """Every path of the demo site and its response; pure and deterministic for a given base URL.

    ``base_url`` (scheme://host:port, no trailing slash) is only used for the absolute links in
    feeds and sitemaps. Paths that the catalogue marks ``not_found`` are present with status 404.
    """
    base_url = base_url.rstrip("/")
    site: dict[str, Response] = {}
    home_links: list[tuple[str, str]] = []
    for src in SOURCES.values():
        arts = articles_of(src.id)
        header_charset = None if src.charset != "utf-8" else "utf-8"
        for art in arts:
            if art.case == "not_found":
                page = templates.not_found_page(src.lang, src.declared_charset)
                site[art.url_path] = _html(page, src.charset, header_charset, status=404)
            else:
                site[art.url_path] = _html(_page(art, arts), src.charset, header_charset)
        newest_first = sorted(arts, key=lambda a: a.published_at, reverse=True)
        if src.discovery_kind == "rss":
            listing = rss(src, newest_first, base_url).encode(src.charset)
            kind = "application/rss+xml"
        else:
            listing = sitemap(src, arts, base_url).encode("utf-8")
            kind = "application/xml"
        xml_charset = None if src.charset != "utf-8" else "utf-8"
        site[src.discovery_path] = Response(
            200, (("Content-Type", _content_type(kind, xml_charset)),), listing
        )
        links = [(a.url_path, a.title or a.url_path) for a in newest_first if a.case != "not_found"]
        links.append((src.discovery_path, src.discovery_kind))
        index = templates.index_page(src.name, src.declared_charset, links)
        site[f"/{src.id}/"] = _html(index, src.charset, header_charset)
        home_links.append((f"/{src.id}/", src.name))
    site["/"] = _html(
        templates.index_page("Article ETL demo news sites", "utf-8", home_links), "utf-8", "utf-8"
    )
    site["/robots.txt"] = Response(
        200, (("Content-Type", "text/plain; charset=utf-8"),), b"User-agent: *\nAllow: /\n"
    )
    return site


@lru_cache(maxsize=8)
def _site_for(base_url: str) -> dict[str, Response]:
    return build_site(base_url)


def _not_found(path: str) -> Response:
    """The 404 for a path the site does not have, in the style of the site the path is under."""
    source_id = path.strip("/").split("/", 1)[0]
    src = SOURCES.get(source_id)
    if src is None:
        return Response(404, (("Content-Type", "text/plain; charset=utf-8"),), b"not found\n")
    header_charset = None if src.charset != "utf-8" else "utf-8"
    return _html(templates.not_found_page(src.lang, src.declared_charset), src.charset, header_charset, 404)


def _with_faults(path: str, resp: Response, faults: SiteFaults) -> Response:
    """The response as a misbehaving site would send it (see ``SiteFaults``)."""
    is_article = path.endswith(".html") or path.endswith(".htm")
    if not is_article:
        return resp
    if faults.pages_down:
        return Response(503, (("Content-Type", "text/plain"), ("Retry-After", "1")), b"Service Unavailable\n")
    if faults.ad_slot and b"</body>" in resp.body:
        ad = f'<div class="ad-slot"><p>Sponsored {secrets.token_hex(8)}</p></div></body>'.encode("ascii")
        return Response(resp.status, resp.headers, resp.body.replace(b"</body>", ad, 1))
    return resp


def _handler(default_base: str, faults: SiteFaults) -> type[BaseHTTPRequestHandler]:
    class DemoHandler(BaseHTTPRequestHandler):
        """Answers GET and HEAD from the prebuilt site; logs nothing (tests run quietly)."""

        server_version = "ArticleETLDemo/1.0"

        def _respond(self, with_body: bool) -> None:
            host = self.headers.get("Host", "")
            base = f"http://{host}" if _SAFE_HOST.match(host) else default_base
            path = urlsplit(self.path).path or "/"
            if path in ("/xijiang", "/luoyang", "/harbor"):
                path += "/"
            resp = _with_faults(path, _site_for(base).get(path) or _not_found(path), faults)
            faults.requests += 1
            self.send_response(resp.status)
            for key, value in resp.headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(resp.body)))
            self.end_headers()
            if with_body:
                self.wfile.write(resp.body)

        def do_GET(self) -> None:
            self._respond(with_body=True)

        def do_HEAD(self) -> None:
            self._respond(with_body=False)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return DemoHandler


def _server(host: str, port: int, faults: SiteFaults | None = None) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), BaseHTTPRequestHandler)
    server.daemon_threads = True
    # The handler's fallback base URL needs the bound port, known only once port 0 is resolved.
    server.RequestHandlerClass = _handler(f"http://{host}:{server.server_address[1]}", faults or SiteFaults())
    return server


def serve(port: int, host: str = "127.0.0.1") -> None:
    """Serve the demo site until Ctrl-C (the ``article-etl demo-site`` command)."""
    server = _server(host, port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@contextmanager
def running_site(port: int = 0, faults: SiteFaults | None = None) -> Iterator[str]:
    """The demo site on 127.0.0.1 in a background thread; yields its base URL (no trailing slash).

    Port 0 picks a free port, so parallel test runs do not collide. ``faults``, flipped while the
    site runs, makes it misbehave (see ``SiteFaults``).
    """
    server = _server("127.0.0.1", port, faults)
    thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
