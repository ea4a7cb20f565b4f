"""Main-content extraction: which part of the page is the article, as a list of paragraphs.

A readability-style scorer tuned for Chinese regional news: paragraphs earn points for length
and for punctuation (Chinese prose is dense in ，。、 where menus and link lists have none),
pass them up to their containers, and containers lose points for link-heavy text and for class
or id names that mark furniture (nav, share, login, hot, rank, …). Paragraph breaks from <p>,
<br> and block elements are kept, because the quality checks and readers need them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, PageElement, ProcessingInstruction, Tag

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
# Tags whose text is never article text.
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "svg",
    "canvas",
    "template",
    "select",
    "button",
    "input",
)
# Landmarks that are furniture by definition (header survives when it holds the headline).
_DROP_LANDMARKS = frozenset({"nav", "aside", "footer"})
_TEXT_CONTAINERS = frozenset({"div", "td", "th", "section", "article", "main", "body", "center", "form"})

_NEGATIVE_PREFIX = (
    "nav", "menu", "foot", "comment", "share", "login", "logon", "regist", "recommend", "hot", "rank",
    "related", "crumb", "breadcrumb", "copyright", "sidebar", "aside", "banner", "advert", "cookie",
    "newsletter", "subscribe", "social", "qrcode", "weixin", "weibo", "search", "pagination", "popup",
    "modal", "promo", "sponsor", "friendlink", "bdshare", "jiathis", "masthead", "skip",
)  # fmt: skip
_NEGATIVE_EXACT = frozenset(
    [
        "header",
        "head",
        "top",
        "topbar",
        "bottom",
        "ad",
        "ads",
        "side",
        "links",
        "link",
        "tags",
        "tag",
        "pager",
        "tool",
        "tools",
        "toolbar",
        "print",
        "footer",
        "widget",
        "location",
        "position",
        "more",
    ]
)
_POSITIVE_PREFIX = (
    "content",
    "article",
    "body",
    "text",
    "main",
    "post",
    "entry",
    "story",
    "trs",
    "detail",
    "zw",
)
_POSITIVE_EXACT = frozenset({"con", "cont", "news", "editor", "txt", "wrap-article"})
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
_PUNCT = re.compile(r"[，,。、；;：:！!？?“”]")
_SPACE = re.compile(r"\s+")
_MIN_BLOCK = 12
_MAX_LINK_DENSITY = 0.5


@dataclass
class Block:
    """One paragraph of page text and the element it sits in."""

    text: str
    owner: Tag
    link_chars: int

    @property
    def link_density(self) -> float:
        return self.link_chars / max(len(self.text), 1)


def class_weight(tag: Tag) -> int:
    """+25 for names that mean "article" (content, TRS_Editor, article-con), -25 for furniture."""
    names = " ".join(str(v) for v in (tag.get("id") or "", *(tag.get("class") or [])))
    tokens = [t for t in _TOKEN_SPLIT.split(names.lower()) if t]
    negative = any(t in _NEGATIVE_EXACT or t.startswith(_NEGATIVE_PREFIX) for t in tokens)
    positive = any(t in _POSITIVE_EXACT or t.startswith(_POSITIVE_PREFIX) for t in tokens)
    return (25 if positive else 0) - (25 if negative else 0)


def prune(soup: BeautifulSoup) -> None:
    """Remove what is never the article: scripts, landmarks, furniture-named elements.

    One depth-first pass that does not descend into removed subtrees (bs4's find_all plus
    ``decomposed`` checks made this the slowest step). Containers of an <h1> survive a
    furniture-like name, since templates wrap the headline in "header"/"top" boxes. The pass
    keeps its own stack: unclosed <div>/<font> tags nest thousands deep, past Python's
    recursion limit.
    """
    holds_h1: set[int] = set()
    for heading in soup.find_all("h1"):
        holds_h1.update(id(node) for node in _ancestors(heading, 100))

    stack = [iter(list(soup.children))]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif isinstance(child, Tag):
            name = child.name
            if (
                name in _DROP_TAGS
                or name in _DROP_LANDMARKS
                or (
                    id(child) not in holds_h1
                    and name not in ("html", "body")
                    and (name == "header" or class_weight(child) < 0)
                )
            ):
                child.decompose()
            else:
                stack.append(iter(list(child.children)))
        elif isinstance(child, Comment):
            child.extract()


def text_blocks(root: Tag) -> list[Block]:
    """The paragraphs under ``root`` in document order: split at block elements and <br>.

    Depth-first with its own stack (not recursion), so a page of thousands of unclosed tags
    is read like any other.
    """
    blocks: list[Block] = []
    buf: list[str] = []
    links = 0

    def flush(owner: Tag) -> None:
        nonlocal links
        text = _SPACE.sub(" ", "".join(buf)).strip()
        if text:
            blocks.append(Block(text, owner, links))
        buf.clear()
        links = 0

    # Each frame: the children still to read, the block they belong to, whether they sit in a
    # link, and the block element to flush when the frame is done (None for inline elements).
    stack: list[tuple[Iterator[PageElement], Tag, bool, Tag | None]] = [
        (iter(root.children), root, False, None)
    ]
    while stack:
        children, owner, in_link, closes = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if closes is not None:
                flush(closes)
        elif isinstance(child, NavigableString):
            if isinstance(child, Comment | Doctype | ProcessingInstruction):
                continue
            buf.append(str(child))
            if in_link:
                links += len(child.strip())
        elif isinstance(child, Tag):
            if child.name == "br":
                flush(owner)
            elif child.name in BLOCK_TAGS:
                flush(owner)
                stack.append((iter(child.children), child, in_link, child))
            else:
                stack.append((iter(child.children), owner, in_link or child.name == "a", None))
    flush(root)
    return blocks


def _block_score(block: Block) -> float:
    return 1 + len(_PUNCT.findall(block.text)) + min(len(block.text) / 100, 3)


def _ancestors(tag: Tag, limit: int) -> list[Tag]:
    chain: list[Tag] = []
    node: Tag | None = tag
    while node is not None and len(chain) < limit:
        chain.append(node)
        node = node.parent if isinstance(node.parent, Tag) else None
    return chain


def best_candidate(soup: BeautifulSoup) -> tuple[Tag | None, list[Tag]]:
    """The highest-scoring container and any siblings that hold more of the same article."""
    root = soup.body or soup
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}
    stats: dict[int, list[int]] = {}  # id -> [text chars, link chars]
    for block in text_blocks(root):
        for node in _ancestors(block.owner, 30):
            tags[id(node)] = node
            counts = stats.setdefault(id(node), [0, 0])
            counts[0] += len(block.text)
            counts[1] += block.link_chars
        if len(block.text) < _MIN_BLOCK or block.link_density > _MAX_LINK_DENSITY:
            continue
        owner = block.owner
        start = owner if owner.name in _TEXT_CONTAINERS else owner.parent
        if not isinstance(start, Tag):
            continue
        for share, node in zip((1.0, 0.5), _ancestors(start, 2), strict=False):
            tags[id(node)] = node
            scores[id(node)] = scores.get(id(node), 0.0) + share * _block_score(block)
    if not scores:
        return None, []
    final: dict[int, float] = {}
    for key, raw in scores.items():
        text_chars, link_chars = stats.get(key, [1, 0])
        density = link_chars / max(text_chars, 1)
        final[key] = (raw + class_weight(tags[key])) * (1 - density)
    top_key = max(final, key=lambda k: final[k])
    top = tags[top_key]
    siblings: list[Tag] = []
    threshold = max(10.0, final[top_key] * 0.3)
    if isinstance(top.parent, Tag):
        for sibling in top.parent.find_all(recursive=False):
            if sibling is not top and final.get(id(sibling), 0.0) >= threshold and class_weight(sibling) >= 0:
                siblings.append(sibling)
    return top, siblings


def content_paragraphs(nodes: list[Tag]) -> list[str]:
    """Paragraph texts of the chosen nodes in document order, without link lists."""
    paragraphs: list[str] = []
    for node in nodes:
        for block in text_blocks(node):
            if block.link_density > _MAX_LINK_DENSITY and len(block.text) < 200:
                continue
            paragraphs.append(block.text)
    return paragraphs


def main_content(soup: BeautifulSoup) -> list[str]:
    """The article's paragraphs from a page (prunes ``soup`` in place)."""
    prune(soup)
    top, siblings = best_candidate(soup)
    if top is None:
        return []
    nodes = [top, *siblings]
    order = {id(tag): i for i, tag in enumerate(top.parent.find_all(recursive=False))} if top.parent else {}
    nodes.sort(key=lambda t: order.get(id(t), 0))
    return content_paragraphs(nodes)


def fallback_content(html: str) -> list[str]:
    """trafilatura's extraction, for pages where the scorer found almost nothing.

    Imported lazily: trafilatura is slow to import and only a handful of pages need it.
    """
    import trafilatura  # lazy: slow to import, rarely needed

    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True)
    return [line for line in (text or "").split("\n") if line.strip()]
