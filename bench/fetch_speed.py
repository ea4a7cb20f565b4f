"""Fetch speed against a loopback site: our discover + fetch stages next to bare HTTP loops.

The site runs in its own process (so its CPU does not share the client's GIL): an RSS feed of N
article URLs, N ~20 KB HTML pages, robots.txt 404, HTTP/1.1 keep-alive. Every case runs in a fresh
interpreter, so its peak RSS (``ru_maxrss``) is its own. No traffic leaves 127.0.0.1.

    python -m bench.fetch_speed            # every case at 1,000 and 10,000 pages
    python -m bench.fetch_speed 1000 5000  # other page counts
"""

from __future__ import annotations

import http.server
import importlib
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DS = "2026-11-18"
PAGE_BYTES = 20_000
CASES = ("stages_c1", "stages_c4", "requests_seq", "httpx_seq", "requests_threads4")

_PARAGRAPH = "<p>The county council said on Tuesday that it would keep investing in rural roads. </p>\n"


def _page(i: int) -> bytes:
    head = f"<html><head><title>Article {i}</title></head><body><h1>Article {i}</h1><div class='content'>\n"
    body = _PARAGRAPH * ((PAGE_BYTES - len(head)) // len(_PARAGRAPH))
    return (head + body + "</div></body></html>").encode()


def _feed(base: str, n: int) -> bytes:
    items = "".join(
        f"<item><title>a{i}</title><link>{base}/a/{i}.html</link>"
        "<pubDate>Wed, 18 Nov 2026 09:00:00 +0000</pubDate></item>"
        for i in range(n)
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def serve(n: int) -> None:
    """The site (in its own process): prints its base URL, then serves until stdin closes."""
    feed: list[bytes] = []

    class Site(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real site
        # Headers and body go out in two writes; without TCP_NODELAY the second waits for the
        # client's delayed ACK (~40 ms a page), and every case would measure that instead.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            if self.path == "/feed.xml":
                status, ctype, body = 200, "application/rss+xml", feed[0]
            elif self.path.startswith("/a/") and self.path.endswith(".html"):
                status, ctype, body = 200, "text/html; charset=utf-8", _page(int(self.path[3:-5]))
            else:  # robots.txt and anything else
                status, ctype, body = 404, "text/plain", b"not found"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    feed.append(_feed(base, n))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(base, flush=True)
    sys.stdin.read()
    server.shutdown()


def _urls(base: str, n: int) -> list[str]:
    return [f"{base}/a/{i}.html" for i in range(n)]


def _stages(base: str, n: int, concurrency: int) -> tuple[int, dict[str, float]]:
    from article_etl.config import Settings
    from article_etl.run import Day
    from article_etl.stages import discover, fetch

    settings = Settings.model_validate(
        {
            "sources": [
                {
                    "id": "s",
                    "name": "S",
                    "max_articles": n,
                    "discovery": {"kind": "rss", "url": f"{base}/feed.xml"},
                }
            ],
            "fetch": {
                "retries": 0,
                "allow_private_networks": ["127.0.0.1/32"],
                "per_host_delay_seconds": 0,
                "per_host_concurrency": concurrency,
            },
        }
    )
    day = Day.of(DS, run_id="bench")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        discover.run(settings, "s", day, Path(tmp))
        discovered = time.perf_counter()
        summary = fetch.run(settings, "s", day, Path(tmp))
        done = time.perf_counter()
    return int(summary["count"]), {
        "discover_seconds": round(discovered - start, 2),
        "fetch_seconds": round(done - discovered, 2),
    }


def _requests_seq(base: str, n: int) -> tuple[int, dict[str, float]]:
    import requests

    ok = 0
    with requests.Session() as session:
        for url in _urls(base, n):
            resp = session.get(url, timeout=20)
            ok += resp.status_code == 200 and len(resp.content) > 0
    return ok, {}


def _httpx_seq(base: str, n: int) -> tuple[int, dict[str, float]]:
    import httpx

    ok = 0
    with httpx.Client(timeout=20) as client:
        for url in _urls(base, n):
            resp = client.get(url)
            ok += resp.status_code == 200 and len(resp.content) > 0
    return ok, {}


def _requests_threads(base: str, n: int, workers: int = 4) -> tuple[int, dict[str, float]]:
    """Like-for-like with stages_c4: 4 threads, one Session each (Session is not thread-safe)."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    local = threading.local()

    def get(url: str) -> bool:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        resp = local.session.get(url, timeout=20)
        return resp.status_code == 200 and len(resp.content) > 0

    with ThreadPoolExecutor(max_workers=workers) as pool:
        ok = sum(pool.map(get, _urls(base, n)))
    return ok, {}


_IMPORTS = {
    "stages_c1": "article_etl.stages.fetch",
    "stages_c4": "article_etl.stages.fetch",
    "requests_seq": "requests",
    "httpx_seq": "httpx",
    "requests_threads4": "requests",
}

_RUNNERS: dict[str, Callable[[str, int], tuple[int, dict[str, float]]]] = {
    "stages_c1": lambda base, n: _stages(base, n, 1),
    "stages_c4": lambda base, n: _stages(base, n, 4),
    "requests_seq": _requests_seq,
    "httpx_seq": _httpx_seq,
    "requests_threads4": _requests_threads,
}


def run_case(case: str, base: str, n: int) -> None:
    """One case in this (fresh) interpreter: prints one JSON row. The case's library is imported
    before the clock starts; peak RSS includes it."""
    importlib.import_module(_IMPORTS[case])
    start = time.perf_counter()
    pages, extra = _RUNNERS[case](base, n)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    row = {
        "case": case,
        "pages": pages,
        "seconds": round(seconds, 2),
        "pages_per_second": round(pages / seconds, 1),
        "peak_rss_mb": round(peak_mb, 1),
        **extra,
    }
    print(json.dumps(row))


def fetch_speed_rows(sizes: tuple[int, ...] = (1_000, 10_000)) -> list[dict[str, object]]:
    """Every case at every size, each in a fresh subprocess against a site in another process."""
    rows: list[dict[str, object]] = []
    for n in sizes:
        site = subprocess.Popen(
            [sys.executable, "-m", "bench.fetch_speed", "serve", str(n)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert site.stdout is not None
            base = site.stdout.readline().strip()
            for case in CASES:
                proc = subprocess.run(
                    [sys.executable, "-m", "bench.fetch_speed", "case", case, base, str(n)],
                    cwd=REPO,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                row = json.loads(proc.stdout.strip().splitlines()[-1])
                row["listed"] = n
                rows.append(row)
                print(json.dumps({"fetch_speed": row}), flush=True)
        finally:
            if site.stdin is not None:
                site.stdin.close()
            site.wait(timeout=30)
    return rows


def main(argv: list[str]) -> None:
    if argv[:1] == ["serve"]:
        serve(int(argv[1]))
    elif argv[:1] == ["case"]:
        run_case(argv[1], argv[2], int(argv[3]))
    else:
        fetch_speed_rows(tuple(int(a) for a in argv) or (1_000, 10_000))


if __name__ == "__main__":
    main(sys.argv[1:])
