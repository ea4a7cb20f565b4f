"""Records and shortcuts the warehouse tests share (the fixtures are in ``conftest.py``)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select

from article_etl.config import Source
from article_etl.identity import article_id, canonical_url, content_hash
from article_etl.records import Article, Reject
from article_etl.warehouse import LoadResult, load_partition
from article_etl.warehouse.schema import articles, pipeline_runs, rejects

SOURCE = Source.model_validate(
    {"id": "xj", "name": "西江", "discovery": {"kind": "rss", "url": "http://x/rss"}}
)
DS = "2026-11-18"


def make_article(url: str, body: str, title: str = "标题") -> Article:
    canon = canonical_url(url)
    return Article(
        article_id=article_id(canon),
        source_id="xj",
        url=url,
        canonical_url=canon,
        title=title,
        body=body,
        author="王永强",
        published_at=datetime(2026, 11, 18, 2, tzinfo=UTC),
        site_name="西江网",
        lang="zh",
        detected_encoding="gb18030",
        encoding_method="meta",
        content_hash=content_hash(body),
        char_count=len(body),
        ds=DS,
    )


def make_reject(
    url: str,
    reason: str = "http_status",
    evidence: str = "content",
    stage: str = "fetch",
    detail: str = "test",
) -> Reject:
    return Reject(
        ds=DS, stage=stage, source_id="xj", url=url, reason=reason, detail=detail, evidence=evidence
    )


def load(engine: Engine, batch: list[Article], rejected: list[Reject] | None = None) -> LoadResult:
    return load_partition(
        engine,
        source=SOURCE,
        ds=DS,
        batch=batch,
        partition_rejects=rejected or [],
        dq_rows=[],
        counts={"fetch": {"pages": len(batch)}},
        run_id="manual__1",
    )


def snapshot(engine: Engine) -> tuple[list[tuple[object, ...]], ...]:
    """Every row of articles, rejects and pipeline_runs (without surrogate ids), sorted."""
    with engine.connect() as conn:
        return tuple(
            sorted(tuple(r) for r in conn.execute(select(*[c for c in t.columns if c.name != "id"])))
            for t in (articles, rejects, pipeline_runs)
        )


def urls(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(articles.c.url)).scalars())


def stored_rejects(engine: Engine) -> dict[str, tuple[str, str]]:
    """The rejects table as url -> (reason, detail)."""
    with engine.connect() as conn:
        return {
            row.url: (row.reason, row.detail)
            for row in conn.execute(select(rejects.c.url, rejects.c.reason, rejects.c.detail))
        }


def big_day(size: int = 2_000) -> tuple[list[Article], list[Reject], dict[str, dict[str, float]]]:
    """A large day of one source, the same every call: articles, transient rejects and counts."""
    batch = [make_article(f"http://x/big/{i}", f"第{i}篇文章的正文。" * 40) for i in range(size)]
    failed = [
        make_reject(f"http://x/timeout/{i}", "fetch_timeout", "transient", detail=f"no answer ({i})")
        for i in range(size // 40)
    ]
    counts = {"fetch": {"pages": float(size)}, "validate": {"articles": float(size)}}
    return batch, failed, counts


def load_day(
    engine: Engine, batch: list[Article], failed: list[Reject], counts: dict[str, dict[str, float]]
) -> LoadResult:
    return load_partition(
        engine,
        source=SOURCE,
        ds=DS,
        batch=batch,
        partition_rejects=failed,
        dq_rows=[],
        counts=counts,
        run_id="scheduled__1",
    )
