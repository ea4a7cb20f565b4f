"""Fetch stage: discovery (its routes: feeds, sitemaps, JSON Feed, listing pages, URL lists, WARC
files), HTTP, and raw captures as WARC."""

from article_etl.fetch.client import (
    FetchError,
    FetchTimeout,
    PrivateAddressError,
    TooLargeError,
    fetch,
    make_session,
)
from article_etl.fetch.discovery import Discovery, DiscoveryError, Problem, discover
from article_etl.fetch.warc import Capture, iter_responses, read_warc, write_warc

__all__ = [
    "Capture",
    "Discovery",
    "DiscoveryError",
    "FetchError",
    "FetchTimeout",
    "PrivateAddressError",
    "Problem",
    "TooLargeError",
    "discover",
    "fetch",
    "iter_responses",
    "make_session",
    "read_warc",
    "write_warc",
]
