"""Discovery routes: one small class per way a site publishes its articles, behind one interface
(:class:`~article_etl.fetch.routes.base.Route`), each chosen by its config's ``kind``."""

from __future__ import annotations

from article_etl.config import (
    DiscoveryConfig,
    JsonFeedDiscovery,
    ListingDiscovery,
    RssDiscovery,
    SitemapDiscovery,
    UrlListDiscovery,
    WarcDiscovery,
)
from article_etl.fetch.routes.base import Context, Route


def route_for(config: DiscoveryConfig) -> Route:
    """The route that reads ``config``."""
    from article_etl.fetch.routes.jsonfeed import JsonFeed
    from article_etl.fetch.routes.pages import ListingPages
    from article_etl.fetch.routes.rss import RssFeed
    from article_etl.fetch.routes.sitemap import Sitemap
    from article_etl.fetch.routes.urllist import UrlList
    from article_etl.fetch.routes.warcfile import WarcFile

    if isinstance(config, RssDiscovery):
        return RssFeed(config)
    if isinstance(config, SitemapDiscovery):
        return Sitemap(config)
    if isinstance(config, JsonFeedDiscovery):
        return JsonFeed(config)
    if isinstance(config, UrlListDiscovery):
        return UrlList(config)
    if isinstance(config, ListingDiscovery):
        return ListingPages(config)
    if isinstance(config, WarcDiscovery):
        return WarcFile(config)
    raise TypeError(f"no route for discovery kind {getattr(config, 'kind', config)!r}")


__all__ = ["Context", "Route", "route_for"]
