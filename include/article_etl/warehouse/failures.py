"""A failed task of a source, written into the warehouse so the day shows it, not only a log.

The failure alert (``article_etl.alerts``) calls this. The row is an ordinary reject with the
code ``source_failed``, so the quality page, ``article-etl report`` and SQL users see it beside the
day's other rejects; the next successful load of that day and source replaces the day's rejects
and so clears it. Writing it must never hide the original failure: errors are the caller's to log.
"""

from __future__ import annotations

from sqlalchemy import Engine, delete, insert

from article_etl import codes
from article_etl.warehouse.schema import rejects


def record_source_failure(
    engine: Engine, *, ds: str, source_id: str, stage: str, url: str, detail: str, run_id: str | None
) -> None:
    """Replace any earlier failure row of this day, source and stage with this one."""
    with engine.begin() as conn:
        conn.execute(
            delete(rejects).where(
                rejects.c.ds == ds,
                rejects.c.source_id == source_id,
                rejects.c.stage == stage,
                rejects.c.reason == codes.SOURCE_FAILED,
            )
        )
        conn.execute(
            insert(rejects).values(
                ds=ds,
                stage=stage,
                source_id=source_id,
                url=url,
                reason=codes.SOURCE_FAILED,
                detail=detail,
                run_id=run_id,
                # A failed task says nothing about the articles loaded earlier: it removes none.
                evidence=codes.EVIDENCE_NONE,
                check_name=codes.SOURCE_FAILED,
            )
        )
