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


if __name__ == "__main__":
    main()
