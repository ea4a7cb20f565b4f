"""Validate: the Great Expectations gate over the cleaned batch of this run.

Great Expectations is imported inside ``validate_rows`` only (it takes seconds to import).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from article_etl.config import Settings
from article_etl.records import Article, DQResult
from article_etl.run import Day
from article_etl.stages.common import stage_attempt
from article_etl.storage import Kind, RunPartition, Stage


def run(settings: Settings, source_id: str, day: Day, root: Path | None = None) -> dict[str, Any]:
    """Pass on the articles every expectation accepts; the rest become rejects."""
    from article_etl.quality.gx_suite import validate_rows

    with stage_attempt(Stage.VALIDATE, settings, source_id, day, root) as stage:
        cleaned = stage.read(RunPartition.of(Stage.CLEAN, day, source_id, root).published())
        batch = list(cleaned.records(Kind.ARTICLES, Article))
        rows = [
            {
                "article_id": a.article_id,
                "url": a.url,
                "title": a.title,
                "body": a.body,
                "published_at": a.published_at,
                "content_hash": a.content_hash,
            }
            for a in batch
        ]
        outcome = validate_rows(rows, settings.checks)
        with stage.attempt.writer(Kind.ARTICLES) as out:
            for art in batch:
                failed = outcome.failures.get(art.article_id)
                if failed:
                    stage.reject(
                        art.url, failed[0][0], "; ".join(f"{code}: {detail}" for code, detail in failed)
                    )
                else:
                    out.write(art)
        with stage.attempt.writer(Kind.DQ_RESULTS) as dq:
            for result in outcome.results:
                dq.write(DQResult(ds=day.ds, source_id=source_id, stage=Stage.VALIDATE.value, **result))
        stage.manifest.counts.update({"in": len(batch), "out": out.count})
    return stage.summary(count=out.count)
