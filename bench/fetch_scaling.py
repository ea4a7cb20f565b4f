"""Fetch time per article against N, wall and CPU, sizes interleaved (issue #16).

`make bench` measured the fetch stage at 5.0 ms an article at N=1,000 and 8.0 at N=10,000, the
two runs 15 minutes apart on shared cores. This runs discover + fetch exactly as `make bench` does
(each stage in a fresh interpreter, the corpus site in its own process), alternating the sizes
(1k, 10k, 1k, 10k, ...) so both see the same machine, and prints beside the wall time the fetch
process's CPU time (all its threads) and the load average: work that grows with N shows in CPU
per article; wall time alone also moves with the other jobs on the cores.

    .venv/bin/python -m bench.fetch_scaling [--reps 2] [1000 10000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from bench.corpus import sources_yaml
from bench.day import CONCURRENCY, _child, corpus_site


def once(n: int, seed: int = 16) -> dict[str, float]:
    """discover then fetch of a fresh day of ``n`` pages; the fetch row's figures."""
    with tempfile.TemporaryDirectory(prefix="fetch-scaling-") as tmp, corpus_site(n, seed) as base:
        work = Path(tmp)
        (work / "home").mkdir()
        sources = work / "sources.yaml"
        sources.write_text(sources_yaml(base, n, CONCURRENCY), encoding="utf-8")
        load = os.getloadavg()[0]
        for stage in ("discover", "fetch"):
            row = _child("stage", stage, sources, work / "home", None, work / "stderr.log")
            if "error" in row:
                raise SystemExit(f"{stage} at N={n}: {row['error']}")
        return {"seconds": row["seconds"], "cpu_seconds": row["cpu_seconds"], "load": load}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.fetch_scaling", description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--reps", type=int, default=2)
    args = parser.parse_args(argv)
    print("| rep | N | fetch s | wall ms/article | CPU ms/article | load average (1 min) at start |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for rep in range(1, args.reps + 1):
        for n in args.sizes:
            r = once(n)
            print(
                f"| {rep} | {n:,} | {r['seconds']:.1f} | {r['seconds'] * 1000 / n:.2f} "
                f"| {r['cpu_seconds'] * 1000 / n:.2f} | {r['load']:.1f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
