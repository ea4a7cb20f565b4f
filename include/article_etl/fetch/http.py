"""HTTP with requests: retries with backoff, a size limit, and the raw bytes kept.

The body is read as bytes and never through ``response.text``: requests guesses ISO-8859-1 for
any text/* page without a charset, which is exactly wrong for GBK sites. Decoding is the job of
``article_etl.encoding``.
"""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from article_etl.config import FetchSettings
from article_etl.fetch.warc import Capture


class FetchError(RuntimeError):
    """The site could not be reached at all (DNS, refused, timeout); the message names the URL."""


class TooLargeError(FetchError):
    """The body passed the configured size limit; the page is rejected as ``too_large``."""


def make_session(settings: FetchSettings) -> requests.Session:
    """A session that retries connection errors and 429/5xx with exponential backoff."""
    session = requests.Session()
    retry = Retry(
        total=settings.retries,
        connect=settings.retries,
        read=settings.retries,
        status=settings.retries,
        backoff_factor=0.5,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=("GET", "HEAD"),
        raise_on_status=False,
        respect_retry_after_header=True,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = settings.user_agent
    session.headers["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    return session


def fetch(session: requests.Session, url: str, settings: FetchSettings) -> Capture:
    """GET ``url`` and return the response as a Capture (any status; errors raise FetchError)."""
    try:
        with session.get(url, timeout=settings.timeout_seconds, stream=True, allow_redirects=True) as resp:
            body = bytearray()
            for chunk in resp.iter_content(chunk_size=65536):
                body.extend(chunk)
                if len(body) > settings.max_bytes:
                    raise TooLargeError(
                        f"{url}: body is larger than fetch.max_bytes={settings.max_bytes}; "
                        "raise the limit in the sources file if the page is genuine"
                    )
            return Capture(
                url=resp.url,
                status=resp.status_code,
                headers=[(k, v) for k, v in resp.raw.headers.items()],
                body=bytes(body),
            )
    except requests.RequestException as exc:
        raise FetchError(f"{url}: could not fetch ({type(exc).__name__}: {exc}); is the site up?") from exc
