"""Secrets in URLs never reach the warehouse, the landing zone or an error line.

A real feed on loopback is configured with ``?apikey=`` and lists articles whose links carry a
token and userinfo; the whole day runs through every stage into a real SQLite warehouse, then
every stored byte is searched for the secrets.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

from sqlalchemy import select

from article_etl.config import Settings
from article_etl.warehouse import get_engine
from article_etl.warehouse.schema import articles, rejects
from tests.stages.helpers import run_day
from tests.stages.test_bad_values import _page

SECRETS = ("FEEDKEY123", "ARTTOKEN456", "hunter2")


def test_no_secret_is_stored_anywhere(http_server: Any, tmp_path: Path) -> None:
    routes: dict[str, tuple[int, list[tuple[str, str]], bytes]] = {}
    base = http_server(routes)
    host = base.removeprefix("http://")
    links = [
        f"{base}/a.html?id=1&amp;access_token=ARTTOKEN456",
        f"http://reader:hunter2@{host}/b.html",
        f"{base}/gone.html?token=ARTTOKEN456",
    ]
    items = "".join(
        f"<item><title>t{i}</title><link>{link}</link><pubDate>Wed, 18 Nov 2026 09:00:00 +0000</pubDate></item>"
        for i, link in enumerate(links)
    )
    rss = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    routes["/feed.xml?apikey=FEEDKEY123"] = (200, [("Content-Type", "application/rss+xml")], rss.encode())
    html = [("Content-Type", "text/html; charset=utf-8")]
    routes["/a.html?id=1"] = (200, html, _page("a", 1))
    routes["/b.html"] = (200, html, _page("b", 2))
    settings = Settings.model_validate(
        {
            "sources": [
                {
                    "id": "bay",
                    "name": "Bay",
                    "lang": "en",
                    "discovery": {"kind": "rss", "url": f"{base}/feed.xml?apikey=FEEDKEY123"},
                    "max_reject_rate": 1.0,
                }
            ],
            "fetch": {"retries": 0, "allow_private_networks": ["127.0.0.1/32"], "per_host_delay_seconds": 0},
        }
    )
    warehouse = f"sqlite:///{tmp_path / 'w.db'}"
    zone = tmp_path / "zone"
    run_day(settings, "secrets", warehouse, zone, "bay")
    with get_engine(warehouse).connect() as conn:
        stored = [str(tuple(r)) for t in (articles, rejects) for r in conn.execute(select(t))]
        urls = sorted(r.url for r in conn.execute(select(articles.c.url)))
    assert urls == [f"{base}/a.html?id=1", f"{base}/b.html"]
    for path in zone.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            stored.append(
                (gzip.decompress(data) if path.name.endswith(".gz") else data).decode("utf-8", "replace")
            )
    for secret in SECRETS:
        leaks = [s[:200] for s in stored if secret in s]
        assert not leaks, f"{secret} stored: {leaks}"
