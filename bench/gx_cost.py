"""What Great Expectations costs the validate stage, beside the plain-Python reference.

For N synthetic articles (2,000-character Chinese bodies, 1% without a title) each case runs in a
fresh interpreter so import cost and peak memory are its own:

- ``gx``: import GX + build the context (``setup_seconds``, once per process), then the clean
  suite over N rows in chunks, as the validate stage runs it (``seconds``, Data Docs included);
- ``python``: the same rules evaluated directly (``check_article`` per record), the floor any
  quality gate pays.

Usage: ``.venv/bin/python bench/gx_cost.py [N ...]`` (default 1000 10000). Prints JSON lines.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory

CASE = r"""
import json, resource, sys, time
sys.path.insert(0, {repo!r})
from bench.gx_cost import articles
from article_etl.quality import rules, suites
n, mode, docs = {n}, {mode!r}, {docs!r}
batch = articles(n)
ctx = rules.RuleContext(window=(__import__("datetime").datetime(2026, 11, 18, tzinfo=__import__("datetime").UTC),
                               __import__("datetime").datetime(2026, 11, 19, tzinfo=__import__("datetime").UTC)))
setup = 0.0
if mode == "gx":
    from pathlib import Path
    from article_etl.quality.validation import _runtime, validate
    t0 = time.perf_counter()
    _runtime(Path(docs))  # import GX, build the context: once per process
    setup = time.perf_counter() - t0
t0 = time.perf_counter()
if mode == "gx":
    out = validate(suites.clean_suite(), batch, rules.article_rows(batch), context=ctx,
                   docs_folder=Path(docs), run_name="bench", batch_name=str(n))
    failed = len(out.failures)
else:
    from article_etl.quality.checks import check_article
    failed = sum(1 for a in batch if check_article(a, thresholds=ctx.thresholds, window=ctx.window))
seconds = time.perf_counter() - t0
print(json.dumps({{"n": n, "mode": mode, "setup_seconds": round(setup, 2), "seconds": round(seconds, 2), "failed": failed,
                  "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}}))
"""


def articles(n: int) -> list:  # type: ignore[type-arg]
    """N distinct articles of about 2,000 characters, every hundredth without a title."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.warehouse.helpers import make_article

    words = "市政府今天宣布新的交通规划方案将在明年实施居民表示欢迎专家认为效果值得期待"
    out = []
    for i in range(n):
        body = "".join(words[(i + j) % len(words)] for j in range(1900)) + f"第{i}篇。"
        art = make_article(f"http://bench.example/{i}", body)
        out.append(replace(art, title=None) if i % 100 == 0 else art)
    assert all(a.published_at == datetime(2026, 11, 18, 2, tzinfo=UTC) for a in out[:1])
    return out


def main(sizes: list[int]) -> None:
    repo = str(Path(__file__).resolve().parents[1])
    with TemporaryDirectory() as docs:
        for n in sizes:
            for mode in ("python", "gx"):
                code = CASE.format(repo=repo, n=n, mode=mode, docs=docs)
                start = time.perf_counter()
                proc = subprocess.run(
                    [sys.executable, "-c", code], capture_output=True, text=True, check=True
                )
                row = json.loads(proc.stdout.strip().splitlines()[-1])
                row["process_seconds"] = round(time.perf_counter() - start, 2)
                print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000])
