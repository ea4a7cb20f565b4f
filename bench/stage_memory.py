"""Peak memory of every stage against the size of the day: does any stage hold a day in memory?

A synthetic day of N articles is served on loopback (its own process; no traffic leaves
127.0.0.1): a URL list, N article pages of ~4 KB text (distinct random words, so no page is a
near-duplicate of another; every 10th page Chinese in GBK, 1% answer 404, 1% have no title).
Then discover, fetch, clean, validate and load run one after the other, each in a fresh
interpreter, against one landing zone and one warehouse (SQLite in a temp dir, or PostgreSQL when
``ARTICLE_ETL_TEST_POSTGRES_URL`` is set and ``--pg`` given: a fresh database, dropped after).
Each stage reports its own peak RSS (``ru_maxrss`` of its process) and that of its children (the
clean stage's extraction worker), and its wall time.

    BENCHMEM_JSON=out.json .venv/bin/python bench/stage_memory.py 1000 10000 [--pg]

Memory is flat when the peak RSS of a stage does not grow with N. Figures are recorded in
BENCHMARKS.md ("Peak memory per stage against the day's size"); nothing here is asserted.
"""

from __future__ import annotations

import http.server
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DS = "2026-11-18"
STAGES = ("discover", "fetch", "clean", "validate", "load")
_EN = [
    "harbor",
    "council",
    "ferry",
    "winter",
    "library",
    "budget",
    "school",
    "street",
    "market",
    "weather",
    "bridge",
    "river",
    "festival",
    "museum",
    "station",
    "garden",
    "theatre",
    "hospital",
    "election",
    "police",
    "fire",
    "rail",
    "tunnel",
    "park",
    "island",
    "fishing",
    "storm",
    "tide",
    "lighthouse",
    "volunteer",
    "concert",
    "bakery",
    "factory",
    "mayor",
    "teacher",
    "farmer",
    "road",
    "vote",
]
_ZH = list("市县区镇村政府会议经济发展建设项目工程交通学校医院文化旅游农业工业企业投资服务社会居民")


def page(i: int) -> tuple[int, str, bytes]:
    """Page ``i`` of the synthetic day: (status, content type, bytes)."""
    if i % 100 == 37:
        return 404, "text/html; charset=utf-8", b"<html><body>not found</body></html>"
    rng = random.Random(i)
    chinese = i % 10 == 3
    if chinese:
        paras = ["".join(rng.choice(_ZH) for _ in range(120)) + "。" for _ in range(12)]
        title = f"第{i}号新闻：" + "".join(rng.choice(_ZH) for _ in range(10))
    else:
        paras = [" ".join(rng.choice(_EN) for _ in range(60)).capitalize() + "." for _ in range(10)]
        title = f"Story {i}: " + " ".join(rng.choice(_EN) for _ in range(6))
    title_tag = "" if i % 100 == 71 else f"<title>{title}</title>"
    h1 = "" if i % 100 == 71 else f"<h1>{title}</h1>"
    hour, minute = (i // 60) % 24, i % 60
    charset = "gbk" if chinese else "utf-8"
    html = (
        f'<html><head><meta charset="{charset}">{title_tag}'
        f'<meta property="article:published_time" content="{DS}T{hour:02d}:{minute:02d}:00+00:00">'
        "</head><body><nav><a href='/'>Home</a> | <a href='/news'>News</a> | <a href='/sport'>Sport</a></nav>"
        f"<article>{h1}<p class='byline'>By Reporter {i % 50}</p>"
        + "".join(f"<p>{p}</p>" for p in paras)
        + "</article><footer>Copyright 2026 Bench News. All rights reserved.</footer></body></html>"
    )
    return 200, f"text/html; charset={charset}", html.encode(charset)


def serve(n: int) -> None:
    """The site, in its own process: prints its base URL, then serves until stdin closes."""

    class Site(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            if self.path.startswith("/a/") and self.path.endswith(".html"):
                status, ctype, body = page(int(self.path[3:-5]))
            else:
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
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    sys.stdin.read()


def sources_file(folder: Path, base: str, n: int) -> Path:
    """A sources file with one source whose URL list names the day's N pages."""
    urls = folder / "urls.txt"
    urls.write_text("".join(f"{base}/a/{i}.html\n" for i in range(n)), encoding="utf-8")
    path = folder / "sources.yaml"
    path.write_text(
        json.dumps(
            {
                "sources": [
                    {
                        "id": "bench",
                        "name": "Bench News",
                        "lang": ["en", "zh"],
                        "max_articles": 10_000_000,
                        "timezone": "UTC",
                        "max_reject_rate": 0.5,
                        "discovery": {"kind": "urls", "file": str(urls)},
                    }
                ],
                "fetch": {
                    "allow_private_networks": ["127.0.0.0/8"],
                    "per_host_delay_seconds": 0,
                    "per_host_concurrency": 4,
                    "retries": 0,
                },
            }
        ),
        encoding="utf-8",
    )
    return path


def child(stage: str, sources: str, root: str, warehouse: str) -> dict[str, float]:
    """Run one stage (in a fresh process) and return its wall time and counts."""
    import logging

    logging.basicConfig(level=logging.WARNING)
    from article_etl.config import load_settings
    from article_etl.run import Day
    from article_etl.stages import clean, discover, fetch, load, validate

    settings = load_settings(Path(sources))
    day = Day.of(DS, run_id="bench")
    start = time.perf_counter()
    if stage == "load":
        summary = load.run(settings, "bench", day, warehouse, Path(root))
    else:
        module = {"discover": discover, "fetch": fetch, "clean": clean, "validate": validate}[stage]
        summary = module.run(settings, "bench", day, Path(root))
    seconds = time.perf_counter() - start
    count = summary.get("count", summary.get("loaded", 0))
    return {"seconds": seconds, "out": float(count), "rejected": float(summary.get("rejected", 0))}


def fresh_postgres() -> tuple[str, object]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"benchmem_{uuid.uuid4().hex[:8]}"
    admin = create_engine(os.environ["ARTICLE_ETL_TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = make_url(os.environ["ARTICLE_ETL_TEST_POSTGRES_URL"]).set(database=name)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))

    return url.render_as_string(hide_password=False), drop


def measure(n: int, pg: bool) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    site = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(n)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert site.stdout is not None
    base = site.stdout.readline().strip()
    drop = None
    try:
        with tempfile.TemporaryDirectory(prefix="benchmem-") as tmp:
            folder = Path(tmp)
            sources = sources_file(folder, base, n)
            root = folder / "home"
            warehouse = f"sqlite:///{folder}/warehouse.db"
            if pg:
                warehouse, drop = fresh_postgres()
            for stage in STAGES:
                proc = subprocess.run(
                    [sys.executable, __file__, "--child", stage, str(sources), str(root), warehouse],
                    capture_output=True,
                    text=True,
                    env={**os.environ, "ARTICLE_ETL_HOME": str(root)},
                )
                if proc.returncode != 0:
                    raise SystemExit(f"stage {stage} at N={n} failed:\n{proc.stderr[-3000:]}")
                out = json.loads(proc.stdout.strip().splitlines()[-1])
                row = {"n": n, "stage": stage, **out}
                rows.append(row)
                print(
                    f"| {stage} | {n:,} | {out['seconds']:.1f} | {n / out['seconds']:,.0f} | "
                    f"{out['rss_mb']:.0f} | {out['children_rss_mb']:.0f} | {out['out']:,.0f} |",
                    flush=True,
                )
    finally:
        if site.stdin is not None:
            site.stdin.close()
        site.wait(timeout=10)
        if drop is not None:
            drop()  # type: ignore[operator]
    return rows


def main(argv: list[str]) -> None:
    pg = "--pg" in argv
    sizes = [int(a) for a in argv if a != "--pg"]
    print("| stage | articles | seconds | pages/s | peak RSS MB | children peak RSS MB | passed on |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |", flush=True)
    results = []
    for n in sizes or [1_000, 10_000]:
        results += measure(n, pg)
    out = os.environ.get("BENCHMEM_JSON")
    if out:
        Path(out).write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "include"))
    if sys.argv[1:2] == ["--serve"]:
        serve(int(sys.argv[2]))
    elif sys.argv[1:2] == ["--child"]:
        result = child(*sys.argv[2:6])
        result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        result["children_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(json.dumps(result))
    else:
        main(sys.argv[1:])
