"""One lxml tree per page, and the few ways extraction reads it.

lxml builds its tree in C; BeautifulSoup (which the extractor used before) built the same libxml2
parse again as Python objects, which was over half of extraction time on real pages (135 KB on
average). Everything else in ``article_etl.extract`` walks this tree.

Element identity: lxml hands out a Python proxy per C node and keeps it while a reference lives,
so sets and dicts keyed by elements are safe as long as they hold the elements (never ``id()``).
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction

__all__ = [
    "HtmlElement",
    "body_of",
    "is_element",
    "page_strings",
    "parse",
    "select_first",
    "strings",
    "text_content",
]

# Text that is never shown: bs4's get_text skipped these too, so the full-page text stays the same.
_INVISIBLE = frozenset({"script", "style", "template"})
# Inline tags that never change the block structure; CMS pages leave them unclosed by the
# thousand (one <font> per paragraph), which nests past libxml2's depth limit.
_INLINE_TAGS = re.compile(rb"</?(?:font|span|b|i|u|em|strong|small|big)\b[^>]*>", re.IGNORECASE)
_EMPTY = b"<html><body></body></html>"
# Which Python class wraps each node, decided in C. lxml.html's own lookup is a Python method,
# called every time a node is first touched (290k calls on the Fundus pages); the only thing it
# adds is form-field classes (``FormElement``, ``InputElement``, …) that extraction never uses.
_CLASSES = etree.ElementDefaultClassLookup(
    element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
)


def _parser() -> lxml.html.HTMLParser:
    """A fresh parser per page: lxml parsers are not safe to share between threads.

    ``huge_tree`` raises libxml2's depth limit from 256 to 2048 levels.
    """
    parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True, default_doctype=False)
    parser.set_element_class_lookup(_CLASSES)
    return parser


def _too_deep(parser: lxml.html.HTMLParser) -> bool:
    return any("Excessive depth" in entry.message for entry in parser.error_log)


def parse(html: str) -> HtmlElement:
    """The page as an lxml tree rooted at <html>; an empty or unparsable page is an empty <html>.

    Text goes in as UTF-8 bytes with the encoding given, because lxml refuses ``str`` input that
    carries an XML encoding declaration, and NULs (which libxml2 stops at) are removed. A page
    nested past libxml2's depth limit (which would silently lose everything below it) is parsed
    again without its inline formatting tags.
    """
    data = html.replace("\x00", "").encode("utf-8", "replace")
    for flatten in (False, True):
        # Only a page that is too deep pays for the inline-tag strip (a regex over every byte of
        # the page): building both inputs up front cost every page a fifth of its parse time.
        attempt = _INLINE_TAGS.sub(b"", data) if flatten else data
        parser = _parser()
        try:
            root = lxml.html.document_fromstring(attempt, parser=parser)
        except etree.ParserError:  # "Document is empty"
            return lxml.html.document_fromstring(_EMPTY, parser=_parser())
        if not _too_deep(parser):
            break
    return root


def is_element(node: object) -> bool:
    """A real element, not a comment, processing instruction or entity (whose ``tag`` is not a str)."""
    return isinstance(getattr(node, "tag", None), str)


def body_of(root: HtmlElement) -> HtmlElement:
    """The <body>, or the root when the parser made none."""
    body = root.find("body")
    return body if body is not None else root


# All text nodes of a subtree outside never-shown elements, in document order, evaluated in C
# (a Python walk over the tree was a third of extraction time). Comments are not text() nodes.
_VISIBLE_TEXT = etree.XPath(
    "descendant-or-self::text()[not(ancestor::script or ancestor::style or ancestor::template)]",
    smart_strings=False,
)
# The same nodes when no <template> is above or inside the subtree (most pages): <script> and
# <style> hold raw text and never an element, so looking one level up is enough, and the XPath
# no longer climbs to the root three times per text node (half of its time on the Fundus pages).
_VISIBLE_TEXT_NO_TEMPLATE = etree.XPath(
    "descendant-or-self::text()[not(parent::script or parent::style)]", smart_strings=False
)


def _has_template(root: HtmlElement) -> bool:
    """A <template> inside or above ``root`` (tag-filtered iteration runs in C)."""
    return (
        next(root.iter("template"), None) is not None
        or next(root.iterancestors("template"), None) is not None
    )


def strings(root: HtmlElement) -> list[str]:
    """The visible text pieces under ``root`` in document order (no script/style/template, no
    comments); what bs4's ``strings`` gave."""
    if not is_element(root) or root.tag in _INVISIBLE:
        return []
    found = (_VISIBLE_TEXT if _has_template(root) else _VISIBLE_TEXT_NO_TEMPLATE)(root)
    return found if isinstance(found, list) else []


_CHILD_NODES = etree.XPath("child::node()", smart_strings=False)


def page_strings(root: HtmlElement) -> tuple[list[str], list[str]]:
    """``(strings(root), strings(body_of(root)))`` with the <body> walked once, not twice.

    The page's text pieces are its root's own text nodes and each child's pieces, in order, and
    the <body> is one of those children: the rest (<head>, whitespace) is small.
    """
    body = body_of(root)
    if body is root or body.getparent() is not root or root.tag in _INVISIBLE:
        return strings(root), strings(body)
    found = _CHILD_NODES(root)
    pieces: list[str] = []
    body_pieces: list[str] = []
    for node in found if isinstance(found, list) else []:
        if isinstance(node, str):
            pieces.append(node)
        elif node is body:
            body_pieces = strings(body)
            pieces += body_pieces
        else:
            pieces += strings(node)
    return pieces, body_pieces


def text_content(root: HtmlElement, sep: str = "") -> str:
    """``sep``-joined visible text of ``root`` (what bs4's ``get_text(sep)`` gave)."""
    return sep.join(strings(root))


def select_first(root: HtmlElement, selector: str | None) -> HtmlElement | None:
    """The first element matching a per-source CSS selector (None when unset or unmatched).

    An invalid selector is a configuration error worth its own message, not a crash deep in lxml.
    """
    if not selector:
        return None
    from cssselect import SelectorError  # lazy: only sources with selectors pay for it

    try:
        found = root.cssselect(selector)
    except SelectorError as exc:
        raise ValueError(
            f"CSS selector {selector!r} is not valid ({exc}); fix it in the sources file"
        ) from exc
    return found[0] if found else None
