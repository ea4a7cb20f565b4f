"""storage.ListingState: validators and bodies kept across runs; anything odd reads as nothing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from article_etl.storage import ListingState

URL = "https://news.test/feed.xml?apikey=SECRET123"
SHOWN = "https://news.test/feed.xml"


def test_a_saved_answer_comes_back_with_its_conditional_headers(tmp_path: Path) -> None:
    state = ListingState(tmp_path)
    state.save(URL, SHOWN, '"v1"', "Wed, 18 Nov 2026 09:00:00 GMT", b"<rss>one</rss>")
    stored = state.load(URL)
    assert stored is not None
    assert stored.body == b"<rss>one</rss>"
    assert stored.conditional_headers() == {
        "If-None-Match": '"v1"',
        "If-Modified-Since": "Wed, 18 Nov 2026 09:00:00 GMT",
    }
    assert state.load(SHOWN) is None  # keyed by the URL as requested, secrets and all


def test_the_folder_holds_no_secret(tmp_path: Path) -> None:
    state = ListingState(tmp_path)
    state.save(URL, SHOWN, '"v1"', None, b"<rss/>")
    names_and_bytes = b"".join(p.name.encode() + p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert b"SECRET123" not in names_and_bytes
    assert SHOWN.encode() in names_and_bytes


def test_an_answer_without_validators_forgets_what_was_stored(tmp_path: Path) -> None:
    state = ListingState(tmp_path)
    state.save(URL, SHOWN, '"v1"', None, b"<rss>one</rss>")
    state.save(URL, SHOWN, None, None, b"<rss>two</rss>")
    assert state.load(URL) is None
    assert list(state.folder.iterdir()) == []


def test_a_newer_save_replaces_the_older(tmp_path: Path) -> None:
    state = ListingState(tmp_path)
    state.save(URL, SHOWN, '"v1"', None, b"one")
    state.save(URL, SHOWN, '"v2"', None, b"two")
    stored = state.load(URL)
    assert stored is not None
    assert (stored.etag, stored.body) == ('"v2"', b"two")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_failed_save_is_logged_not_raised(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    state = ListingState(tmp_path)
    state.folder.mkdir(parents=True)
    state.folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        state.save(URL, SHOWN, '"v1"', None, b"one")
    finally:
        state.folder.chmod(stat.S_IRWXU)
    assert state.load(URL) is None
    assert "next run fetches it in full" in caplog.text
    assert "SECRET123" not in caplog.text


def test_a_save_into_a_file_where_the_folder_should_be_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "_state").write_text("not a folder")
    state = ListingState(tmp_path)
    state.save(URL, SHOWN, '"v1"', None, b"one")
    assert state.load(URL) is None
    assert "next run fetches it in full" in caplog.text
