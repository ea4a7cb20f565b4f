"""Fetch stage: discovery (feeds, sitemaps), HTTP, and raw captures as WARC."""

from article_etl.fetch.discovery import DiscoveryError, discover
from article_etl.fetch.http import FetchError, TooLargeError, fetch, make_session
from article_etl.fetch.warc import Capture, read_warc, write_warc

__all__ = [
    "Capture",
    "DiscoveryError",
    "FetchError",
    "TooLargeError",
    "discover",
    "fetch",
    "make_session",
    "read_warc",
    "write_warc",
]
