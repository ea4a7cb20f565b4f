"""``make eval``: score ours, trafilatura and readability-lxml on the same labelled pages.

Run from the repository root as ``python -m bench.eval.harness`` (or ``python
bench/eval/harness.py``). Prints one markdown table (per extractor: zh pages, en pages, all) and,
with ``--json PATH``, writes the same numbers plus per-page scores for a later diff.

How to read the table: body P/R/F1 are macro averages over pages of bag-of-token overlap
(``metrics.tokens``), so a short page counts as much as a long one, as it does for a reader.
Title, author and date are the share of pages right. "date" is to the minute (date-only labels
by day); "date/day" compares days only, which is the fair figure for extractors that report no
time of day. pages/s is the median of the passes, decoding excluded (all extractors read the
same already-decoded text).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` importable from the repo root
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.eval import metrics
from bench.eval.dataset import LabelledPage, load_pages
from bench.eval.extractors import EXTRACTORS, Extractor, Prediction
from bench.eval.fundus import available as fundus_available
from bench.eval.fundus import fundus_dir, fundus_pages

SETS = ("labelled", "fundus")


def groups_of(pages: list[LabelledPage]) -> list[str]:
    """The language groups of a set, biggest first, then "all"."""
    counts: dict[str, int] = {}
    for page in pages:
        counts[page.lang] = counts.get(page.lang, 0) + 1
    return [*sorted(counts, key=lambda lang: (-counts[lang], lang)), "all"]


@dataclass
class PageResult:
    """The scores of one extractor on one page (and the error, if it raised)."""

    page: str
    lang: str
    precision: float
    recall: float
    f1: float
    title: bool
    author: bool
    date: bool
    date_day: bool
    seconds: float
    error: str | None = None


@dataclass
class Summary:
    """Averages of one extractor over one group of pages."""

    pages: int
    precision: float
    recall: float
    f1: float
    title: float
    author: float
    date: float
    date_day: float
    pages_per_second: float


@dataclass
class ExtractorRun:
    """Everything measured for one extractor: per-page results and per-group summaries."""

    name: str
    results: list[PageResult]
    summaries: dict[str, Summary] = field(default_factory=dict)


def _safe(extract: Extractor, page: LabelledPage) -> tuple[Prediction, str | None]:
    """A crash is an empty prediction with the error kept: one bad page must not end the run."""
    try:
        return extract(page), None
    except Exception as exc:  # third-party extractors raise on odd markup
        return Prediction(None, None, None, None), f"{type(exc).__name__}: {exc}"


def score(page: LabelledPage, pred: Prediction, seconds: float, error: str | None) -> PageResult:
    """One prediction against one label."""
    body = metrics.body_score(page.body, pred.body)
    return PageResult(
        page=page.name,
        lang=page.lang,
        precision=body.precision,
        recall=body.recall,
        f1=body.f1,
        title=metrics.title_ok(page.title, pred.title),
        author=metrics.author_ok(page.author, pred.author),
        date=metrics.date_ok(page.published_at, pred.published_at, page.tz),
        date_day=metrics.date_ok(page.published_at, pred.published_at, page.tz, by_day=True),
        seconds=seconds,
        error=error,
    )


def run_extractor(name: str, extract: Extractor, pages: list[LabelledPage], passes: int = 3) -> ExtractorRun:
    """Run ``extract`` over all pages ``passes`` times; score the first pass, time all of them.

    One untimed warm-up call first, so lazy imports and caches are not billed to the first page.
    A page's time is the median over passes, which keeps one scheduler hiccup out of the figure.
    """
    if pages:
        _safe(extract, pages[0])
    timings: list[list[float]] = [[] for _ in pages]
    first: list[tuple[Prediction, str | None]] = []
    for n in range(max(1, passes)):
        for i, page in enumerate(pages):
            start = time.perf_counter()
            outcome = _safe(extract, page)
            timings[i].append(time.perf_counter() - start)
            if n == 0:
                first.append(outcome)
    results = [
        score(page, pred, statistics.median(times), error)
        for page, (pred, error), times in zip(pages, first, timings, strict=True)
    ]
    run = ExtractorRun(name, results)
    for group in groups_of(pages):
        members = [r for r in results if group == "all" or r.lang == group]
        if members:
            run.summaries[group] = summarise(members)
    return run


def summarise(results: list[PageResult]) -> Summary:
    """Macro averages over pages; speed as pages over total (per-page median) seconds."""

    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    total = sum(r.seconds for r in results)
    return Summary(
        pages=len(results),
        precision=mean([r.precision for r in results]),
        recall=mean([r.recall for r in results]),
        f1=mean([r.f1 for r in results]),
        title=mean([float(r.title) for r in results]),
        author=mean([float(r.author) for r in results]),
        date=mean([float(r.date) for r in results]),
        date_day=mean([float(r.date_day) for r in results]),
        pages_per_second=len(results) / total if total else float("inf"),
    )


def evaluate(
    names: list[str] | None = None, passes: int = 3, pages: list[LabelledPage] | None = None
) -> list[ExtractorRun]:
    """Run the named extractors (all by default) over ``pages`` (default: our labelled set)."""
    pages = load_pages() if pages is None else pages
    chosen = names or list(EXTRACTORS)
    return [run_extractor(name, EXTRACTORS[name], pages, passes) for name in chosen]


def markdown_table(runs: list[ExtractorRun], min_pages: int = 1) -> str:
    """The summary table, one row per extractor and page group (groups of ``min_pages`` or more)."""
    head = (
        "| extractor | pages | lang | body P | body R | body F1 | title | author | date | date/day | pages/s |\n"
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    rows = [head]
    for run in runs:
        for group, s in run.summaries.items():
            if s.pages < min_pages and group != "all":
                continue
            rows.append(
                f"| {run.name} | {s.pages} | {group} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} "
                f"| {s.title:.2f} | {s.author:.2f} | {s.date:.2f} | {s.date_day:.2f} "
                f"| {s.pages_per_second:.1f} |"
            )
    return "\n".join(rows)


def details_table(runs: list[ExtractorRun]) -> str:
    """Per page: body F1 and which of title/author/date (T/A/D) each extractor got right."""
    names = [r.name for r in runs]
    rows = [
        "| page | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    by_page = [run.results for run in runs]
    for results in zip(*by_page, strict=True):
        cells = []
        for r in results:
            flags = "".join(c if ok else "-" for c, ok in (("T", r.title), ("A", r.author), ("D", r.date)))
            cells.append(f"{r.f1:.2f} {flags}" + (" ERR" if r.error else ""))
        rows.append(f"| {results[0].page} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def to_json(runs: list[ExtractorRun]) -> dict[str, object]:
    """The numbers, machine-readable: summaries per group and every page's scores."""
    return {
        run.name: {
            "summary": {group: asdict(s) for group, s in run.summaries.items()},
            "pages": [asdict(r) for r in run.results],
        }
        for run in runs
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: print the table; optionally per-page details and a JSON file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    parser.add_argument("--passes", type=int, default=3, help="timed passes per extractor (default 3)")
    parser.add_argument(
        "--only", help=f"comma-separated extractors to run (default all: {','.join(EXTRACTORS)})"
    )
    parser.add_argument("--details", action="store_true", help="also print per-page scores")
    parser.add_argument(
        "--set",
        choices=(*SETS, "both"),
        default="both",
        help="labelled: our own pages; fundus: the shared Fundus pages; both (default)",
    )
    parser.add_argument(
        "--min-group", type=int, default=3, help="print language groups with at least this many pages (3)"
    )
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",")] if args.only else None
    unknown = [n for n in names or [] if n not in EXTRACTORS]
    if unknown:
        parser.error(f"unknown extractor(s): {', '.join(unknown)}")
    chosen = SETS if args.set == "both" else (args.set,)
    numbers: dict[str, object] = {}
    for set_name in chosen:
        if set_name == "fundus" and not fundus_available():
            print(f"skipped the Fundus set: no pages under {fundus_dir()} (set $ARTICLE_ETL_FUNDUS_DIR)")
            continue
        pages = fundus_pages() if set_name == "fundus" else load_pages()
        runs = evaluate(names, args.passes, pages)
        print(f"\n### {set_name}: {len(pages)} pages\n")
        print(markdown_table(runs, args.min_group))
        if args.details:
            print()
            print(details_table(runs))
        errors = [(run.name, r.page, r.error) for run in runs for r in run.results if r.error]
        for name, page, error in errors:
            print(f"warning: {name} raised on {page}: {error}", file=sys.stderr)
        numbers[set_name] = to_json(runs)
    if args.json:
        args.json.write_text(json.dumps(numbers, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
