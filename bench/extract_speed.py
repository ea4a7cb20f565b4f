"""Extraction speed on the Fundus pages: ours beside trafilatura, readability-lxml, Resiliparse's
main-content extractor, and a bare lxml and a bare Lexbor (selectolax) parse, in one run.

Every row reads the same already-decoded text (decoding is the fetch stage's cost, not the
extractor's), in the same process, interleaved pass by pass so that load from other work on the
machine falls on all rows alike. Rows that extract a body also get their body F1 on the same
pages, so "faster" can be read next to "as good". Each pass is timed twice: wall clock and this
process's CPU time (``time.process_time``). On a shared machine the wall ratio to trafilatura swings
with other people's jobs (2.2x-3.8x between runs); CPU time counts only the work done here, so its
ratio is the steadier one, and printing both shows how much of a figure is the machine's load. Run alone with ``python bench/extract_speed.py``
or as part of ``make bench``.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` importable from the repo root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.eval import metrics
from bench.eval.dataset import LabelledPage
from bench.eval.extractors import readability_lxml, trafilatura_default

BodyOf = Callable[[LabelledPage], str | None]


def _ours(page: LabelledPage) -> str | None:
    from article_etl.extract import extract_article

    return extract_article(page.html, page.url, timezone=page.timezone).body


def _resiliparse(page: LabelledPage) -> str | None:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    return extract_plain_text(HTMLTree.parse(page.html), main_content=True)


def _lxml_parse(page: LabelledPage) -> None:
    from article_etl.extract.tree import parse

    parse(page.html)


def _lexbor_parse(page: LabelledPage) -> None:
    from selectolax.lexbor import LexborHTMLParser

    LexborHTMLParser(page.html)


ROWS: dict[str, BodyOf] = {
    "ours": _ours,
    "trafilatura": lambda p: trafilatura_default(p).body,
    "readability-lxml": lambda p: readability_lxml(p).body,
    "resiliparse main content": _resiliparse,
    "bare lxml parse": _lxml_parse,  # type: ignore[dict-item]
    "bare Lexbor parse (selectolax)": _lexbor_parse,  # type: ignore[dict-item]
}


def extraction_speed_rows(
    passes: int = 3, pages: list[LabelledPage] | None = None
) -> list[dict[str, object]]:
    """pages/s by wall clock and by CPU time (each the median of ``passes``) and body F1 per row; [] with a note when the set is absent."""
    from bench.eval.fundus import available, fundus_dir, fundus_pages

    if pages is None:
        if not available():
            print(json.dumps({"extraction_speed_fundus": f"skipped: no pages under {fundus_dir()}"}))
            return []
        pages = fundus_pages()
    for body_of in ROWS.values():  # warm-up: imports and lazy caches are not billed to a pass
        with contextlib.suppress(Exception):  # a third-party crash on one page must not end the run
            body_of(pages[0])
    seconds: dict[str, list[float]] = {name: [] for name in ROWS}
    cpu_seconds: dict[str, list[float]] = {name: [] for name in ROWS}
    f1s: dict[str, list[float]] = {name: [] for name in ROWS}
    for n in range(passes):
        for name, body_of in ROWS.items():
            start, cpu_start = time.perf_counter(), time.process_time()
            outputs = []
            for page in pages:
                try:
                    outputs.append(body_of(page))
                except Exception:
                    outputs.append(None)
            seconds[name].append(time.perf_counter() - start)
            cpu_seconds[name].append(time.process_time() - cpu_start)
            if n == 0 and any(out is not None for out in outputs):
                f1s[name] = [
                    metrics.body_score(p.body, out).f1 for p, out in zip(pages, outputs, strict=True)
                ]
    rows = []
    base = len(pages) / statistics.median(seconds["trafilatura"])
    cpu_base = len(pages) / statistics.median(cpu_seconds["trafilatura"])
    for name in ROWS:
        rate = len(pages) / statistics.median(seconds[name])
        cpu_rate = len(pages) / statistics.median(cpu_seconds[name])
        row: dict[str, object] = {
            "extractor": name,
            "pages": len(pages),
            "megabytes": round(sum(len(p.html.encode("utf-8")) for p in pages) / 1e6, 1),
            "pages_per_second": round(rate, 1),
            "x_trafilatura": round(rate / base, 2),
            "pages_per_cpu_second": round(cpu_rate, 1),
            "x_trafilatura_cpu": round(cpu_rate / cpu_base, 2),
            "body_f1": round(statistics.mean(f1s[name]), 3) if f1s[name] else None,
            "passes": passes,
        }
        rows.append(row)
        print(json.dumps({"extraction_speed_fundus": row}))
    return rows


if __name__ == "__main__":
    extraction_speed_rows(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
