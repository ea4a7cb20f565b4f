"""The reason codes a reject can carry: stable strings, each with words a person can act on.

Codes are part of the warehouse's contract (dashboards group by them), so they never change
meaning; new failures get new codes. This module sits at the bottom of the package with
``records``: every layer (encoding, fetch, clean, quality, warehouse) speaks this vocabulary and
none of them has to import another layer to do so.
"""

from __future__ import annotations

HTTP_STATUS = "http_status"
CONTENT_TYPE = "content_type"
TOO_LARGE = "too_large"
FETCH_ERROR = "fetch_error"
UNDECODABLE = "undecodable"
REPLACEMENT_CHAR = "replacement_char"
MOJIBAKE = "mojibake"
PINYIN_ARTIFACT = "pinyin_artifact"
LOST_CHARS = "lost_chars"
CONTROL_CHARS = "control_chars"
PRIVATE_USE = "private_use"
WRONG_SCRIPT = "wrong_script"
MISSING_TITLE = "missing_title"
MISSING_BODY = "missing_body"
MISSING_PUBLISHED = "missing_published"
MISSING_URL = "missing_url"
BODY_TOO_SHORT = "body_too_short"
OUT_OF_WINDOW = "out_of_window"
DUPLICATE = "duplicate"
ROUNDTRIP_MISMATCH = "roundtrip_mismatch"
EXTRACT_ERROR = "extract_error"
OVER_LIMIT = "over_limit"
SITEMAP_TOO_DEEP = "sitemap_too_deep"
FETCH_TIMEOUT = "fetch_timeout"
FIELD_TOO_LONG = "field_too_long"
EXTRACT_TIMEOUT = "extract_timeout"
WAREHOUSE_REFUSED = "warehouse_refused"
ROBOTS_DISALLOWED = "robots_disallowed"
PRIVATE_ADDRESS = "private_address"
FEED_MALFORMED = "feed_malformed"
# A feed cut off after some items: those items are taken, this reject names the cut.
FEED_PARSE_ERROR = "feed_parse_error"
# A whole task of a source failed (its feed unreachable, a gate, an outage): recorded by the
# failure alert so the warehouse shows the day, not only the Airflow log. A later good run of the
# day replaces it with that run's own rejects.
SOURCE_FAILED = "source_failed"

URL_FORM = "url_form"

# What a reject says about an article an earlier run loaded for the same URL (``Reject.evidence``).
# Only positive evidence takes an article out of the warehouse: the page is gone, or its fresh
# content fails a check. An outage (network errors, timeouts, 5xx, 429) says nothing about the
# article, and neither does our own extractor crashing or a 403: those keep what was loaded.
EVIDENCE_GONE = "gone"
EVIDENCE_CONTENT = "content"
EVIDENCE_TRANSIENT = "transient"
EVIDENCE_NONE = "none"
REMOVING_EVIDENCE = frozenset({EVIDENCE_GONE, EVIDENCE_CONTENT})
# HTTP answers that are positive evidence the article was taken down.
GONE_STATUSES = frozenset({404, 410})
# HTTP answers that mean "not now": the site is overloaded or down, the article may be fine.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

DESCRIPTIONS: dict[str, str] = {
    SOURCE_FAILED: "a task of this source failed for the day (see the detail and the task log)",
    HTTP_STATUS: "the page did not answer 2xx",
    CONTENT_TYPE: "the response is not an HTML page",
    TOO_LARGE: "the page is larger than fetch.max_bytes",
    FETCH_ERROR: "the page could not be fetched (network error after retries)",
    UNDECODABLE: "no honest decoding turns the bytes into text",
    REPLACEMENT_CHAR: "U+FFFD replacement characters in the text",
    MOJIBAKE: "text decoded with the wrong codec (like 'ä¸­æ–‡' or '锟斤拷')",
    PINYIN_ARTIFACT: "pinyin annotations like '區(qū)' left by a broken conversion",
    LOST_CHARS: "'?' standing in for lost characters inside CJK text",
    CONTROL_CHARS: "control characters other than newline and tab",
    PRIVATE_USE: "private-use characters (U+E000-U+F8FF): unmapped bytes of a legacy code or icon-font glyphs",
    WRONG_SCRIPT: "the text is not in the source's script",
    MISSING_TITLE: "no title found",
    MISSING_BODY: "no article text found",
    MISSING_PUBLISHED: "no publish date found",
    MISSING_URL: "no URL",
    BODY_TOO_SHORT: "less text than an article has",
    OUT_OF_WINDOW: "published outside the run's data interval",
    DUPLICATE: "the same article as another one (same canonical URL or text)",
    ROUNDTRIP_MISMATCH: "text read back from the warehouse differs from what was written",
    EXTRACT_ERROR: "the extractor failed on this page",
    OVER_LIMIT: "listed beyond the source's max_articles for one day",
    SITEMAP_TOO_DEEP: "a sitemap index nested deeper than discovery follows",
    FETCH_TIMEOUT: "the page did not arrive within fetch.deadline_seconds (connect and every read)",
    FIELD_TOO_LONG: "a field is longer than its warehouse column holds",
    EXTRACT_TIMEOUT: "extracting the page took longer than checks.extract_budget_seconds",
    WAREHOUSE_REFUSED: "the warehouse refused the row (the detail has the database's message)",
    ROBOTS_DISALLOWED: "the site's robots.txt disallows fetching this URL for our user agent",
    PRIVATE_ADDRESS: "the URL resolves to a loopback, private, link-local or reserved address",
    FEED_MALFORMED: "the feed or sitemap could not be parsed",
    URL_FORM: "the URL or canonical URL is not an absolute http(s) URL",
    FEED_PARSE_ERROR: "the feed was cut off; the items before the cut were taken",
}
