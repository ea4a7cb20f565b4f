from __future__ import annotations

from sqlalchemy import Engine

from article_etl.records import Reject
from article_etl.report import day_report, format_report
from article_etl.warehouse import load_partition
from tests.warehouse.test_load import DS, SOURCE, make_article


def test_report_counts_lists_each_reject_and_explains_its_reason(sqlite_engine: Engine) -> None:
    gone = Reject(
        ds=DS, stage="fetch", source_id="xj", url="http://x/404", reason="http_status", detail="HTTP 404"
    )
    load_partition(
        sqlite_engine,
        source=SOURCE,
        ds=DS,
        batch=[make_article("http://x/a", "正文" * 100)],
        partition_rejects=[gone],
        dq_rows=[],
        counts={"fetch": {"pages": 2}},
        run_id="r",
    )
    rows = day_report(sqlite_engine, DS)
    assert [(r.source_id, r.pages_fetched, r.articles_loaded, r.rejects) for r in rows] == [
        ("xj", 2, 1, {"http_status": 1})
    ]
    text = format_report(DS, rows)
    assert "[xj] http_status at fetch: http://x/404" in text
    assert "http_status: the page did not answer 2xx" in text
    assert format_report("2026-01-01", day_report(sqlite_engine, "2026-01-01")).endswith(
        "(nothing recorded for this day)"
    )
