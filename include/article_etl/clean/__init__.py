"""Text cleaning: normalise characters, drop site furniture, parse bylines and dates.

``extract`` finds where the article is on the page; this package decides, line by line, what
of that text is the article. Both the extractor and tests call these functions directly.
"""

from article_etl.clean.body import clean_body
from article_etl.clean.byline import parse_byline
from article_etl.clean.dates import parse_date
from article_etl.clean.text import normalise_text

__all__ = ["clean_body", "normalise_text", "parse_byline", "parse_date"]
