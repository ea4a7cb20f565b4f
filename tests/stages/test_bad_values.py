"""One bad value is that record's reject (or a recorded repair), never a failed day.

Each page is served by a real HTTP server on loopback and goes through every stage into a real
warehouse: SQLite always, PostgreSQL and MariaDB when their URLs are set (CI sets them).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, select, text

from article_etl.config import Settings
from article_etl.warehouse import get_engine
from article_etl.warehouse.schema import articles, rejects
from tests.conftest import reachable_engine
from tests.stages.helpers import DS, distinct_paragraphs, rss, run_day


def _page(
    slug: str,
    seed: int,
    *,
    jsonld: dict[str, Any] | None = None,
    site_name: str = "Bay Post",
    canonical: str | None = None,
    chars: int = 1200,
) -> bytes:
    paragraphs = distinct_paragraphs(seed, chars)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": f"Story {slug}",
        "datePublished": f"{DS}T09:00:00+00:00",
        "author": {"@type": "Person", "name": "Dana Reyes"},
        **(jsonld or {}),
    }
    head = (
        f'<meta charset="utf-8"><title>Story {slug} | Bay Post</title>'
        f'<meta property="og:site_name" content="{site_name}">'
        f'<script type="application/ld+json">{json.dumps(data)}</script>'
    )
    if canonical:
        head += f'<link rel="canonical" href="{canonical}">'
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head>{head}</head><body><nav>Home News Sport</nav>"
        f"<article><h1>Story {slug}</h1>{body}</article><footer>Copyright Bay Post</footer></body></html>"
    ).encode()


CASES: dict[str, dict[str, Any]] = {
    "good-1": {},
    "good-2": {},
    "long-site-name": {"site_name": "S" * 300},
    "long-canonical": {"canonical": "http://127.0.0.1/" + "c" * 800},
    "nul-in-jsonld": {"jsonld": {"headline": "Story nul\u0000 here", "author": {"name": "Dana\u0000 Reyes"}}},
    "surrogate-in-jsonld": {"jsonld": {"headline": "Story \ud800 surrogate"}},
    "huge-body": {"chars": 70_000},
}


def _site(http_server: Any) -> str:
    routes: dict[str, tuple[int, list[tuple[str, str]], bytes]] = {}
    base = http_server(routes)
    routes["/feed.xml"] = (
        200,
        [("Content-Type", "application/rss+xml; charset=utf-8")],
        rss([f"{base}/{slug}.html" for slug in CASES]),
    )
    for seed, (slug, kwargs) in enumerate(CASES.items()):
        page = _page(slug, seed, **kwargs)
        routes[f"/{slug}.html"] = (200, [("Content-Type", "text/html; charset=utf-8")], page)
    return base


def _settings(base: str) -> Settings:
    return Settings.model_validate(
        {
            "sources": [
                {
                    "id": "bay",
                    "name": "Bay Post",
                    "lang": "en",
                    "discovery": {"kind": "rss", "url": f"{base}/feed.xml"},
                    "max_reject_rate": 1.0,
                }
            ],
            "fetch": {
                "retries": 0,
                "timeout_seconds": 5,
                "allow_private_networks": ["127.0.0.1/32"],
                "per_host_delay_seconds": 0,
            },
        }
    )


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty warehouse database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'w.db'}"
        return
    env, what = {
        "postgresql": ("ARTICLE_ETL_TEST_POSTGRES_URL", "PostgreSQL"),
        "mariadb": ("ARTICLE_ETL_TEST_MYSQL_URL", "MariaDB"),
    }[request.param]
    server: Engine = reachable_engine(env, what)
    name = f"aetl_stages_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        suffix = " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" if request.param == "mariadb" else ""
        conn.execute(text(f"CREATE DATABASE {name}{suffix}"))
    try:
        yield server.url.set(database=name).render_as_string(hide_password=False)
    finally:
        get_engine.cache_clear()
        with admin.connect() as conn:
            if request.param == "postgresql":
                conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
            else:
                conn.execute(text(f"DROP DATABASE {name}"))
        admin.dispose()


def test_each_bad_value_is_its_own_reject_or_a_recorded_repair(
    http_server: Any, warehouse: str, tmp_path: Path
) -> None:
    base = _site(http_server)
    summary = run_day(_settings(base), "bad_values", warehouse, tmp_path / "zone", "bay")
    engine = get_engine(warehouse)
    with engine.connect() as conn:
        loaded = {r.url.rsplit("/", 1)[1]: r for r in conn.execute(select(articles))}
        rejected = {r.url.rsplit("/", 1)[1]: r for r in conn.execute(select(rejects))}
    # The good articles of the day load whatever their neighbours carry.
    assert {"good-1.html", "good-2.html"} <= set(loaded), (
        summary,
        {k: r.detail for k, r in rejected.items()},
    )
    # A 300-character site name is metadata: truncated to its column and the truncation recorded.
    long_site = loaded["long-site-name.html"]
    assert len(long_site.site_name) <= articles.c.site_name.type.length
    assert "site_name:truncated" in long_site.repairs
    # A canonical URL longer than its column is that record's reject, naming the field.
    assert rejected["long-canonical.html"].reason == "field_too_long"
    assert "canonical_url" in rejected["long-canonical.html"].detail
    # NUL and a lone surrogate from JSON-LD are removed and the removal recorded.
    nul = loaded["nul-in-jsonld.html"]
    assert "\x00" not in nul.title
    assert "\x00" not in (nul.author or "")
    assert "title:unstorable_removed" in nul.repairs
    surrogate = loaded["surrogate-in-jsonld.html"]
    assert "surrogate" in surrogate.title
    assert "\ud800" not in surrogate.title
    assert "title:unstorable_removed" in surrogate.repairs
    # A 70 KB body loads whole (MariaDB's TEXT would hold 64 KB).
    assert len(loaded["huge-body.html"].body) > 65_536
