"""The demo sites' article listings: RSS 2.0 for xijiang and harbor, a news sitemap for luoyang.

Listings carry the same instant the page prints, written the way such feeds really are: RSS
``pubDate`` in RFC 822 with the site's own UTC offset (``+0800``), sitemap dates in W3C format
with an offset, and some sitemap URLs with only ``<lastmod>``. A URL whose page has no title is
listed without one too, so a pipeline cannot borrow the title from the listing.
"""

from __future__ import annotations

from email.utils import format_datetime
from xml.sax.saxutils import escape

from article_etl.demo.catalog import DemoArticle, DemoSource


def _x(text: str) -> str:
    return escape(text)


def rss(src: DemoSource, articles: list[DemoArticle], base_url: str) -> str:
    """An RSS 2.0 document listing ``articles`` in the order given (callers put newest first)."""
    items = []
    for art in articles:
        parts = [f"<link>{_x(base_url + art.url_path)}</link>"]
        if art.title:
            parts.insert(0, f"<title>{_x(art.title)}</title>")
        if art.author and src.lang == "en":
            parts.append(f"<dc:creator>{_x(art.author)}</dc:creator>")
        if art.paragraphs:
            parts.append(f"<description>{_x(art.summary or art.paragraphs[0])}</description>")
        parts.append(f"<pubDate>{format_datetime(art.local_published)}</pubDate>")
        parts.append(f'<guid isPermaLink="true">{_x(base_url + art.url_path)}</guid>')
        items.append("<item>\n" + "\n".join(parts) + "\n</item>")
    body = "\n".join(items)
    return f"""<?xml version="1.0" encoding="{src.charset}"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>{_x(src.name)}</title>
<link>{_x(base_url)}/{src.id}/</link>
<description>{_x(src.name)}</description>
<language>{src.lang}</language>
{body}
</channel>
</rss>
"""


def sitemap(src: DemoSource, articles: list[DemoArticle], base_url: str) -> str:
    """A sitemap with Google News tags (``news:publication_date``) or plain ``lastmod`` per URL."""
    urls = []
    for art in articles:
        when = art.local_published.isoformat()
        loc = f"<loc>{_x(base_url + art.url_path)}</loc>"
        if art.sitemap_date == "lastmod" or not art.title:
            urls.append(f"<url>{loc}<lastmod>{when}</lastmod></url>")
            continue
        urls.append(
            f"<url>{loc}<news:news><news:publication><news:name>{_x(src.name)}</news:name>"
            f"<news:language>{src.lang}</news:language></news:publication>"
            f"<news:publication_date>{when}</news:publication_date>"
            f"<news:title>{_x(art.title)}</news:title></news:news></url>"
        )
    body = "\n".join(urls)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{body}
</urlset>
"""
