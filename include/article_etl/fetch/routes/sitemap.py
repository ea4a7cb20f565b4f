"""Sitemaps, sitemap indexes (nested up to two levels) and Google News sitemaps
(``news:publication_date``, ``news:title``).

A child sitemap that is disallowed, refused, unreachable or unparsable is its own reject and its
siblings are still read; only the configured sitemap itself can fail the source.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from lxml import etree

from article_etl.codes import (
    FEED_MALFORMED,
    FETCH_ERROR,
    HTTP_STATUS,
    PRIVATE_ADDRESS,
    ROBOTS_DISALLOWED,
    SITEMAP_TOO_DEEP,
)
from article_etl.config import ConfigError, SitemapDiscovery
from article_etl.fetch.client import FetchError, PrivateAddressError
from article_etl.fetch.politeness import RobotsDisallowed, RobotsUnavailable
from article_etl.fetch.routes.base import (
    Context,
    Coverage,
    FeedMalformedError,
    Problem,
    dated_coverage,
    malformed,
)
from article_etl.records import Discovered

_SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


class Sitemap:
    """A sitemap or sitemap index at ``config.url``."""

    def __init__(self, config: SitemapDiscovery) -> None:
        self.config = config

    def entries(self, ctx: Context) -> Iterable[Discovered]:
        body = ctx.get_configured(self.config.url)
        out = _from_sitemap(ctx, body, ctx.shown(self.config.url))
        ctx.listing.remember(self.config.url)
        return out

    def coverage(self, ctx: Context, entries: Sequence[Discovered]) -> Coverage:
        """By ``news:publication_date`` or ``lastmod``: a news sitemap holds two days, a full one
        reaches back years; either covers the day when its oldest date is older."""
        return dated_coverage("sitemap", entries, ctx)


def _from_sitemap(ctx: Context, body: bytes, url: str, depth: int = 0) -> list[Discovered]:
    """The entries of the sitemap (or index) at ``url`` (redacted; for messages only)."""
    source_id, problems, listing = ctx.source.id, ctx.problems, ctx.listing
    if body[:2] == b"\x1f\x8b":  # sitemap.xml.gz served as a file, not as Content-Encoding
        body = _gunzip(ctx, body, url)
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise malformed(source_id, "sitemap", url, f"is not XML ({exc})") from exc
    if root.tag not in (f"{_SM}urlset", f"{_SM}sitemapindex"):
        raise malformed(source_id, "sitemap", url, f"is not a sitemap (root element {root.tag!r})")
    out: list[Discovered] = []
    if root.tag == f"{_SM}sitemapindex" and depth >= 2:
        problems.append(
            Problem(
                url,
                SITEMAP_TOO_DEEP,
                "sitemap index nested more than two levels deep; list the inner "
                "sitemaps in the sources file instead",
            )
        )
        return out
    if root.tag == f"{_SM}sitemapindex":
        for loc in root.iter(f"{_SM}loc"):
            child_url = (loc.text or "").strip()
            child_shown = ctx.shown(child_url)
            try:
                status, child_body = listing.get(child_url)  # as listed; fetch redacts its messages
            except RobotsDisallowed as exc:
                problems.append(
                    Problem(child_shown, ROBOTS_DISALLOWED, f"child sitemap: {child_shown}: {exc.detail}")
                )
                continue
            except PrivateAddressError as exc:
                problems.append(Problem(child_shown, PRIVATE_ADDRESS, f"child sitemap: {exc}"))
                continue
            except RobotsUnavailable as exc:
                problems.append(
                    Problem(child_shown, FETCH_ERROR, f"child sitemap: {child_shown}: {exc.reason}")
                )
                continue
            except FetchError as exc:  # its message names the URL redacted already
                problems.append(Problem(child_shown, FETCH_ERROR, f"child sitemap: {exc}"))
                continue
            except ConfigError:
                raise
            except ValueError:
                problems.append(
                    Problem(child_shown, FETCH_ERROR, "child sitemap is not an http(s) URL with a host")
                )
                continue
            if 200 <= status < 300:
                try:
                    out.extend(_from_sitemap(ctx, child_body, child_shown, depth + 1))
                    listing.remember(child_url)
                except FeedMalformedError as exc:  # one broken child: its own problem, the rest go on
                    problems.append(Problem(child_shown, FEED_MALFORMED, f"child sitemap: {exc}"))
            else:
                problems.append(Problem(child_shown, HTTP_STATUS, f"child sitemap answered HTTP {status}"))
        return out
    for node in root.iter(f"{_SM}url"):
        loc = ctx.redact((node.findtext(f"{_SM}loc") or "").strip())
        stamp = node.findtext(f"{_NEWS}news/{_NEWS}publication_date") or node.findtext(f"{_SM}lastmod")
        title = node.findtext(f"{_NEWS}news/{_NEWS}title")
        out.append(
            Discovered(
                source_id=source_id, url=loc, listed_published_at=_parse_w3c(stamp), listed_title=title
            )
        )
    return out


def _gunzip(ctx: Context, body: bytes, url: str) -> bytes:
    """A gzipped sitemap's XML, at most ``fetch.max_bytes`` of it (a gzip bomb stops there)."""
    limit = ctx.settings.max_bytes
    try:
        inflater = zlib.decompressobj(wbits=31)
        out = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise malformed(ctx.source.id, "sitemap", url, f"is not valid gzip ({exc})") from exc
    if len(out) > limit:
        raise malformed(
            ctx.source.id, "sitemap", url, f"inflates beyond fetch.max_bytes={limit}; raise it if it is real"
        )
    return out


def _parse_w3c(stamp: str | None) -> datetime | None:
    """W3C datetime as sitemaps use it; a bare date is midnight UTC; an impossible one is no date."""
    if not stamp:
        return None
    try:
        when = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
        return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        return None
