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
from functools import lru_cache

from lxml import etree

from article_etl.extract.tree import HtmlElement, body_of, is_element, text_content

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
# Tags whose text is never article text (a figcaption describes a photo, not the news: the
# Fundus labels and ours leave captions out).
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
    "figcaption",
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
# Never text, wherever they sit (selector-chosen regions are not pruned).
_SKIP_TEXT = frozenset({"script", "style", "template"})
_MAX_LINK_DENSITY = 0.5
# Widening the chosen container (see ``_widen``): levels looked up, and what the wider one must be.
_WIDEN_LEVELS = 5
_SHARES = (1.0, 0.5, 1 / 6, 1 / 9, 1 / 12)
# A sibling of the chosen container joins it with this share of its score (readability's 0.2).
_SIBLING_SHARE = 0.2
# A sibling of only prose, at least this long, joins whatever its score (readability's 80).
_PROSE_BOX_MIN = 80
_REPEAT_PROBE = 30
# A link list's heading is a short line; the article goes on below the list when this many
# paragraphs of article length follow it.
_LIST_HEADING = 30
_ARTICLE_PARAGRAPH = 150
_RESUME_PARAGRAPHS = 2
_NOT_LEAD = frozenset(
    {"figure", "figcaption", "img", "picture", "video", "header", "h1", "ul", "ol", "table"}
)
_HAS_MEDIA = etree.XPath(
    "boolean(.//*[" + " or ".join(f"self::{tag}" for tag in sorted(_NOT_LEAD)) + "]"
    " or .//@class[contains(., 'caption')])"
)
_WIDEN_MAX_LINKS = 0.25
_WIDEN_MIN_PROSE = 0.75
# A standfirst next to the headline: one prose paragraph at least this long, ending a sentence.
_STANDFIRST_MIN = 80
_SENTENCE_END = (".", "!", "?", "。", "！", "？", "…", '"', "”", "»")
# Between two linked words of an enumeration: a comma (、，,) or a colon, maybe with unlinked words.
_ENUMERATION = re.compile(r"\s*[、，,：:]")
_INNER_SENTENCE_END = re.compile(r"[.!?。！？]\s+\S")
_NOT_STANDFIRST = frozenset({"ul", "ol", "table", "figure", "picture", "time", "address", "header", "footer"})


@dataclass
class Block:
    """One paragraph of page text and the element it sits in."""

    text: str
    owner: HtmlElement
    link_chars: int

    @property
    def link_density(self) -> float:
        return self.link_chars / max(len(self.text), 1)


def class_weight(tag: HtmlElement) -> int:
    """+25 for names that mean "article" (content, TRS_Editor, article-con), -25 for furniture."""
    id_, classes = tag.get("id"), tag.get("class")
    if not id_ and not classes:  # most elements: no string to build
        return 0
    names = f"{id_ or ''} {classes or ''}"
    return _names_weight(names) if names.strip() else 0


@lru_cache(maxsize=4096)
def _names_weight(names: str) -> int:
    """The weight of one id+class string; cached, since a page repeats a few class names a lot."""
    lowered = names.lower()
    negative = _NEGATIVE_TOKEN.search(lowered) is not None
    positive = _POSITIVE_TOKEN.search(lowered) is not None
    return (25 if positive else 0) - (25 if negative else 0)


def _token_pattern(prefixes: tuple[str, ...], exact: frozenset[str]) -> re.Pattern[str]:
    """A token (split at ``_TOKEN_SPLIT``) that starts with one of ``prefixes`` or is one of
    ``exact``, as one regex: most class strings are seen once, so the cache rarely answers, and
    splitting them into tokens and testing each in Python was 3% of extraction time."""
    start, end = r"(?:\A|[\s_\-])", r"(?=[\s_\-]|\Z)"
    words = "|".join(re.escape(w) for w in sorted(exact))
    return re.compile(rf"{start}(?:{'|'.join(map(re.escape, prefixes))}|(?:{words}){end})")


_NEGATIVE_TOKEN = _token_pattern(_NEGATIVE_PREFIX, _NEGATIVE_EXACT)
_POSITIVE_TOKEN = _token_pattern(_POSITIVE_PREFIX, _POSITIVE_EXACT)


def prune(root: HtmlElement) -> None:
    """Remove what is never the article: scripts, landmarks, furniture-named elements.

    One depth-first pass that does not descend into removed subtrees. Containers of an <h1>
    survive a furniture-like name, since templates wrap the headline in "header"/"top" boxes,
    and so do elements of the same class as one of them (the article's later blocks).
    The pass keeps its own stack: unclosed <div>/<font> tags nest thousands deep, past Python's
    recursion limit. ``drop_tree`` keeps the removed element's tail text where it was.
    """
    holds_h1 = _headline_containers(root)
    article_classes = _classes(holds_h1)

    # lxml's child iterator has found the next sibling before it hands out a child, so the child
    # may be removed while its parent's children are being read.
    stack = [iter(root)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        name = child.tag
        if not isinstance(name, str):  # a comment or processing instruction
            continue
        if (
            name in _DROP_TAGS
            or name in _DROP_LANDMARKS
            or (
                name != "html"
                and name != "body"
                and (name == "header" or class_weight(child) < 0)
                and child not in holds_h1
                and child.get("class") not in article_classes
            )
        ):
            child.drop_tree()
        else:
            stack.append(iter(child))


def _headline_containers(root: HtmlElement) -> set[HtmlElement]:
    """Every element that holds an <h1>."""
    holds_h1: set[HtmlElement] = set()
    for heading in root.iter("h1"):
        holds_h1.update(_ancestors(heading, 100))
    return holds_h1


def _classes(nodes: set[HtmlElement]) -> frozenset[str]:
    """The class attributes of the headline's containers: an article split into repeated blocks
    of one class (a stretch between two ad slots each) is the article whatever the class name
    says ("sidebar-grid__container"), so these never count as furniture."""
    return frozenset(cls for node in nodes if (cls := node.get("class")))


def _furniture(node: HtmlElement, article_classes: frozenset[str]) -> bool:
    return class_weight(node) < 0 and node.get("class") not in article_classes


def text_blocks(root: HtmlElement) -> list[Block]:
    """The paragraphs under ``root`` in document order: split at block elements and <br>.

    Depth-first with its own stack (not recursion), so a page of thousands of unclosed tags
    is read like any other. lxml keeps text before the first child in ``.text`` and text after
    an element in its ``.tail``, which belongs to the enclosing block, not to the element.
    """
    blocks: list[Block] = []
    buf: list[str] = []
    links = 0

    def flush(owner: HtmlElement) -> None:
        nonlocal links
        if not buf:  # every block boundary flushes, most with nothing read (and no link chars)
            return
        text = _SPACE.sub(" ", "".join(buf)).strip()
        if text:
            blocks.append(Block(text, owner, links))
        buf.clear()
        links = 0

    def add(text: str | None, in_link: bool) -> None:
        nonlocal links
        if text:
            buf.append(text)
            if in_link:
                links += len(text.strip())

    # Each frame: the element, its children still to read, the block they belong to, whether
    # they sit in a link, and whether the element is a block (flushed when the frame is done).
    stack: list[tuple[HtmlElement, Iterator[HtmlElement], HtmlElement, bool, bool]] = [
        (root, iter(root), root, False, False)
    ]
    add(root.text, False)
    while stack:
        element, children, owner, in_link, is_block = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if is_block:
                flush(element)
            if stack and element is not root:
                add(element.tail, stack[-1][3])
            continue
        tag = child.tag  # read once: lxml builds a new string on every read
        if not isinstance(tag, str) or tag in _SKIP_TEXT:  # a comment, PI or never-shown element
            add(child.tail, in_link)
        elif tag == "br":
            flush(owner)
            add(child.tail, in_link)
        elif tag in BLOCK_TAGS:
            flush(owner)
            stack.append((child, iter(child), child, in_link, True))
            add(child.text, in_link)
        else:
            link = in_link or tag == "a"
            stack.append((child, iter(child), owner, link, False))
            add(child.text, link)
    flush(root)
    return blocks


def _block_score(block: Block) -> float:
    return 1 + len(_PUNCT.findall(block.text)) + min(len(block.text) / 100, 3)


def _ancestors(tag: HtmlElement, limit: int) -> list[HtmlElement]:
    chain: list[HtmlElement] = []
    node: HtmlElement | None = tag
    while node is not None and len(chain) < limit:
        chain.append(node)
        node = node.getparent()
    return chain


def _ancestors_shared(
    tag: HtmlElement, limit: int, chains: dict[HtmlElement, list[HtmlElement]]
) -> list[HtmlElement]:
    """``_ancestors(tag, limit)``, built from the nearest ancestor's chain already in ``chains``
    (and stored there), so siblings climb only to their parent. No recursion: pages nest deep."""
    found = chains.get(tag)
    if found is not None:
        return found
    path: list[HtmlElement] = []
    node: HtmlElement | None = tag
    while node is not None and node not in chains:
        path.append(node)
        node = node.getparent()
    chain = chains[node] if node is not None else []
    for element in reversed(path):
        chain = [element, *chain[: limit - 1]]
        chains[element] = chain
    return chain


def candidate_scores(
    root: HtmlElement,
) -> tuple[dict[HtmlElement, float], dict[HtmlElement, list[int]]]:
    """Each container's score, and per element [text chars, link chars, prose chars].

    A prose block's score goes to its container and four more ancestors with falling shares
    (readability.js's 1, 1/2, 1/6, 1/9, 1/12): templates wrap each paragraph in a few <div>s
    of its own, and the article container still collects all its paragraphs. A positive class
    name adds at most the container's own score: "headline-text" on one short line is not an
    article, and must not outweigh the paragraphs that are.
    """
    scores: dict[HtmlElement, float] = {}
    # [text chars, link chars, prose chars] of each block owner's own blocks, then (``stats``) of
    # every element within 30 levels above them: summed per owner first and passed up once per
    # owner, through ancestor chains shared with the parent's (not climbed again for each block).
    own: dict[HtmlElement, list[int]] = {}
    for block in text_blocks(body_of(root)):
        size = len(block.text)
        prose = size >= _MIN_BLOCK and block.link_density <= _MAX_LINK_DENSITY
        counts = own.get(block.owner)
        if counts is None:
            counts = own[block.owner] = [0, 0, 0]
        counts[0] += size
        counts[1] += block.link_chars
        if prose:
            counts[2] += size
        if not prose:
            continue
        owner = block.owner
        start = owner if owner.tag in _TEXT_CONTAINERS else owner.getparent()
        if start is None:
            continue
        score = _block_score(block)  # once per block, not once per container it is given to
        for share, node in zip(_SHARES, _ancestors(start, len(_SHARES)), strict=False):
            scores[node] = scores.get(node, 0.0) + share * score
    stats: dict[HtmlElement, list[int]] = {}  # element -> [text chars, link chars, prose chars]
    chains: dict[HtmlElement, list[HtmlElement]] = {}
    for owner, (text_chars, link_chars, prose_chars) in own.items():
        for node in _ancestors_shared(owner, 30, chains):
            counts = stats.get(node)
            if counts is None:
                stats[node] = [text_chars, link_chars, prose_chars]
            else:
                counts[0] += text_chars
                counts[1] += link_chars
                counts[2] += prose_chars
    final: dict[HtmlElement, float] = {}
    article_classes = _classes(_headline_containers(root))
    for node, raw in scores.items():
        text_chars, link_chars, _ = stats.get(node, [1, 0, 0])
        density = link_chars / max(text_chars, 1)
        weight = class_weight(node)
        if weight < 0 and node.get("class") in article_classes:
            weight = 0  # the article's own repeated blocks (see ``_classes``)
        final[node] = (raw + min(weight, raw)) * (1 - density)
    return final, stats


def best_candidate(root: HtmlElement) -> tuple[HtmlElement | None, list[HtmlElement]]:
    """The highest-scoring container and any siblings that hold more of the same article."""
    final, stats = candidate_scores(root)
    scope = _first_of_several_articles(root)
    if scope is not None:
        inside = {
            node: score for node, score in final.items() if node is scope or scope in node.iterancestors()
        }
        final = inside or final
    if not final:
        return None, []
    best = max(final, key=lambda k: final[k])
    article_classes = _classes(_headline_containers(root))
    top = _unwrap(_widen(best, stats, scope, article_classes), stats, scope, article_classes)
    siblings: list[HtmlElement] = []
    threshold = max(10.0, final[best] * _SIBLING_SHARE)
    parent = top.getparent()
    if parent is not None:
        lead = _lead_before(top, stats)
        for sibling in parent:
            if (
                sibling is not top
                and is_element(sibling)
                and (final.get(sibling, 0.0) >= threshold or sibling is lead)
                and not _furniture(sibling, article_classes)
            ):
                siblings.append(sibling)
    return top, siblings


def _first_of_several_articles(root: HtmlElement) -> HtmlElement | None:
    """The first <article> when the page holds several articles, each with its own <h1>.

    Endless-scroll templates append the next stories, headline and all, below the one the URL
    names; a longer next story must not win. The page's own story comes first.
    """
    headed: list[HtmlElement] = []
    for heading in root.iter("h1"):
        article = next(heading.iterancestors("article"), None)
        if article is not None and article not in headed:
            headed.append(article)
    return headed[0] if len(headed) >= 2 else None


def _lead_before(top: HtmlElement, stats: dict[HtmlElement, list[int]]) -> HtmlElement | None:
    """The sibling right before the chosen container when it is a box of nothing but prose.

    Templates give the lead (preamble, standfirst) its own box before the body text; a long
    article's body scores so high that a lead of two sentences falls under any share of it.
    Only the nearest sibling with prose before the body qualifies (prose boxes elsewhere are
    as often bios or teasers), and not one with a picture, a caption, a headline or a list in
    it: that is a photo's caption, the page header with its dateline, or a key-points box. A
    summary the body repeats stays out.
    """
    node = top.getprevious()
    while node is not None and stats.get(node, [0, 0, 0])[2] == 0:  # no prose: a share bar, a gap
        node = node.getprevious()
    if node is None or node.tag in _NOT_LEAD or _HAS_MEDIA(node):
        return None
    text_chars, link_chars, prose_chars = stats.get(node, [0, 0, 0])
    if (
        prose_chars >= _PROSE_BOX_MIN
        and prose_chars == text_chars
        and link_chars <= _WIDEN_MAX_LINKS * text_chars
        and not _repeats(node, top)
    ):
        return node
    return None


def _repeats(summary: HtmlElement, body: HtmlElement) -> bool:
    """Whether the body already says the summary's text: an editor's abstract ("核心提示") that
    repeats the opening paragraph adds nothing. Its longest paragraph's last words are the probe."""
    longest = max((b.text for b in text_blocks(summary)), key=len, default="")
    probe = longest[-_REPEAT_PROBE:]
    return bool(probe) and probe in _SPACE.sub(" ", text_content(body))


def _unwrap(
    top: HtmlElement,
    stats: dict[HtmlElement, list[int]],
    scope: HtmlElement | None = None,
    article_classes: frozenset[str] = frozenset(),
) -> HtmlElement:
    """The outermost wrapper that holds the chosen container's text and nothing more.

    Templates put each part of a split article (before and after an ad slot) in a wrapper of its
    own; the parts are siblings only at the wrappers' level, where the sibling search must look.
    """
    chars = stats.get(top, [0, 0, 0])[0]
    parent = top.getparent()
    while (
        parent is not None
        and top is not scope
        and parent.tag not in ("body", "html")
        and stats.get(parent, [0, 0, 0])[0] == chars
        and not _furniture(parent, article_classes)
    ):
        top, parent = parent, parent.getparent()
    return top


def _widen(
    top: HtmlElement,
    stats: dict[HtmlElement, list[int]],
    scope: HtmlElement | None = None,
    article_classes: frozenset[str] = frozenset(),
) -> HtmlElement:
    """Climb from the best-scoring container to the ancestor that holds the whole article.

    Templates that wrap every paragraph in its own <div> (or section per ad slot) make one
    paragraph's wrapper score highest, and the rest of the article sits in its cousins, not its
    siblings. An ancestor within ``_WIDEN_LEVELS`` that holds at least twice the prose, is mostly
    prose (not link lists or short items) and is not furniture-named is the article; repeat.
    ``scope`` (when given) is as far as it climbs.
    """
    while True:
        prose = stats.get(top, [0, 0, 0])[2]
        chain = _ancestors(top, _WIDEN_LEVELS + 1)[1:]
        if scope in chain:  # never out of the page's own story (see _first_of_several_articles)
            chain = chain[: chain.index(scope) + 1]
        for node in chain:
            if node.tag in ("body", "html"):
                return top
            text_chars, link_chars, node_prose = stats.get(node, [0, 0, 0])
            if (
                node_prose >= 2 * max(prose, 1)
                and link_chars <= _WIDEN_MAX_LINKS * text_chars
                and node_prose >= _WIDEN_MIN_PROSE * text_chars
                and not _furniture(node, article_classes)
            ):
                top = node
                break
        else:
            return top


def content_paragraphs(nodes: list[HtmlElement]) -> list[str]:
    """Paragraph texts of the chosen nodes in document order, without link lists.

    A link list's own heading ("Related stories", "Trending", "相关新闻") goes with it when the
    article goes on below the list (a box of teasers between two paragraphs) or when nothing but
    link lists follows. Otherwise the heading stays, so the cleaning pass cuts the tail there.
    """
    blocks = [block for node in nodes for block in text_blocks(node)]
    long_after = [0] * (len(blocks) + 1)  # article-length paragraphs from block i on
    kept_after = [0] * (len(blocks) + 1)  # blocks that are not link lists, from block i on
    for i in range(len(blocks) - 1, -1, -1):
        long_after[i] = long_after[i + 1] + (len(blocks[i].text) >= _ARTICLE_PARAGRAPH)
        kept_after[i] = kept_after[i + 1] + (not _is_link_list(blocks[i]))
    paragraphs: list[str] = []
    heading: int | None = None  # index in ``paragraphs`` of a short line that may head a list
    for i, block in enumerate(blocks):
        if _is_link_list(block):
            if heading is not None and (long_after[i] >= _RESUME_PARAGRAPHS or kept_after[i] == 0):
                del paragraphs[heading]
            heading = None
            continue
        heading = len(paragraphs) if len(block.text) <= _LIST_HEADING else None
        paragraphs.append(block.text)
    return paragraphs


def _is_link_list(block: Block) -> bool:
    return block.link_density > _MAX_LINK_DENSITY and len(block.text) < 200 and not _keyword_links(block)


def _keyword_links(block: Block) -> bool:
    """Whether a link-dense paragraph is prose whose words are links (a list of places, each
    linked to its topic page): a <p> of its own whose links are joined by enumeration commas or a
    label's colon, as a sentence lists things; menus and teaser lists put nothing, pipes or
    bullets between their links, and one link per line."""
    owner = block.owner
    if owner.tag != "p":
        return False
    links = owner.findall(".//a")
    return len(links) >= 2 and all(_ENUMERATION.match(link.tail or "") for link in links[:-1])


def main_content(root: HtmlElement) -> list[str]:
    """The article's paragraphs from a page (prunes the tree in place), standfirst first."""
    standfirst, paragraphs = article_parts(root)
    return [standfirst, *paragraphs] if standfirst else paragraphs


def article_parts(root: HtmlElement) -> tuple[str | None, list[str]]:
    """The standfirst outside the body box (or None) and the body's paragraphs; prunes ``root``.

    Apart, because JSON-LD ``articleBody`` leaves the standfirst out too: the caller compares
    like with like before it picks one body, and puts the standfirst before whichever it took.
    """
    prune(root)
    top, siblings = best_candidate(root)
    if top is None:
        return None, []
    nodes = [top, *siblings]
    parent = top.getparent()
    order = {tag: i for i, tag in enumerate(parent)} if parent is not None else {}
    nodes.sort(key=lambda t: order.get(t, 0))
    paragraphs = content_paragraphs(nodes)
    standfirst = _standfirst(root, nodes)
    if standfirst and standfirst in "\n".join(paragraphs):
        standfirst = None  # the body's first paragraph again
    return standfirst, paragraphs


def _standfirst(root: HtmlElement, nodes: list[HtmlElement]) -> str | None:
    """The paragraph right after the headline when it is a sentence of prose outside the body.

    News templates put the standfirst (spot, chapô, Vorspann) in the headline's block, as an
    <h2>/<h4> or a bare <span> right under the <h1>, with the byline, date and photo between it
    and the body: no sibling rule reaches it, and it is labelled as the article's first
    paragraph. Only the headline's next element qualifies, and only when it is one block of at
    least 80 characters without links or pictures that ends a sentence or holds more than one
    (a long one-line subtitle without a full stop stays out), is not in the body and the body
    does not repeat it whole: a summary stitched from the sections' first sentences is kept.
    """
    heading = next(root.iter("h1"), None)
    node = heading.getnext() if heading is not None else None
    while node is not None and (not is_element(node) or not text_content(node).strip()):
        node = node.getnext()
    if node is None or node.tag in _NOT_STANDFIRST or _HAS_MEDIA(node):
        return None  # a photo and its caption, a key-points list, the byline block
    for chosen in nodes:
        if chosen is node or chosen in node.iterancestors() or node in chosen.iterancestors():
            return None
    blocks = text_blocks(node)
    if len(blocks) != 1 or blocks[0].link_chars:
        return None
    text = blocks[0].text
    if len(text) < _STANDFIRST_MIN or not (text.endswith(_SENTENCE_END) or _INNER_SENTENCE_END.search(text)):
        return None  # a long subtitle, not a standfirst
    return text


def fallback_content(html: str) -> list[str]:
    """trafilatura's extraction, for pages where the scorer found almost nothing.

    Imported lazily: trafilatura is slow to import and only a handful of pages need it.
    """
    import trafilatura  # lazy: slow to import, rarely needed

    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True)
    return [line for line in (text or "").split("\n") if line.strip()]
