"""Listing pages: the HTML index pages many sites (Chinese regional sites above all) have instead
of a feed, ``/news/list_2.html``, ``index_3.shtml``, ``?page=4``.

Each page is decoded with the project's decoder (GBK pages with lying or missing charsets), article
links are taken with a CSS selector and resolved against the page's URL, and the next page comes
from a CSS selector (the "下一页" link) or a URL pattern with ``{page}``. Reading stops at
``max_pages``, at a page with no article link, at a page already read (a "next" link pointing
back), and when every entry of a page has a listed date and all are older than the interval
(listings are newest first: further pages are older still). Where the listing prints no dates,
every link is taken and the article's own date decides at clean (``out_of_window``).

Only the first page is the config's own: its failures fail the source as a feed's do. A later
page that fails is one reject and ends the pagination; what was read is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from urllib.parse import urljoin

from article_etl.codes import FETCH_ERROR, HTTP_STATUS, PRIVATE_ADDRESS, ROBOTS_DISALLOWED
from article_etl.config import ConfigError, ListingDiscovery
from article_etl.encoding import decode_html
from article_etl.fetch.client import FetchError, PrivateAddressError
from article_etl.fetch.politeness import RobotsDisallowed, RobotsUnavailable
from article_etl.fetch.routes.base import Context, Coverage, Problem, dated_coverage, stamp
from article_etl.fetch.routes.dates import parse_date
from article_etl.records import Discovered


class ListingPages:
    """Paginated HTML listing pages starting at ``config.url``."""

    def __init__(self, config: ListingDiscovery) -> None:
        self.config = config
        # Why the reading stopped ("older", "end", "failed", "max_pages") and after how many
        # pages: what :meth:`coverage` judges the day by.
        self.stopped = ""
        self.pages_read = 0

    def entries(self, ctx: Context) -> Iterable[Discovered]:
        cfg = self.config
        out: list[Discovered] = []
        seen_pages: set[str] = set()
        url: str | None = cfg.url
        self.stopped = "max_pages"
        for number in range(1, cfg.max_pages + 1):
            if url is None or url in seen_pages:
                self.stopped = "end"
                break
            seen_pages.add(url)
            body = ctx.get_configured(url) if number == 1 else self._get_later(ctx, url)
            if body is None:
                self.stopped = "failed"
                break
            self.pages_read = number
            entries, next_href = self._parse(ctx, url, body)
            out.extend(entries)
            if not entries:
                self.stopped = "end"
                break
            dates = [e.listed_published_at for e in entries]
            if all(d is not None and d < ctx.start for d in dates):
                self.stopped = "older"
                break  # a whole page older than the interval: the rest is older still
            url = self._next(url, number, next_href)
        else:
            if url is None:
                self.stopped = "end"
        return out

    def coverage(self, ctx: Context, entries: Sequence[Discovered]) -> Coverage:
        """Complete when the pagination got below the day (a page wholly older, or any listed
        date older) or read the whole listing; not when ``max_pages`` or a failed page ended it
        first."""
        pages = f"{self.pages_read} page{'s' if self.pages_read != 1 else ''}"
        if self.stopped == "older":
            return Coverage(True, f"listing reached a page older than the day after {pages}")
        dated = dated_coverage("listing", entries, ctx)
        if dated.complete:
            return dated
        if self.stopped == "end":
            return Coverage(True, f"listing read to its last page ({pages})", dated.oldest)
        why = (
            f"stopped at max_pages={self.config.max_pages} (raise it to read further back)"
            if self.stopped == "max_pages"
            else f"page {self.pages_read + 1} failed"
        )
        if dated.oldest is not None:
            return Coverage(
                False,
                f"listing {why} with its oldest entry at {stamp(dated.oldest)}, not before the day",
                dated.oldest,
            )
        return Coverage(
            False, f"listing {why} without dates older than the day: the day may be on later pages"
        )

    def _next(self, url: str, number: int, next_href: str | None) -> str | None:
        cfg = self.config
        if cfg.page_url:
            return urljoin(cfg.url, cfg.page_url.format(page=cfg.first_page + number - 1))
        if next_href:
            return urljoin(url, next_href)
        return None

    def _get_later(self, ctx: Context, url: str) -> bytes | None:
        """The body of a later page, or None after recording why it could not be read."""
        shown = ctx.shown(url)
        try:
            status, body = ctx.listing.get(url)
        except RobotsDisallowed as exc:
            ctx.problems.append(Problem(shown, ROBOTS_DISALLOWED, f"listing page: {shown}: {exc.detail}"))
            return None
        except PrivateAddressError as exc:
            ctx.problems.append(Problem(shown, PRIVATE_ADDRESS, f"listing page: {exc}"))
            return None
        except RobotsUnavailable as exc:
            ctx.problems.append(Problem(shown, FETCH_ERROR, f"listing page: {shown}: {exc.reason}"))
            return None
        except FetchError as exc:
            ctx.problems.append(Problem(shown, FETCH_ERROR, f"listing page: {exc}"))
            return None
        except ConfigError:
            raise
        except ValueError:
            ctx.problems.append(Problem(shown, FETCH_ERROR, "listing page is not an http(s) URL with a host"))
            return None
        if not 200 <= status < 300:
            ctx.problems.append(Problem(shown, HTTP_STATUS, f"listing page answered HTTP {status}"))
            return None
        return body

    def _parse(self, ctx: Context, url: str, body: bytes) -> tuple[list[Discovered], str | None]:
        """The page's entries (links resolved against ``url``) and its next-page link."""
        import lxml.html  # parsed only here; keeps the DAG file light

        cfg = self.config
        text = decode_html(body, ctx.listing.content_types.get(url)).text
        if not text.strip():
            return [], None
        doc = lxml.html.document_fromstring(text)
        pairs: list[tuple[str, datetime | None, str | None]] = []
        if cfg.item:
            for item in doc.cssselect(cfg.item):
                anchors = item.cssselect(cfg.links) or ([item] if item.tag == "a" else [])
                if not anchors:
                    continue
                when = None
                if cfg.date:
                    found = item.cssselect(cfg.date)
                    when = parse_date(found[0].text_content(), ctx.zone) if found else None
                anchor = anchors[0]
                pairs.append((anchor.get("href") or "", when, anchor.text_content().strip() or None))
        else:
            for anchor in doc.cssselect(cfg.links):
                pairs.append((anchor.get("href") or "", None, anchor.text_content().strip() or None))
        entries = [
            Discovered(
                source_id=ctx.source.id,
                url=ctx.redact(urljoin(url, href.strip())) if href.strip() else "",
                listed_published_at=when,
                listed_title=title,
            )
            for href, when, title in pairs
        ]
        next_href = None
        if cfg.next:
            found = doc.cssselect(cfg.next)
            next_href = (found[0].get("href") or "").strip() or None if found else None
        return entries, next_href
