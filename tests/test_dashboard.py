"""The quality page's figures, read from a real SQLite warehouse loaded by the real loader."""

from __future__ import annotations

from sqlalchemy import Engine

from article_etl.dashboard import overview, quarantine, window
from article_etl.dashboard_page import render_overview, render_quarantine
from tests.warehouse.helpers import DS, load, make_article, make_reject


def _day(engine: Engine) -> None:
    batch = [make_article(f"http://x/a/{i}", f"第{i}篇文章的正文。" * 30) for i in range(4)]
    batch[0].author = None
    rejected = [
        make_reject("http://x/gone", "http_status", "gone"),
        make_reject("http://x/bad", "mojibake", stage="clean", detail="<script>alert(1)</script>"),
        make_reject("http://x/bad2", "mojibake", stage="clean"),
    ]
    load(engine, batch, rejected)


def test_the_newest_day_has_its_volumes_rejects_and_health(sqlite_engine: Engine) -> None:
    _day(sqlite_engine)
    view = overview(sqlite_engine, days=7)
    assert view.days[-1] == DS
    assert len(view.days) == 7
    (fig,) = [f for f in view.rows if f.ds == DS]
    assert fig.source_id == "xj"
    assert fig.loaded == 4
    assert fig.rejected == 3
    assert fig.rejects_by_reason == {"mojibake": 2, "http_status": 1}
    assert fig.with_author == 0.75
    assert fig.with_date == 1.0
    assert fig.median_body_chars is not None
    assert fig.median_body_chars > 200
    assert fig.runs == ["manual__1"]
    assert [f.source_id for f in view.freshness] == ["xj"]
    assert view.freshness[0].last_loaded_ds == DS


def test_an_empty_warehouse_says_so(sqlite_engine: Engine) -> None:
    assert window(sqlite_engine, 30) == []
    assert "no runs yet" in render_overview(overview(sqlite_engine))


def test_quarantine_filters_and_the_page_escapes_what_sites_sent(sqlite_engine: Engine) -> None:
    _day(sqlite_engine)
    records = quarantine(sqlite_engine, ds=DS, source_id="xj", reason="mojibake")
    assert sorted(r.url for r in records) == ["http://x/bad", "http://x/bad2"]
    assert quarantine(sqlite_engine, ds="2001-01-01") == []
    html = render_quarantine(records, {}, {"ds": DS})
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = render_overview(overview(sqlite_engine))
    assert "quarantine?ds=2026-11-18&amp;source_id=xj&amp;reason=mojibake" in page
    assert page.count("<svg") == 3
