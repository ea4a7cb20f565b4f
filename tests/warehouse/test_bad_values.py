"""One record's bad value is that record's reject (or a recorded cut), never a failed batch.

Every test runs on SQLite, PostgreSQL and MariaDB: each refuses different things (PostgreSQL a NUL,
MariaDB a body over 64 KB in a TEXT column, every driver a lone surrogate).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from article_etl.records import Article
from article_etl.warehouse import fit, write
from article_etl.warehouse.schema import articles, pipeline_runs
from tests.warehouse.helpers import load, make_article, make_reject, stored_rejects, urls

GOOD = make_article("http://x/good", "好文章" * 100)


def _stored(engine: Engine, url: str) -> dict[str, object]:
    with engine.connect() as conn:
        return dict(conn.execute(select(articles).where(articles.c.url == url)).one()._mapping)


def test_a_batch_of_bad_values_loads_the_rest(warehouse: Engine) -> None:
    long_canonical = "http://x/long?" + "q" * 800
    long_url = "http://x/longer/" + "p" * 2100
    big = "长" * 70_000 + "𠀀"  # > 64 KB on MariaDB in any encoding
    batch = [
        GOOD,
        replace(make_article("http://x/site", "站点" * 100), site_name="网" * 300),
        replace(make_article("http://x/canon", "规范" * 100), canonical_url=long_canonical),
        make_article("http://x/nul", "空\x00字符" * 100, title="标\x00题"),
        replace(make_article("http://x/surrogate", "代理" * 100), body="代理" * 100 + "\udc80"),
        make_article("http://x/big", big),
        replace(make_article("http://x/longer", "很长" * 100), url=long_url),
        replace(make_article("http://x/undated", "无日期" * 100), published_at=None),
    ]
    result = load(warehouse, batch)

    loaded = ["http://x/big", "http://x/good", "http://x/nul", "http://x/site", "http://x/surrogate"]
    assert urls(warehouse) == loaded
    assert result.loaded == 5
    assert result.rejected == 3

    site = _stored(warehouse, "http://x/site")
    assert (site["site_name"], site["repairs"]) == ("网" * 255, "site_name:truncated")
    nul = _stored(warehouse, "http://x/nul")
    assert (nul["title"], nul["body"]) == ("标题", "空字符" * 100)
    assert nul["repairs"] == "title:unstorable_removed,body:unstorable_removed"
    surrogate = _stored(warehouse, "http://x/surrogate")
    assert (surrogate["body"], surrogate["repairs"]) == ("代理" * 100, "body:unstorable_removed")
    assert _stored(warehouse, "http://x/big")["body"] == big
    assert _stored(warehouse, "http://x/good")["body"] == GOOD.body

    found = stored_rejects(warehouse)
    assert found["http://x/canon"] == (
        "field_too_long",
        f"canonical_url is {len(long_canonical)} characters long; its warehouse column holds 768",
    )
    assert found[fit.clip(long_url, 2048)] == (
        "field_too_long",
        f"url is {len(long_url)} characters long; its warehouse column holds 2048",
    )
    reason, detail = found["http://x/undated"]
    assert reason == "warehouse_refused"
    assert detail.startswith("the warehouse refused the row: ")
    assert "published_at" in detail
    assert "\n" not in detail
    with warehouse.connect() as conn:
        load_metrics = select(pipeline_runs.c.metric, pipeline_runs.c.value).where(
            pipeline_runs.c.stage == "load"
        )
        metrics = dict(conn.execute(load_metrics).all())
    assert metrics == {"loaded": 5.0, "rejected": 3.0}


def test_a_reject_too_long_for_its_columns_is_stored_cut_with_a_marker(warehouse: Engine) -> None:
    url = "http://x/" + "长" * 3000
    rej = replace(make_reject(url, detail="HTTP 404\x00"), raw_ref="warc/" + "r" * 1500 + "#\ud800")
    load(warehouse, [GOOD], [rej])
    assert urls(warehouse) == [GOOD.url]
    ((stored_url, (reason, detail)),) = stored_rejects(warehouse).items()
    assert len(stored_url) == 2048
    assert stored_url.startswith("http://x/长长")
    assert stored_url.endswith(f"…[+{len(url) - stored_url.index('…')} chars]")
    assert reason == "http_status"
    assert detail.startswith("HTTP 404; 1 unstorable character(s)")


def test_a_row_the_database_refuses_becomes_its_own_reject(
    warehouse: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the scrub switched off, the database (or driver) refuses the value itself: the
    one-row-at-a-time fallback turns each refusal into a reject and loads the rest."""
    monkeypatch.setattr(fit, "scrub_unstorable", lambda text: (text, 0))
    # (built clean, then damaged: content_hash itself cannot hash a lone surrogate)
    bad = [replace(make_article("http://x/surrogate", "代理" * 100), body="代理" * 100 + "\ud800")]
    if warehouse.dialect.name == "postgresql":
        bad.append(make_article("http://x/nul", "空\x00字符" * 100))
    load(warehouse, [GOOD, *bad, make_article("http://x/also-good", "也好" * 100)])
    assert urls(warehouse) == ["http://x/also-good", "http://x/good"]
    found = stored_rejects(warehouse)
    assert {url: reason for url, (reason, _) in found.items()} == {a.url: "warehouse_refused" for a in bad}
    assert "surrogates not allowed" in found["http://x/surrogate"][1]
    if warehouse.dialect.name == "postgresql":
        assert "NUL" in found["http://x/nul"][1]


def test_a_refused_or_too_long_rerun_keeps_the_article_loaded_before(warehouse: Engine) -> None:
    """field_too_long and warehouse_refused are evidence "none": the good day's row stays as it was."""
    first = make_article("http://x/a", "甲" * 200)
    load(warehouse, [first, GOOD])
    refused = replace(first, body="新" * 200, published_at=None)
    too_long = replace(GOOD, body="新" * 200, url=GOOD.url + "?" + "x" * 2100)
    load(warehouse, [refused, too_long])
    assert urls(warehouse) == [first.url, GOOD.url]
    assert _stored(warehouse, first.url)["body"] == first.body
    assert _stored(warehouse, GOOD.url)["body"] == GOOD.body
    assert {reason for reason, _ in stored_rejects(warehouse).values()} == {
        "warehouse_refused",
        "field_too_long",
    }


def test_a_database_that_fails_to_run_fails_the_load_and_changes_nothing(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lock timeout is not a bad row: the load raises (the task retries) and rolls back whole."""
    load(sqlite_engine, [GOOD])

    def locked(conn: object, rows: object, **_: object) -> None:
        raise OperationalError("INSERT INTO articles", {}, Exception("database is locked"))

    monkeypatch.setattr(write, "write_articles", locked)
    other: Article = make_article("http://x/other", "别的" * 100)
    with pytest.raises(OperationalError):
        load(sqlite_engine, [other], [make_reject(GOOD.url, evidence="gone")])
    assert urls(sqlite_engine) == [GOOD.url]
    assert stored_rejects(sqlite_engine) == {}
