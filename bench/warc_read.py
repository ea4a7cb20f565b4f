"""Reading a CC-NEWS-sized WARC: our one reader next to a bare warcio loop.

A synthetic archive is written once (gzip per record, as CC-NEWS: warcinfo, then for each page a
request and a ~20 KB HTML response, every fifth on another host, every tenth followed by a
revisit). Each case runs in a fresh interpreter, so its peak RSS (``ru_maxrss``) is its own:

* ``warcio_loop``: ``ArchiveIterator`` over the file, reading every response body (reference);
* ``route_heads``: ``fetch.warc.response_heads`` with the ``warc`` route's filter (host, 2xx HTML),
  no body read: what discovery costs;
* ``replay_bodies``: ``fetch.warc.iter_responses`` reading every response body: what a replay or
  the fetch stage reading an archive costs, before decoding.

    python -m bench.warc_read          # 20,000 pages
    python -m bench.warc_read 5000
"""

from __future__ import annotations

import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CASES = ("warcio_loop", "route_heads", "replay_bodies")
WORDS = [
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
]


def write_archive(path: Path, n: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(14)
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "bench"}))
        for i in range(n):
            host = "news.example.cn" if i % 5 else "other.example.com"
            url = f"https://{host}/a/{i}.html"
            request = StatusAndHeaders(f"GET /a/{i}.html HTTP/1.1", [("Host", host)], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            text = " ".join(rng.choice(WORDS) for _ in range(3000))
            body = f"<html><head><title>a{i}</title></head><body><p>{text}</p></body></html>".encode()
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=http,
                    warc_headers_dict={"WARC-Date": "2026-11-18T08:00:00Z"},
                )
            )
            if i % 10 == 0:
                writer.write_record(
                    writer.create_revisit_record(
                        url, digest="sha1:AAAA", refers_to_uri=url, refers_to_date="x"
                    )
                )


def run_case(case: str, path: Path) -> dict[str, float]:
    start = time.perf_counter()
    count = 0
    size = 0
    if case == "warcio_loop":
        from warcio.archiveiterator import ArchiveIterator

        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type == "response":
                    size += len(record.content_stream().read())
                    count += 1
    elif case == "route_heads":
        from urllib.parse import urlsplit

        from article_etl.fetch.routes.warcfile import host_matches
        from article_etl.fetch.warc import response_heads

        def wanted(head):  # type: ignore[no-untyped-def]
            kind = (head.header("Content-Type") or "").lower()
            return host_matches(urlsplit(head.url).hostname or "", ["news.example.cn"]) and "html" in kind

        for _ in response_heads(path, wanted):
            count += 1
    else:
        from article_etl.fetch.warc import iter_responses

        for cap in iter_responses(path):
            size += len(cap.body)
            count += 1
    seconds = time.perf_counter() - start
    return {
        "records": count,
        "body_mb": round(size / 1e6, 1),
        "seconds": round(seconds, 2),
        "records_per_s": round(count / seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv: list[str]) -> None:
    if argv[:1] == ["--case"]:
        print(json.dumps(run_case(argv[1], Path(argv[2]))))
        return
    n = int(argv[0]) if argv else 20_000
    with tempfile.TemporaryDirectory(prefix="warc-bench-") as tmp:
        path = Path(tmp) / "CC-NEWS-bench.warc.gz"
        write_archive(path, n)
        print(f"{n} pages, archive {path.stat().st_size / 1e6:.1f} MB (gzip per record)")
        for case in CASES:
            out = subprocess.run(
                [sys.executable, "-m", "bench.warc_read", "--case", case, str(path)],
                cwd=REPO,
                capture_output=True,
                text=True,
                check=True,
            )
            print(case, out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main(sys.argv[1:])
