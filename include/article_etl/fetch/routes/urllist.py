"""A plain list of article URLs: inline in the sources file, or a local text file with one URL a
line (blank lines and ``#`` comments skipped). No dates: each page's own date decides the window
at clean, so a list can be given to every day's run and each day keeps its own articles.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from article_etl.codes import MISSING_URL
from article_etl.config import ConfigError, UrlListDiscovery
from article_etl.fetch.routes.base import Context, Coverage, Problem
from article_etl.records import Discovered


class UrlList:
    """The URLs of ``config.urls`` and then of ``config.file``."""

    def __init__(self, config: UrlListDiscovery) -> None:
        self.config = config

    def entries(self, ctx: Context) -> Iterable[Discovered]:
        lines = [(f"{ctx.field_name}.urls[{i}]", u) for i, u in enumerate(self.config.urls)]
        if self.config.file:
            path = Path(self.config.file)
            try:
                text = path.read_text(encoding="utf-8-sig")
                lines += [(f"{path} line {n}", line) for n, line in enumerate(text.splitlines(), 1)]
            except FileNotFoundError:
                raise ConfigError(
                    f"source {ctx.source.id}: {ctx.field_name}.file {path} does not exist; create it or fix the path"
                ) from None
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(
                    f"source {ctx.source.id}: {ctx.field_name}.file {path} cannot be read as UTF-8 text ({exc}); "
                    "give one URL a line"
                ) from None
        out = []
        for where, raw in lines:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if urlsplit(line).scheme not in ("http", "https") or not urlsplit(line).hostname:
                ctx.problems.append(
                    Problem(
                        where,
                        MISSING_URL,
                        f"{where} is not an http(s) URL: {ctx.redact(line)[:200]!r}",
                    )
                )
                continue
            out.append(Discovered(source_id=ctx.source.id, url=ctx.redact(line)))
        return out

    def coverage(self, ctx: Context, entries: Sequence[Discovered]) -> Coverage:
        """A list is taken whole, for every day: nothing of it can have dropped off."""
        return Coverage(
            True, f"urls: the list ({len(entries)} URLs) is taken whole; each page's own date decides"
        )
