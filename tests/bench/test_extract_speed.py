"""`bench/extract_speed.py` on two labelled pages: every row has its wall-clock and CPU-time rate
and ratio to trafilatura. Shapes only; nothing here judges a speed."""

from __future__ import annotations

from bench.eval.dataset import load_pages
from bench.extract_speed import ROWS, extraction_speed_rows


def test_each_row_has_wall_and_cpu_rates_beside_trafilatura() -> None:
    pages = load_pages()[:2]
    rows = extraction_speed_rows(passes=1, pages=pages)
    assert [row["extractor"] for row in rows] == list(ROWS)
    by_name = {row["extractor"]: row for row in rows}
    assert by_name["trafilatura"]["x_trafilatura"] == by_name["trafilatura"]["x_trafilatura_cpu"] == 1.0
    for row in rows:
        assert row["pages"] == 2
        for key in ("pages_per_second", "pages_per_cpu_second", "x_trafilatura_cpu"):
            value = row[key]
            assert isinstance(value, float), (row["extractor"], key)
            assert value > 0, (row["extractor"], key)
    assert by_name["ours"]["body_f1"] is not None
    assert by_name["bare lxml parse"]["body_f1"] is None
