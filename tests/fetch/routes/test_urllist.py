"""A plain URL list, inline or in a file: no request is made to list it."""

from __future__ import annotations

from pathlib import Path

import pytest

from article_etl import codes
from article_etl.config import ConfigError
from tests.fetch.routes.conftest import Run


def test_inline_and_file_urls_are_listed_once_in_order(tmp_path: Path, run_route: Run) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text(
        "# today's pages\nhttp://127.0.0.1:9/b.html\n\nhttp://127.0.0.1:9/a.html\nftp://x/y\n"
        "http://127.0.0.1:9/c.html?utm_source=x&token=SECRET\n",
        encoding="utf-8",
    )
    result = run_route({"kind": "urls", "urls": ["http://127.0.0.1:9/a.html"], "file": str(listing)})
    assert [d.url for d in result.found] == [
        "http://127.0.0.1:9/a.html",
        "http://127.0.0.1:9/b.html",
        "http://127.0.0.1:9/c.html?utm_source=x",
    ]
    assert all(d.listed_published_at is None for d in result.found)  # the page's date decides
    assert [p.code for p in result.problems] == [codes.MISSING_URL]
    assert "line 5" in result.problems[0].detail


def test_a_missing_file_or_an_empty_list_is_a_config_error(tmp_path: Path, run_route: Run) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        run_route({"kind": "urls", "file": str(tmp_path / "nope.txt")})
    with pytest.raises(ValueError, match="needs urls"):
        run_route({"kind": "urls"})
    with pytest.raises(ValueError, match="not an http"):
        run_route({"kind": "urls", "urls": ["javascript:alert(1)"]})
