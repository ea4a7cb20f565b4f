"""Whether a page's JSON-LD ``articleBody`` may stand in for the body read from the page.

Publishers fill ``articleBody`` for search engines, and it is often the cleanest text there is.
But it is written by a different code path than the page: some sites double-encode it (UTF-8
read as Windows-1252, so "—" arrives as ``â\\x80\\x94``) or HTML-escape it twice
(``&amp;ccedil;``), and some ship the body of another article or a stale draft. Either would
replace a clean page body with a damaged or wrong one, so it is used only when it is clean and
when most of its words are on the page a reader sees. Many sites HTML-escape it once (``&amp;``,
``&nbsp;``), as if it were markup: that is undone first, and what is still escaped after that
was escaped twice.
"""

from __future__ import annotations

import html
import re

# UTF-8 bytes decoded as Windows-1252/Latin-1: "â€", "Ã©", "Â " and the C1 controls they leave.
_MOJIBAKE = re.compile("â€|â[\x80-\x9f]|Ã[\x80-\xbf]|Â[\x80-\xbf]")
# HTML character references left after one unescape: the CMS escaped the body twice
# ("&amp;ccedil;" for "ç"), and usually dropped other characters (apostrophes) on the same path.
_ESCAPED = re.compile(r"&(?:amp;)*(?:[A-Za-z][A-Za-z0-9]{1,7}|#[0-9]{2,6}|#[xX][0-9A-Fa-f]{2,5});")
# Markup inside articleBody: a tag, a paragraph's end, and elements whose text is never shown.
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|li|blockquote)\s*>|<br\s*/?>", re.IGNORECASE)
_INVISIBLE = re.compile(r"<(script|style|svg)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
# Control characters no article contains (tab and newlines are layout).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Words (lower-cased) and, for scripts without spaces, single CJK/kana/hangul characters.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")
# Share of the structured body's distinct tokens that must also be on the page.
MIN_AGREEMENT = 0.6


def plain_text(structured: str) -> str:
    """``articleBody`` as text: one level of HTML escaping undone (``&amp;`` -> ``&``), and
    markup some sites put in it (``<p>``, ``<strong>``, links) reduced to its text, one line
    per paragraph."""
    text = html.unescape(structured) if "&" in structured else structured
    if "<" in text and _TAG.search(text):
        text = _TAG.sub("", _BLOCK_END.sub("\n", _INVISIBLE.sub("", text)))
    return text


def is_clean(text: str) -> bool:
    """No double-encoding traces, no HTML escapes left in the text and no control characters."""
    return not _MOJIBAKE.search(text) and not _ESCAPED.search(text) and not _CONTROLS.search(text)


def agrees_with_page(structured: str, page_text: str) -> bool:
    """Most of the structured body's distinct words (CJK: characters) appear in the page's text."""
    wanted = set(_TOKEN.findall(structured.lower()))
    if not wanted:
        return False
    present = set(_TOKEN.findall(page_text.lower()))
    return len(wanted & present) / len(wanted) >= MIN_AGREEMENT


def usable_article_body(structured: str, page_text: str) -> bool:
    """Clean and agreeing with the page: only then may ``articleBody`` replace the page's body."""
    return is_clean(structured) and agrees_with_page(structured, page_text)
