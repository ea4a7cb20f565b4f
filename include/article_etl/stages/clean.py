"""Clean: fetched pages -> articles; a page that cannot become one is a reject.

The record checks (required fields, encoding, length, window) are not run here but by the
validate stage's Great Expectations suite, which quarantines what fails them with the
expectation's name: one definition of each rule, one place that applies it.

Each page is its own unit of failure: an extractor exception, a page over the time budget, a
value no file or database can store, or a failed check is that page's reject with its code,
and the rest of the batch goes on. Extraction runs in a worker process with a time budget
(``extract.budget``), because pure-Python code cannot be interrupted otherwise; it extracts the
next page while this process builds the current page's article (``ExtractionWorker.extract_each``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from article_etl import codes
from article_etl.config import Selectors, Settings, Source
from article_etl.encoding import repair_mojibake, scrub_unstorable
from article_etl.extract import ExtractedArticle
from article_etl.extract.budget import ExtractionWorker, ExtractTimeout, Request
from article_etl.identity import article_id, canonical_url, content_hash
from article_etl.quality.checks import split_duplicates
from article_etl.quality.near_duplicates import distance, simhash
from article_etl.records import Article, Page
from article_etl.run import Day
from article_etl.stages.common import stage_attempt
from article_etl.storage import Kind, RunPartition, Stage
from article_etl.storage.files import JsonlWriter
from article_etl.urls import redact_url

Extractor = Callable[..., ExtractedArticle]

# Text fields of an Article that come from the page (and so may carry unstorable characters).
_PAGE_TEXT_FIELDS = ("title", "body", "author", "site_name", "lang", "url", "canonical_url")


def _from_discovery(where: str | None, source: Source, route: str | None = None) -> str | None:
    """The extractor says "listed" for the discovery entry; records say which kind of route
    listed it (the page's own route when discovery recorded it, else the source's first)."""
    if where != "listed":
        return where
    return "feed" if (route or source.routes[0].kind) in ("rss", "jsonfeed") else "listing"


def build_article(
    source: Source, page: Page, ds: str, extract: Extractor, secret_params: Sequence[str] = ()
) -> Article:
    """Extract and normalise one decoded page into an Article (checks are the caller's).

    ``extract`` is ``extract_article`` or a budgeted worker's ``extract``; both take the same
    arguments.
    """
    html, url, selectors, timezone, lang_hint, listed_title = extract_request(source, page)
    fields = extract(
        html, url, selectors=selectors, timezone=timezone, lang_hint=lang_hint, listed_title=listed_title
    )
    return article_from_fields(source, page, ds, fields, secret_params)


def extract_request(source: Source, page: Page, selectors: Selectors | None = None) -> Request:
    """The extractor's arguments for one page of ``source`` (``selectors``: the source's, or
    the defaults, when the caller has them already)."""
    return (
        page.html,
        page.final_url,
        selectors or source.selectors or Selectors(),
        source.timezone,
        source.lang,
        page.listed_title,
    )


def article_from_fields(
    source: Source, page: Page, ds: str, fields: ExtractedArticle, secret_params: Sequence[str] = ()
) -> Article:
    """Normalise one page's extracted fields into an Article. Repairs (mojibake undone,
    unstorable characters removed) are recorded on the article so nobody has to guess what was
    changed."""
    repairs: list[str] = []
    title, body_text = fields.title, fields.body
    if title:
        title, fixed = repair_mojibake(title)
        repairs += ["title:mojibake"] if fixed else []
    if body_text:
        body_text, fixed = repair_mojibake(body_text)
        repairs += ["body:mojibake"] if fixed else []
    values: dict[str, str | None] = {
        "title": title or None,
        "body": body_text or None,
        "author": fields.author or None,
        "site_name": fields.site_name,
        "lang": fields.lang or source.lang,
        "url": page.url,
        # The page's own canonical/og:url may carry secrets too; it is the article's identity.
        "canonical_url": canonical_url(redact_url(fields.canonical_url or page.final_url, secret_params)),
    }
    for name in _PAGE_TEXT_FIELDS:
        value = values[name]
        if value:
            cleaned, removed = scrub_unstorable(value)
            if removed:
                values[name] = cleaned or None
                repairs.append(f"{name}:unstorable_removed")
    body = values["body"] or ""
    canonical = values["canonical_url"] or page.final_url
    return Article(
        article_id=article_id(canonical),
        source_id=source.id,
        url=values["url"] or page.url,
        canonical_url=canonical,
        title=values["title"],
        body=values["body"],
        author=values["author"],
        published_at=fields.published_at or page.listed_published_at,
        title_source=_from_discovery(fields.title_source, source, page.listed_route),
        published_source=(
            fields.published_source
            if fields.published_at
            else (_from_discovery("listed", source, page.listed_route) if page.listed_published_at else None)
        ),
        site_name=values["site_name"],
        lang=values["lang"],
        detected_encoding=page.encoding,
        encoding_method=page.encoding_method,
        content_hash=content_hash(body),
        simhash=simhash(body) if body else "",
        char_count=len("".join(body.split())),
        ds=ds,
        repairs=repairs,
        # Broken byte sequences the decoder replaced that landed in the article's own text.
        decode_damage=sum((v or "").count("\ufffd") for v in (values["title"], values["body"])),
    )


def run(settings: Settings, source_id: str, day: Day, root: Path | None = None) -> dict[str, Any]:
    """Turn the pages fetch published for this run into checked, de-duplicated articles."""
    source = settings.source(source_id)
    with (
        stage_attempt(Stage.CLEAN, settings, source_id, day, root) as stage,
        ExtractionWorker(settings.checks.extract_budget_seconds) as worker,
    ):
        fetched = stage.read(RunPartition.of(Stage.FETCH, day, source_id, root).published())
        # Each article's line goes to a spool file as soon as it is built; only its small key
        # (URL, ids, hashes, where its line is) stays in memory for the duplicate check, which
        # needs the whole day. The kept lines are then copied out of the spool, in URL order.
        with tempfile.TemporaryFile(dir=stage.attempt.folder, prefix=".spool-") as spool:
            keys: list[_Key] = []
            seen = 0
            selectors = source.selectors or Selectors()
            pages = fetched.records(Kind.PAGES, Page)
            # Pipelined: the worker extracts the next page while this loop builds this one's article.
            for page, fields in worker.extract_each(pages, lambda p: extract_request(source, p, selectors)):
                seen += 1
                stage.progress(seen, len(keys))
                raw_ref = fetched.raw_ref(page.warc_record_id)
                try:
                    if isinstance(fields, Exception):
                        raise fields
                    art = article_from_fields(source, page, day.ds, fields, settings.fetch.secret_params)
                    line = JsonlWriter.encode(art)  # a record no file can hold fails here, not mid-write
                except ExtractTimeout as exc:
                    stage.reject(
                        page.url,
                        codes.EXTRACT_TIMEOUT,
                        str(exc),
                        raw_ref=raw_ref,
                        evidence=codes.EVIDENCE_NONE,
                    )
                    continue
                # ExtractFailed or any other: one page's failure is that page's reject.
                except Exception as exc:
                    stage.reject(
                        page.url,
                        codes.EXTRACT_ERROR,
                        f"{type(exc).__name__}: {exc}",
                        raw_ref=raw_ref,
                        evidence=codes.EVIDENCE_NONE,
                    )
                    continue
                keys.append(
                    _Key(art.url, art.article_id, art.content_hash, art.simhash, spool.tell(), len(line))
                )
                spool.write(line)
            kept, dups = split_duplicates(keys, near_max=settings.checks.near_duplicate_max_distance)
            for dup, original in dups:
                stage.reject(
                    dup.url,
                    codes.DUPLICATE,
                    f"same {_sameness(dup, original)} as {original.url} (article {original.article_id}), which is kept",
                )
            with stage.attempt.writer(Kind.ARTICLES) as out:
                for key in kept:
                    spool.seek(key.offset)
                    out.write_line(spool.read(key.length))
        stage.manifest.counts.update({"in": seen, "out": out.count})
    return stage.summary(count=out.count)


class _Key(NamedTuple):
    """What the duplicate check needs of one built article, and where its line is in the spool."""

    url: str
    article_id: str
    content_hash: str
    simhash: str
    offset: int
    length: int


def _sameness(dup: _Key, original: _Key) -> str:
    if dup.article_id == original.article_id:
        return "canonical URL"
    if dup.content_hash == original.content_hash:
        return "text"
    return f"story (near-duplicate text, SimHash {distance(dup.simhash, original.simhash)} of 64 bits apart)"
