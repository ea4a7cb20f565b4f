"""Secrets out of URLs before they are stored, logged or printed.

Why: a feed or sitemap configured as ``https://user:pw@host/feed?apikey=...`` (or an article link
carrying a token) would otherwise put the credential into ``articles.url``, ``canonical_url``,
rejects, WARC metadata, landing-zone files, logs and error messages, all of which are read by far
more people than the sources file. The request itself still uses the URL as configured; only what
is kept and shown is redacted.

What counts as a secret:

* the userinfo (``user:password@``, and a bare ``user@``) of a URL with an authority;
* a query parameter whose name, percent-decoded and lower-cased, *contains* one of the configured
  words (``fetch.secret_params``: key, token, secret, password, passwd, sig, auth, session by
  default). Containment, not equality, so ``apikey``, ``api_key``, ``access_token``,
  ``X-Amz-Signature``, ``X-Amz-Security-Token``, ``sessionid`` and ``Authorization`` are all
  caught. The price is false positives (``author`` contains auth, ``keyword`` key, ``design``
  sig): those parameters are dropped too, which costs nothing in a log line but makes two article
  URLs that differ only in them one URL; trim the list in the sources file if a site needs them.
  Parameters are split at ``&`` and at ``;`` (an old separator some servers still honour), so
  ``a=1;token=x`` loses its token either way;
* the same parameters in a fragment that looks like a query (``#access_token=...``, as OAuth's
  implicit flow hands them out). A fragment is never sent, but it is stored.

Not caught: secrets in the path (``/feeds/<key>/rss.xml``) or in parameters named otherwise
(``X-Amz-Credential``); add the word, or keep such URLs out of the sources file.

Everything else is kept byte for byte (order, percent-encoding, separators), and a URL with
nothing to redact comes back unchanged. A query or fragment left empty loses its ``?`` or ``#``.
This module sits at the bottom of the package: it imports nothing of article_etl.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import unquote_plus

# RFC 3986 appendix B, with the pieces named: scheme, authority, path, query, fragment.
_URI = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*:)?(?://(?P<authority>[^/?#]*))?"
    r"(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?",
    re.DOTALL,
)
_SEPARATORS = re.compile(r"([&;])")
# Something in free text that may be (part of) a URL with a secret: a run without spaces or
# quotes holding a query, a fragment or userinfo.
_URL_LIKE = re.compile(r"[^\s'\"<>]*[?#@][^\s'\"<>]*")


def redact_url(url: str, secret_params: Sequence[str]) -> str:
    """``url`` without userinfo and without the query (or fragment) parameters whose names
    contain one of ``secret_params`` (case-insensitive); everything else byte for byte."""
    match = _URI.fullmatch(url)
    if match is None:  # cannot happen (every group is optional), but never fail on a URL
        return url
    scheme, authority, path, query, fragment = match.group("scheme", "authority", "path", "query", "fragment")
    words = tuple(word.lower() for word in secret_params if word)
    out = scheme or ""
    if authority is not None:
        out += "//" + authority.rpartition("@")[2]  # the last "@" ends userinfo, as urllib3 reads it
    out += path
    if query is not None:
        kept = _without_secrets(query, words)
        out += f"?{kept}" if kept or kept == query else ""
    if fragment is not None:
        kept = _without_secrets(fragment, words) if "=" in fragment else fragment
        out += f"#{kept}" if kept or kept == fragment else ""
    return out


def redact_text(text: str, secret_params: Sequence[str]) -> str:
    """``text`` with every URL-like run in it redacted as :func:`redact_url` does.

    For messages written by other libraries (urllib3's exceptions and log lines quote the request
    target, ``/path?apikey=...``), where the URL cannot be redacted before it is formatted.
    """
    return _URL_LIKE.sub(lambda m: redact_url(m.group(), secret_params), text)


def _without_secrets(query: str, words: tuple[str, ...]) -> str:
    """The query with its secret parameters (and the separator before each) removed."""
    if not words:
        return query
    pieces = _SEPARATORS.split(query)  # param, sep, param, sep, ..., param
    kept: list[str] = []
    for index in range(0, len(pieces), 2):
        param = pieces[index]
        name = unquote_plus(param.partition("=")[0]).lower()
        if any(word in name for word in words):
            continue
        if kept:
            kept.append(pieces[index - 1])
        kept.append(param)
    return "".join(kept)
