"""Secrets out of stored and printed URLs; everything else byte for byte."""

from __future__ import annotations

import pytest

from article_etl.config import FetchSettings
from article_etl.urls import redact_text, redact_url

WORDS = FetchSettings().secret_params


@pytest.mark.parametrize(
    ("url", "redacted"),
    [
        # userinfo, with and without a password; the last "@" ends it
        ("https://user:pw@example.com/feed.xml", "https://example.com/feed.xml"),
        ("https://user@example.com:8443/feed.xml", "https://example.com:8443/feed.xml"),
        ("http://a@b:c@example.com/", "http://example.com/"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        # secret parameters, whatever their case, position or encoding
        ("https://example.com/rss?apikey=s3cret", "https://example.com/rss"),
        ("https://example.com/rss?page=2&apikey=s3cret&lang=zh", "https://example.com/rss?page=2&lang=zh"),
        ("https://example.com/rss?API_KEY=s3cret&page=2", "https://example.com/rss?page=2"),
        ("https://example.com/rss?api%5Fkey=s3cret&page=2", "https://example.com/rss?page=2"),
        ("https://example.com/a?access_token=t&id=7", "https://example.com/a?id=7"),
        (
            "https://bucket.s3.amazonaws.com/a.html?X-Amz-Algorithm=AWS4&X-Amz-Signature=abc&X-Amz-Security-Token=t",
            "https://bucket.s3.amazonaws.com/a.html?X-Amz-Algorithm=AWS4",
        ),
        (
            "https://example.com/a?sessionid=1&Authorization=2&password=3&client_secret=4",
            "https://example.com/a",
        ),
        ("https://example.com/a?id=1;token=x;b=2", "https://example.com/a?id=1;b=2"),
        ("https://example.com/a?token", "https://example.com/a"),
        # a query-like fragment loses its secrets too; a plain fragment stays
        ("https://example.com/cb#access_token=t&state=s", "https://example.com/cb#state=s"),
        ("https://example.com/a?token=x#top", "https://example.com/a#top"),
        ("https://example.com/a#section-2", "https://example.com/a#section-2"),
        # relative references, as urllib3 quotes the request target
        ("/rss.xml?apikey=s3cret&page=2", "/rss.xml?page=2"),
        # documented false positive: "author" contains "auth"
        ("https://example.com/list?author=li&page=2", "https://example.com/list?page=2"),
    ],
)
def test_redact_url(url: str, redacted: str) -> None:
    assert redact_url(url, WORDS) == redacted
    assert redact_url(redacted, WORDS) == redacted  # idempotent


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a%2Fb?q=%E4%B8%AD%E6%96%87&b=2&a=1",  # order and encoding kept
        "https://example.com/search?q=a+b&&x=",  # empty pieces kept
        "https://example.com/?",  # an empty query is not "nothing removed" made smaller
        "https://example.com/#",
        "HTTP://EXAMPLE.COM/A?Page=1",
        "",
        "not a url at all",
        "mailto:someone@example.com",  # no authority, so no userinfo
    ],
)
def test_urls_without_secrets_are_unchanged(url: str) -> None:
    assert redact_url(url, WORDS) == url


def test_the_words_are_configurable() -> None:
    assert redact_url("https://e.com/a?author=li&apikey=k", ["apikey"]) == "https://e.com/a?author=li"
    assert redact_url("https://u:p@e.com/a?apikey=k", []) == "https://e.com/a?apikey=k"
    assert redact_url("https://e.com/a?x=1", [""]) == "https://e.com/a?x=1"  # an empty word matches nothing


def test_redact_text_cleans_urls_inside_messages() -> None:
    text = (
        "HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded with url: "
        "/feed?apikey=s3cret&page=2 (Caused by NewConnectionError('refused')) for https://u:pw@x.org/a?token=t"
    )
    clean = redact_text(text, WORDS)
    assert "s3cret" not in clean
    assert "pw" not in clean
    assert "token" not in clean
    assert "url: /feed?page=2 (Caused by NewConnectionError('refused')) for https://x.org/a" in clean
    assert redact_text("user@example.com wrote: ok?", WORDS) == "user@example.com wrote: ok?"
