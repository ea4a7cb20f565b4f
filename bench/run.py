"""`make bench`: the figures BENCHMARKS.md records, measured on this machine.

Each figure is the median of several runs. Nothing here asserts: speed is measured, not tested.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DAG_FILE = REPO / "dags" / "article_etl_daily.py"


def dag_parse_seconds(runs: int = 7) -> list[float]:
    """Time to execute the DAG file in a fresh interpreter that has already imported Airflow's SDK,
    as the DAG processor has: the cost our file adds to every parse."""
    code = (
        "import time, runpy, airflow.sdk\n"
        f"t = time.perf_counter(); runpy.run_path({str(DAG_FILE)!r}); print(time.perf_counter() - t)"
    )
    out = []
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        out.append(float(proc.stdout.strip().splitlines()[-1]))
    return out


def cold_process_seconds(code: str, runs: int = 5) -> list[float]:
    """Wall time of a fresh interpreter running ``code``: a process that has loaded nothing yet."""
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
        out.append(time.perf_counter() - start)
    return out


def extraction_pages_per_second(rounds: int = 3) -> tuple[int, float, float]:
    """Decode + extract every HTML page of the demo site; returns (pages, MB, median pages/s)."""
    from article_etl.demo.site import build_site
    from article_etl.encoding import decode_html
    from article_etl.extract import extract_article

    pages = [
        (path, resp)
        for path, resp in build_site().items()
        if resp.status == 200 and path.endswith((".html", ".htm"))
    ]
    size = sum(len(resp.body) for _, resp in pages) / 1e6
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for path, resp in pages:
            decoded = decode_html(resp.body, dict(resp.headers).get("Content-Type"))
            extract_article(decoded.text, "http://127.0.0.1" + path)
        rates.append(len(pages) / (time.perf_counter() - start))
    return len(pages), size, statistics.median(rates)


# Synthetic news pages for "extraction time vs page size": one headline, a byline/date line and
# N paragraphs in a content <div>. Sentences vary with the paragraph number so none repeat.
_ZH_SENTENCE = "县委书记在调研中强调要坚持以人民为中心的发展思想扎实推进乡村振兴各项工作确保取得实效"
_EN_SENTENCE = (
    "the county council said on tuesday that it would continue to invest in rural roads and schools"
)


def synthetic_page(paragraphs: int, lang: str, cut: bool) -> str:
    """A page of ``paragraphs`` <p>s in ``lang`` ("zh"/"en"). ``cut``: every paragraph ends in a
    comma, as when print layout cuts sentences, so the extractor re-joins them all into one: the
    case that was quadratic (1,000 such paragraphs took 17 s)."""
    sentence = _ZH_SENTENCE if lang == "zh" else _EN_SENTENCE
    end = ("，" if cut else "。") if lang == "zh" else ("," if cut else ".")
    sep = "" if lang == "zh" else " "
    body = "\n".join(f"<p>{sentence[i % 10 :]}{sep}{i}{end}</p>" for i in range(paragraphs))
    title = "县里召开乡村振兴工作会议" if lang == "zh" else "County council meets on rural roads"
    byline = "2024年03月05日 09:30 记者 王小明" if lang == "zh" else "By Jane Doe, March 5, 2024 09:30"
    return (
        f"<html lang='{lang}'><head><title>{title}_测试网</title></head><body><h1>{title}</h1>"
        f"<div class='info'>{byline}</div><div class='content'>{body}</div></body></html>"
    )


def _median_ms(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def extraction_time_by_page_size(
    sizes: tuple[int, ...] = (200, 1000, 2000, 5000), rounds: int = 3
) -> list[dict[str, object]]:
    """Ours and trafilatura (as bench/eval calls it) on synthetic pages of growing size, in the same
    run; per page and per 1,000 paragraphs, so that a flat second figure shows linear growth."""
    sys.path.insert(0, str(REPO))
    from article_etl.extract import extract_article
    from bench.eval.dataset import LabelledPage
    from bench.eval.extractors import trafilatura_default

    def labelled(html: str, lang: str) -> LabelledPage:
        return LabelledPage("synthetic", "synthetic", "https://example.com/a/1.html", html, lang, "Asia/Shanghai",
                            None, "", None, None)  # fmt: skip

    warm = synthetic_page(20, "zh", cut=False)  # first calls compile regexes, import trafilatura
    extract_article(warm, "https://example.com/a/1.html")
    trafilatura_default(labelled(warm, "zh"))
    rows: list[dict[str, object]] = []
    for lang in ("zh", "en"):
        for cut in (False, True):
            for n in sizes:
                html = synthetic_page(n, lang, cut)
                page = labelled(html, lang)
                ours = _median_ms(partial(extract_article, html, page.url, timezone=page.timezone), rounds)
                reference = _median_ms(partial(trafilatura_default, page), rounds)
                rows.append(
                    {
                        "lang": lang,
                        "paragraphs_end_in": "comma" if cut else "full stop",
                        "paragraphs": n,
                        "kilobytes": round(len(html.encode()) / 1000),
                        "ours_ms_per_page": round(ours, 1),
                        "ours_ms_per_1000_paragraphs": round(ours * 1000 / n, 1),
                        "trafilatura_ms_per_page": round(reference, 1),
                        "trafilatura_ms_per_1000_paragraphs": round(reference * 1000 / n, 1),
                    }
                )
    return rows


def extraction_worker_figures(rounds: int = 15) -> dict[str, object]:
    """ExtractionWorker (the per-page time budget): start-up of a worker (spawn, imports, warm-up),
    and the round trip's cost per page on a typical ~80 KB page: wall time of ``extract`` minus
    the extraction time the worker itself measured."""
    from article_etl.extract.budget import ExtractionWorker, stop_parked_worker

    starts = []
    for _ in range(3):
        stop_parked_worker()  # a fresh start-up each round, not the worker the last round parked
        start = time.perf_counter()
        with ExtractionWorker(60) as worker:
            worker.extract("<p>x</p>", "https://example.com/", selectors=None, timezone="UTC", lang_hint=None)
            starts.append(time.perf_counter() - start)
    html = synthetic_page(600, "zh", cut=False)
    walls, inside = [], []
    with ExtractionWorker(60) as worker:
        for _ in range(rounds + 1):
            start = time.perf_counter()
            worker.extract(
                html, "https://example.com/a/1.html", selectors=None, timezone="UTC", lang_hint=None
            )
            walls.append(time.perf_counter() - start)
            inside.append(worker.last_extraction_seconds or 0.0)
    overheads = [wall - work for wall, work in zip(walls[1:], inside[1:], strict=True)]
    return {
        "worker_startup_seconds_median": round(statistics.median(starts), 2),
        "startup_runs": len(starts),
        "overhead_page_kilobytes": round(len(html.encode()) / 1000),
        "extraction_ms_median": round(statistics.median(inside[1:]) * 1000, 1),
        "round_trip_overhead_ms_median": round(statistics.median(overheads) * 1000, 2),
        "round_trip_overhead_ms_max": round(max(overheads) * 1000, 2),
        "runs": rounds,
    }


def main() -> None:
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.platform()}"
    )
    parse = dag_parse_seconds()
    print(
        json.dumps(
            {
                "dag_parse_seconds_median": round(statistics.median(parse), 4),
                "dag_parse_seconds_max": round(max(parse), 4),
                "runs": len(parse),
            }
        )
    )
    sdk = cold_process_seconds("import airflow.sdk")
    cold = cold_process_seconds(f"import runpy; runpy.run_path({str(DAG_FILE)!r})")
    print(
        json.dumps(
            {
                "airflow_sdk_cold_import_seconds_median": round(statistics.median(sdk), 3),
                "dag_cold_process_seconds_median": round(statistics.median(cold), 3),
                "runs": len(cold),
            }
        )
    )
    n, mb, rate = extraction_pages_per_second()
    print(
        json.dumps(
            {
                "extract_pages": n,
                "extract_megabytes": round(mb, 2),
                "extract_pages_per_second_median": round(rate, 1),
            }
        )
    )
    for row in extraction_time_by_page_size():
        print(json.dumps({"extraction_time_vs_page_size": row}, ensure_ascii=False))
    print(json.dumps({"extraction_worker": extraction_worker_figures()}))
    # Extraction speed on the Fundus pages, ours beside the other extractors and bare parses.
    sys.path.insert(0, str(REPO))
    from bench.extract_speed import extraction_speed_rows

    extraction_speed_rows()
    # Fetch speed on a loopback site, ours next to bare requests/httpx loops (prints its own rows).
    sys.path.insert(0, str(REPO))
    from bench.fetch_speed import fetch_speed_rows

    fetch_speed_rows()
    # Warehouse load speed per dialect beside a raw PostgreSQL COPY (prints its own table).
    from bench.load_speed import main as load_speed

    load_speed([10_000, 100_000])


if __name__ == "__main__":
    main()
