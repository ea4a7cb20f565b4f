"""bench/dev_corpus.py serves the day it promises: N articles over S sources, listed in each
source's sitemap for that day, in the demo's layouts and encodings, with its share of bad pages."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

import yaml

from bench.dev_corpus import running


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read()


def test_the_corpus_lists_and_serves_its_day(tmp_path: Path) -> None:
    with running(60, 3, "2026-11-18", tmp_path) as sources_file:
        config = yaml.safe_load(sources_file.read_text())
        assert [s["id"] for s in config["sources"]] == ["bench00", "bench01", "bench02"]
        assert config["fetch"]["per_host_delay_seconds"] == 0
        urls: list[str] = []
        for source in config["sources"]:
            status, _, body = _get(source["discovery"]["url"])
            assert status == 200
            listed = re.findall(r"<loc>([^<]+)</loc>", body.decode())
            dates = re.findall(r"<lastmod>([^<]+)</lastmod>", body.decode())
            assert len(listed) == 20
            assert all(d.startswith("2026-11-18") for d in dates), dates[:3]
            urls += listed
        assert len(set(urls)) == 60

        pages = {url: _get(url) for url in urls}
        assert sum(1 for status, _, _ in pages.values() if status == 404) == 3  # one in 50 per source
        gbk = [
            (ctype, body)
            for url, (status, ctype, body) in pages.items()
            if "/bench02/" in url and status == 200
        ]
        assert gbk
        assert all("charset" not in ctype for ctype, _ in gbk)  # the charset is only in the page
        gbk[0][1].decode("gbk")
        # Every article's paragraphs are its own draw (no two pages share a body: no near-duplicates).
        ok = [body for status, _, body in pages.values() if status == 200]
        paragraphs = {tuple(re.findall(rb"<p>(.*?)</p>", body, re.S)) for body in ok}
        assert len(paragraphs) == len(ok), "two articles share a body"
