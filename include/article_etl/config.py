"""sources.yaml -> validated settings, with errors that name the file, the source and the field.

Values may reference environment variables as ``${NAME}`` or ``${NAME:-default}`` so that one
file serves a laptop and a cluster (the demo points its feeds at ``${ARTICLE_ETL_DEMO_URL}``).
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

# Re-exported: the sources file's location is decided where the DAG file can read it cheaply.
from article_etl.dag_params import DEFAULT_SOURCES_FILE as DEFAULT_SOURCES_FILE
from article_etl.dag_params import sources_file as sources_file
from article_etl.errors import PermanentError

PACKAGE_DIR = Path(__file__).resolve().parent
INCLUDE_DIR = PACKAGE_DIR.parent

# The warehouse's sources.lang column holds this many characters ("zh,en,ja,ko,ru" fits).
_LANG_MAX_CHARS = 16

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class ConfigError(PermanentError, ValueError):
    """Raised for a sources file that cannot be used; the message says where and what to do."""


class Selectors(BaseModel):
    """Per-source CSS selectors that override automatic extraction (as Fundus does per publisher)."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = None
    body: str | None = None
    author: str | None = None
    published: str | None = None

    @field_validator("title", "body", "author", "published")
    @classmethod
    def _selector(cls, value: str | None, info: Any) -> str | None:
        return _css(value, info.field_name)


def _http_url(value: str, field: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{field} {value!r} is not an http(s) URL with a host")
    return value


def _css(value: str | None, field: str) -> str | None:
    """A selector that does not parse fails at config time, not on the day's first page."""
    if value is None:
        return value
    from cssselect import GenericTranslator, SelectorError

    try:
        GenericTranslator().css_to_xpath(value)
    except SelectorError as exc:
        raise ValueError(f"{field} {value!r} is not a CSS selector: {exc}") from None
    return value


class _UrlRoute(BaseModel):
    """A route read from one URL: it must be http(s) with a host (caught here, not on the day's run)."""

    model_config = ConfigDict(extra="forbid")
    url: str

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        return _http_url(value, "url")


class RssDiscovery(_UrlRoute):
    """An RSS 2.0/1.0 or Atom feed."""

    kind: Literal["rss"]


class SitemapDiscovery(_UrlRoute):
    """A sitemap, a sitemap index or a Google News sitemap."""

    kind: Literal["sitemap"]


class JsonFeedDiscovery(_UrlRoute):
    """A JSON Feed (https://jsonfeed.org/version/1.1)."""

    kind: Literal["jsonfeed"]


class UrlListDiscovery(BaseModel):
    """A plain list of article URLs, inline (``urls``) and/or in a local text file (``file``)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["urls"]
    urls: list[str] = Field(default_factory=list)
    file: str | None = None

    @model_validator(mode="after")
    def _some(self) -> UrlListDiscovery:
        if not self.urls and not self.file:
            raise ValueError("a urls route needs urls (a list) or file (one URL a line)")
        return self

    @field_validator("urls")
    @classmethod
    def _http_urls(cls, value: list[str]) -> list[str]:
        for index, item in enumerate(value):
            _http_url(item, f"urls[{index}]")
        return value

    @property
    def url(self) -> str:
        """Where the list is, for messages and the time-zone default."""
        return self.file or self.urls[0]


class ListingDiscovery(_UrlRoute):
    """Paginated HTML listing pages: article links by CSS selector, the next page by selector or
    by a URL pattern with ``{page}``."""

    kind: Literal["listing"]
    links: str  # CSS selector of the article links (inside ``item`` when given)
    item: str | None = None  # CSS selector of one entry (link plus date), when the listing has dates
    date: str | None = None  # CSS selector of the date inside ``item``
    next: str | None = None  # CSS selector of the next page's link
    page_url: str | None = None  # or a pattern such as /news/list_{page}.html
    first_page: int = Field(default=2, ge=0)  # the number ``page_url`` gives the second page
    max_pages: int = Field(default=10, ge=1, le=1000)

    @field_validator("links", "item", "date", "next")
    @classmethod
    def _selector(cls, value: str | None, info: Any) -> str | None:
        return _css(value, info.field_name)

    @model_validator(mode="after")
    def _pagination(self) -> ListingDiscovery:
        if self.next and self.page_url:
            raise ValueError("give next (a selector) or page_url (a pattern), not both")
        if self.page_url is not None and "{page}" not in self.page_url:
            raise ValueError(f"page_url {self.page_url!r} has no {{page}} placeholder")
        if self.date and not self.item:
            raise ValueError("date needs item: the selector of one entry that holds its link and date")
        return self


class WarcDiscovery(BaseModel):
    """A WARC file (CC-NEWS or a crawler's), local (``path``) or downloaded (``url``), filtered by
    the source's hosts and the day. Its pages are read from the archive, never fetched again."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["warc"]
    path: str = ""
    # Downloaded once into ARTICLE_ETL_HOME/cache/warc (robots.txt and the address guard apply).
    url: str = ""
    hosts: list[str] = Field(min_length=1)
    # Archives capture a page after it is published (CC-NEWS: minutes to a day): captures up to
    # this many hours after the day are candidates too; the page's own date still decides.
    capture_lag_hours: float = Field(default=0.0, ge=0, le=720)
    # A download larger than this is refused while it streams (a CC-NEWS file is about 1 GB).
    max_bytes: int = Field(default=3_000_000_000, ge=1)
    # Wall-clock seconds one download may take, connect to last byte.
    deadline_seconds: float = Field(default=3600.0, gt=0)

    @model_validator(mode="after")
    def _one_place(self) -> WarcDiscovery:
        if bool(self.path) == bool(self.url):
            raise ValueError("give path (a local .warc/.warc.gz file) or url (to download one), exactly one")
        if self.url:
            _http_url(self.url, "url")
        return self

    @property
    def where(self) -> str:
        """Where the archive is, for messages."""
        return self.url or self.path


DiscoveryConfig = (
    RssDiscovery | SitemapDiscovery | JsonFeedDiscovery | UrlListDiscovery | ListingDiscovery | WarcDiscovery
)
# Keyed on ``kind``: an error names the route's own fields, not those of every route.
Discovery = Annotated[DiscoveryConfig, Field(discriminator="kind")]


def _one_or_list(value: Any) -> str:
    return "list" if isinstance(value, list | tuple) else "one"


# ``discovery:`` is one route (as before) or a list of routes tried in order (backfills that reach
# the past: a feed, then a sitemap, then an archive). Told apart by shape, so an error inside a
# route names that route's fields only.
Discoveries = Annotated[
    Annotated[Discovery, Tag("one")] | Annotated[list[Discovery], Field(min_length=1), Tag("list")],
    Discriminator(_one_or_list),
]


class CheckThresholds(BaseModel):
    """Thresholds for the text checks; a text fails a check when it passes the threshold."""

    model_config = ConfigDict(extra="forbid")
    replacement_char_max: int = 0
    mojibake_max: int = 0
    pinyin_artifact_max: int = 2
    lost_chars_max: int = 2
    control_chars_max: int = 0
    # Private-use characters have no standard meaning: in article text they are a codec's
    # unmapped bytes or an icon font's glyphs. Raise this to let a site's icons through.
    private_use_max: int = 0
    wrong_script_min_ratio: float = 0.3
    # wrong_script only judges texts with at least this many letters: a title like "iPhone 15"
    # on a Chinese site is not in the wrong script.
    wrong_script_min_letters: int = 20
    min_body_chars: int = 120
    # Two bodies whose SimHashes differ in at most this many of 64 bits are the same story
    # (syndicated copies); -1 turns near-duplicate detection off.
    near_duplicate_max_distance: int = Field(default=4, ge=-1, le=16)
    published_tolerance_hours: float = 24.0
    # Wall-clock seconds one page's extraction may take; a page over it becomes an
    # ``extract_timeout`` reject and the rest of the batch goes on.
    extract_budget_seconds: float = Field(default=20.0, gt=0)


class Source(BaseModel):
    """One news site the pipeline fetches."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    # One language ("zh"), several for a mixed-language site (["zh", "en"] in YAML, stored as
    # "zh,en") or "auto"; ``languages`` gives the list. Checks judge each article against its own
    # language among them; "auto" accepts any script that dominates the text.
    lang: str = "zh"
    # Default: Asia/Shanghai for Chinese-language or .cn sources, else UTC (see _default_timezone).
    timezone: str = ""
    discovery: Discoveries
    selectors: Selectors = Selectors()
    max_reject_rate: float = Field(default=0.5, ge=0.0, le=1.0)
    max_articles: int = Field(default=500, ge=1)
    enabled: bool = True

    @field_validator("lang", mode="before")
    @classmethod
    def _languages(cls, value: Any) -> Any:
        """A list of languages is kept as one comma-separated string, so that everything that
        reads ``lang`` as a string (the warehouse's sources table, time-zone defaults) still works."""
        if isinstance(value, list | tuple):
            items = [str(v).strip() for v in value if str(v).strip()]
            if not items:
                raise ValueError(
                    "lang is an empty list; give a language such as zh, a list such as [zh, en], or auto"
                )
            value = ",".join(items)
        if isinstance(value, str):
            items = [v.strip() for v in value.split(",")]
            if not all(re.fullmatch(r"[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*", v) for v in items):
                raise ValueError(
                    f"lang {value!r} is not a language code; use one such as zh or en-GB, a list "
                    "such as [zh, en], or auto"
                )
            if "auto" in [v.lower() for v in items] and len(items) > 1:
                raise ValueError(
                    "lang 'auto' cannot be combined with other languages; give auto alone or a list"
                )
            value = ",".join(items)
            if len(value) > _LANG_MAX_CHARS:
                raise ValueError(
                    f"lang {value!r} is longer than {_LANG_MAX_CHARS} characters (the warehouse's "
                    "sources.lang column); list fewer languages or use auto"
                )
        return value

    @property
    def routes(self) -> tuple[DiscoveryConfig, ...]:
        """The discovery routes in the order they are tried (one when ``discovery`` is not a list)."""
        return tuple(self.discovery) if isinstance(self.discovery, list) else (self.discovery,)

    def route_field(self, index: int) -> str:
        """How the sources file names route ``index``: ``discovery`` or ``discovery[1]``."""
        return f"discovery[{index}]" if isinstance(self.discovery, list) else "discovery"

    @property
    def languages(self) -> tuple[str, ...]:
        """The declared languages, in order (``("auto",)`` for auto)."""
        return tuple(v for v in self.lang.split(",") if v)

    @model_validator(mode="after")
    def _default_timezone(self) -> Source:
        """Pages print local times without an offset; a wrong zone shifts every date. China has one
        zone, so zh and .cn sources get it; anything else must say, or is read as UTC."""
        if not self.timezone:
            first = self.routes[0]
            host = first.hosts[0] if isinstance(first, WarcDiscovery) else urlsplit(first.url).hostname or ""
            chinese = self.lang.lower().startswith("zh") or host.endswith(".cn")
            self.timezone = "Asia/Shanghai" if chinese else "UTC"
        return self

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if not value:
            return value
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Asia/Shanghai") from exc
        return value


class FetchSettings(BaseModel):
    """HTTP politeness and limits."""

    model_config = ConfigDict(extra="forbid")
    user_agent: str = "ArticleETL/0.1 (+https://github.com/article-etl/article-etl)"
    # Networks a fetch may connect to although they are loopback/private/link-local (CIDRs).
    # Empty by default: a crawler inside a company network must never become a way in.
    allow_private_networks: list[str] = Field(default_factory=list)
    # Politeness: the least time between two requests to one host (robots.txt Crawl-delay wins
    # when longer), and how many requests to one host may be in flight at once.
    per_host_delay_seconds: float = Field(default=1.0, ge=0)
    per_host_concurrency: int = Field(default=2, ge=1, le=16)
    # Query parameters whose names contain one of these are secrets: removed from every stored
    # URL, log line and error message (the request itself still sends them).
    secret_params: list[str] = Field(
        default_factory=lambda: ["key", "token", "secret", "password", "passwd", "sig", "auth", "session"]
    )
    # Per socket operation (connect, one read): a silent server is given up on after this.
    timeout_seconds: float = 20.0
    # Total wall-clock time for one URL: connect, redirects, retries and every read together,
    # so a server that trickles a byte a second cannot hold a fetch for longer.
    deadline_seconds: float = Field(default=60.0, gt=0)
    # Retry-After is honoured up to this many seconds (urllib3 alone would wait hours).
    max_retry_after_seconds: float = Field(default=10.0, ge=0)
    max_bytes: int = 5_000_000
    retries: int = 2
    # A fetch whose pages fail with network errors, timeouts or 5xx/429 at more than this share
    # fails its task (retryable) instead of passing a batch of outage rejects on.
    max_transient_failure_rate: float = Field(default=0.5, ge=0.0, le=1.0)


class StorageSettings(BaseModel):
    """The landing zone's retention."""

    model_config = ConfigDict(extra="forbid")
    # Published runs of a partition older than this are removed, except the newest one, which
    # is always kept (so the last good fetch's WARC is never lost to retention).
    retention_days: float = Field(default=14.0, gt=0)
    # Attempts that never published (a killed or failed try) are removed after this many hours.
    abandoned_attempt_hours: float = Field(default=24.0, gt=0)


class Settings(BaseModel):
    """The whole sources file."""

    model_config = ConfigDict(extra="forbid")
    sources: list[Source]
    checks: CheckThresholds = CheckThresholds()
    fetch: FetchSettings = FetchSettings()
    storage: StorageSettings = StorageSettings()
    # The first day the DAG may run for (its start_date; ARTICLE_ETL_EARLIEST_DAY wins). Read at
    # DAG-parse time by ``dag_params.earliest_day``; validated here so a typo is reported.
    earliest_day: date | None = None

    def source(self, source_id: str) -> Source:
        for src in self.sources:
            if src.id == source_id:
                return src
        known = ", ".join(s.id for s in self.sources) or "none"
        raise ConfigError(f"no source {source_id!r} in the sources file (known: {known})")

    @field_validator("sources")
    @classmethod
    def _unique_ids(cls, value: list[Source]) -> list[Source]:
        seen: set[str] = set()
        for src in value:
            if src.id in seen:
                raise ValueError(f"source id {src.id!r} appears twice; ids must be unique")
            seen.add(src.id)
        return value


def _expand_env(value: Any, where: str) -> Any:
    if isinstance(value, str):

        def repl(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if name in os.environ:
                return os.environ[name]
            if default is not None:
                return default
            raise ConfigError(
                f"{where}: environment variable {name} is not set; export it or give a default as ${{{name}:-value}}"
            )

        return _ENV_REF.sub(repl, value)
    if isinstance(value, dict):
        return {k: _expand_env(v, where) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand_env(v, where) for v in value]
    return value


def load_settings(path: Path | None = None) -> Settings:
    """Read and validate a sources file; every failure is a ConfigError naming the file."""
    path = path or sources_file()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(
            f"sources file {path} does not exist; set ARTICLE_ETL_SOURCES or create it"
        ) from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"sources file {path} is not valid UTF-8 YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"sources file {path} must be a mapping with a 'sources' list")
    try:
        return Settings.model_validate(_expand_env(raw, str(path)))
    except ValidationError as exc:
        problems = "; ".join(f"{_where(err, raw)}: {err['msg']}" for err in exc.errors())
        raise ConfigError(f"sources file {path} is invalid: {problems}") from exc


_ROUTE_KINDS = frozenset(("rss", "sitemap", "jsonfeed", "urls", "listing", "warc"))


def _where(err: Any, raw: dict[str, Any]) -> str:
    """The field an error is about, as a person finds it in the file: the source by its id
    (``sources[xinhua]``, not ``sources.3``, which makes a reader count) and a route of a list by
    its place (``discovery[1].url``); pydantic's union tags (``one``, ``list``, the kind) are
    left out. A route kind that is not known is the ``kind`` field's."""
    loc: list[Any] = list(err["loc"])
    out: list[str] = []
    i = 0
    while i < len(loc):
        part = loc[i]
        if part == "sources" and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            items = raw.get("sources")
            item = items[loc[i + 1]] if isinstance(items, list) and loc[i + 1] < len(items) else None
            name = item.get("id") if isinstance(item, dict) and item.get("id") else loc[i + 1]
            out.append(f"sources[{name}]")
            i += 2
            continue
        if part == "discovery":
            i += 1
            if i < len(loc) and loc[i] == "one":
                i += 1
                name = "discovery"
            elif i < len(loc) and loc[i] == "list":
                i += 1
                name = "discovery"
                if i < len(loc) and isinstance(loc[i], int):
                    name += f"[{loc[i]}]"
                    i += 1
            else:
                name = "discovery"
            if i < len(loc) and loc[i] in _ROUTE_KINDS:
                i += 1  # the union's tag: the kind is in the file already
            if i == len(loc) and err.get("type") in ("union_tag_invalid", "union_tag_not_found"):
                name += ".kind"
            out.append(name)
            continue
        out.append(f"[{part}]" if isinstance(part, int) else str(part))
        i += 1
    return ".".join(out).replace(".[", "[")
