"""JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1): ``items[].url`` (``external_url`` when
an item only points elsewhere), ``date_published`` (RFC 3339; without an offset, the source's
zone) and ``title``. JSON is UTF-8 by the spec; ``json.loads`` on the bytes also takes UTF-16/32.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urljoin

from article_etl.codes import FEED_PARSE_ERROR
from article_etl.config import JsonFeedDiscovery
from article_etl.fetch.routes.base import Context, Coverage, Problem, dated_coverage, malformed
from article_etl.fetch.routes.dates import parse_date
from article_etl.records import Discovered


class JsonFeed:
    """A JSON Feed at ``config.url``."""

    def __init__(self, config: JsonFeedDiscovery) -> None:
        self.config = config

    def entries(self, ctx: Context) -> Iterable[Discovered]:
        url = self.config.url
        shown = ctx.shown(url)
        body = ctx.get_configured(url)
        try:
            doc = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise malformed(ctx.source.id, "JSON Feed", shown, f"is not JSON ({exc})") from exc
        version = doc.get("version", "") if isinstance(doc, dict) else ""
        if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/"):
            raise malformed(
                ctx.source.id,
                "JSON Feed",
                shown,
                "is not a JSON Feed (no https://jsonfeed.org/version/ version)",
            )
        items = doc.get("items")
        if not isinstance(items, list):
            raise malformed(ctx.source.id, "JSON Feed", shown, "has no items list")
        out = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                ctx.problems.append(
                    Problem(f"{shown}#item-{index}", FEED_PARSE_ERROR, "JSON Feed item is not an object")
                )
                continue
            link = _text(item.get("url")) or _text(item.get("external_url"))
            out.append(
                Discovered(
                    source_id=ctx.source.id,
                    url=ctx.redact(urljoin(url, link)) if link else "",
                    listed_published_at=parse_date(
                        _text(item.get("date_published")) or _text(item.get("date_modified")), ctx.zone
                    ),
                    listed_title=_text(item.get("title")) or None,
                )
            )
        ctx.listing.remember(url)
        return out

    def coverage(self, ctx: Context, entries: Sequence[Discovered]) -> Coverage:
        """A feed holds its latest items only: it covers the day when its oldest item is older."""
        return dated_coverage("jsonfeed", entries, ctx)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
