"""Bylines: who wrote the article, as opposed to who edited, supplied or photographed it.

Chinese pages print roles before names (``西江日报记者 王永强 通讯员 赵祖轩``, ``□本报记者 王嘉晨``)
and mix them with labels that are not authors (``来源:``, ``责编:``, ``编辑:``) and photo credits
(``本报记者 刘世铭 摄``). The warehouse's ``author`` is the reporters and correspondents only,
joined with ", ", so a credit or a newspaper name never becomes a person.
"""

from __future__ import annotations

import re

from article_etl.clean.text import normalise_text, split_spaced

# Roles whose names are authors. Longest first so that 特约记者 wins over 记者.
_AUTHOR_ROLE = (
    r"(?:[\u4e00-\u9fff]{0,8}?(?:特约记者|首席记者|见习记者|记者|記者)"
    r"|通讯员|通訊員|实习生|實習生|作者|撰稿|撰文|文/图|图/文|文字)"
)
# Labels that end a run of names: not authors, so what follows them is not collected.
_STOP_LABEL = (
    r"(?:来源|來源|稿源|责任编辑|責任編輯|责编|責編|编辑|編輯|审核|校对|摄影|攝影|摄|攝|图片|供图"
    r"|时间|時間|发布|發布|日期|点击|字号|浏览)"
)
_ROLE_RX = re.compile(_AUTHOR_ROLE + r"\s*[:：]?\s*")
_STOP_RX = re.compile(_STOP_LABEL + r"|\d|[|｜]")
_LEAD = re.compile(r"^[\s□■●◆◇○★☆▲▼【\[]+")
# 本报讯(记者 王嘉晨) at the start of a news item
_DATELINE = re.compile(
    r"^(?:本报讯|本报[\u4e00-\u9fff]{0,4}电|[\u4e00-\u9fff]{2,8}讯)\s*[(（]([^)）]{2,40})[)）]"
)
# Han names are 2-4 characters; transliterated minority names join parts with "·".
_CJK_NAME = re.compile(r"^(?:[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff·]{1,10})$")
# "(霍英丽 摄)", "本报记者 刘世铭 摄", "图/张三": a photo credit, never the article's author
PHOTO_CREDIT = re.compile(
    r"[(（]?\s*(?:[\u4e00-\u9fff]{0,8}记者|記者|通讯员|通訊員)?\s*"
    r"[\u4e00-\u9fff·]{2,4}(?:[\s、,，]+[\u4e00-\u9fff·]{2,4})*\s*(?:摄影?|攝影?|/摄|供图)\s*[)）]?\s*$"
)
# PHOTO_CREDIT is the definition; ``photo_credit_start`` matches it in linear time. Searched as
# is, it retries every start of a list of short comma-separated words (``张村、李庄、…``) and
# rescans to the end each time (a 144 KB paragraph took 16 s), and its adjacent ``\s*``s make a
# run of spaces cubic (1,000 spaces: 4 s). These two patterns describe the same strings:
# _CREDIT_REVERSED: the credit and the name list, reversed, matched at the end of the line.
_CREDIT_REVERSED = re.compile(
    r"\s*(?:[)）]\s*)?(?:影?摄|影?攝|摄/|图供)\s*(?:[\u4e00-\u9fff·]{2,4}[\s、,，]+)*[\u4e00-\u9fff·]{2,4}"
)
# _CREDIT_FROM: PHOTO_CREDIT with each "\s* X? \s*" written "\s* (X \s*)?", for ``match`` at a given start.
_CREDIT_FROM = re.compile(
    r"[(（]?\s*(?:(?:[\u4e00-\u9fff]{0,8}记者|記者|通讯员|通訊員)\s*)?"
    r"[\u4e00-\u9fff·]{2,4}(?:[\s、,，]+[\u4e00-\u9fff·]{2,4})*\s*(?:摄影?|攝影?|/摄|供图)\s*(?:[)）]\s*)?$"
)
_CJK_IDEOGRAPH = re.compile("[\u4e00-\u9fff]")
# Between names in a structured author field: "王永强、赵祖轩", "Jane Doe and John Roe".
_NAME_SPLIT = re.compile(r"\s*(?:[,，、;；&]|\band\b)\s*")
# The longest role (``[\u4e00-\u9fff]{0,8}记者``) before the names.
_MAX_ROLE = 10
_EN_BY = re.compile(r"^(?:words\s+)?by\s+(.+)$", re.IGNORECASE)
_EN_STOP = re.compile(
    r"\s+(?:[|•·—–-]|on|updated|published|posted)(?:\s+.*)?$|\s*\d.*$|\s*,\s*(?:[a-z].*)?$", re.IGNORECASE
)
_EN_ROLE_WORDS = re.compile(
    r"\b(?:correspondent|editor|reporter|writer|staff|contributor|columnist|bureau|chief|senior|news|desk)\b",
    re.IGNORECASE,
)
_EN_NAME = re.compile(r"^[A-Z][\w'’.-]*(?:\s+(?:(?:de|van|von|der|da|di|le|la|bin)\s+)?[A-Z][\w'’.-]*){0,4}$")
_MAX_BYLINE = 80
_ORGANISATION = re.compile(r"(?:网|报|社|台|中心|集团|频道|News|Times|Post|Press)$")


def _unique(names: list[str]) -> str | None:
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    return ", ".join(seen) or None


def photo_credit_start(text: str) -> int | None:
    """Where ``PHOTO_CREDIT.search(text)`` would match, in time linear in ``len(text)``; None when not.

    Every start of a name list followed by the credit is a match start, and the earliest of them
    is the longest match of the reversed pattern at the end of the text (names are delimited by
    separators, so the greedy reversed match is the longest). A role and bracket may begin the
    match up to ``_MAX_ROLE`` ideographs (plus spaces and one bracket) further left: those few
    starts are tried in order. Inside a run of spaces every start matches or fails alike, so
    only the run's first one is tried.
    """
    tail = _CREDIT_REVERSED.match(text[::-1])
    if tail is None:
        return None
    names_start = len(text) - tail.end()
    lowest = names_start
    ideographs = 0
    while lowest > 0:
        char = text[lowest - 1]
        if char.isspace() or (ideographs < _MAX_ROLE and _CJK_IDEOGRAPH.match(char)):
            ideographs += not char.isspace()
            lowest -= 1
        else:
            break
    if lowest > 0 and text[lowest - 1] in "(（":
        lowest -= 1
    for start in range(lowest, names_start):
        if start > lowest and text[start].isspace() and text[start - 1].isspace():
            continue  # same outcome as the start of this run of spaces, already tried
        if _CREDIT_FROM.match(text, start):
            return start
    return names_start


def has_photo_credit(text: str) -> bool:
    """Whether the text ends in a photo credit (``PHOTO_CREDIT.search``, in linear time)."""
    return photo_credit_start(text) is not None


def strip_photo_credit(line: str) -> str:
    """The line without a trailing photo credit (``…整治效果明显。本报记者 刘世铭 摄`` -> ``…明显。``)."""
    start = photo_credit_start(line)
    return (line if start is None else line[:start]).rstrip()


def _cjk_names(segment: str) -> list[str]:
    names: list[str] = []
    for token in re.split(r"[\s、,，;；/]+", segment):
        token = token.strip("()（）:：")
        if not token:
            continue
        if not _CJK_NAME.match(token):
            break  # prose after the names: stop rather than collect words
        names.append(token)
    return names


def _parse_zh(text: str) -> list[str]:
    dateline = _DATELINE.match(text)
    if dateline:
        text = dateline.group(1)
    names: list[str] = []
    for role in _ROLE_RX.finditer(text):
        rest = text[role.end() :]
        stop = _STOP_RX.search(rest)
        segment = rest[: stop.start()] if stop else rest
        next_role = _ROLE_RX.search(segment)
        if next_role:
            segment = segment[: next_role.start()]
        names += _cjk_names(segment)
    return names


def _parse_en(text: str) -> list[str]:
    match = _EN_BY.match(text)
    if not match:
        return []
    names_part = _EN_STOP.sub("", match.group(1)).strip()
    names: list[str] = []
    for part in re.split(r"\s*(?:,|&|\band\b)\s*", names_part):
        part = part.strip()
        if part and _EN_NAME.match(part) and not _EN_ROLE_WORDS.search(part):
            names.append(part)
    return names


def parse_byline(text: str) -> str | None:
    """The author names in a byline line, or None when the line names no author.

    ``西江日报记者 王永强 通讯员 赵祖轩`` -> ``王永强, 赵祖轩``; ``通讯员: 马瑞  2022年09月14日`` -> ``马瑞``;
    ``By Jane Doe and John Roe`` -> ``Jane Doe, John Roe``; ``来源: XX日报``, ``责编: XX`` and
    photo credits (``本报记者 刘世铭 摄``) -> None. A role word is required for Chinese, so an
    arbitrary short line is never mistaken for a name.
    """
    text = _LEAD.sub("", normalise_text(text)).strip()
    if not text or len(text) > _MAX_BYLINE * 3:
        return None
    if has_photo_credit(text):
        text = strip_photo_credit(text)
        if not text:
            return None
    return _unique(_parse_zh(text) or _parse_en(text))


def author_from_value(value: str) -> str | None:
    """An author from a structured field (meta, JSON-LD, a selector): a byline or plain names.

    Structured fields often hold just ``王永强`` or ``Jane Doe``, with no role word, so plain
    names are accepted here (unlike in page text). URLs and credits are rejected.
    """
    value = normalise_text(value)
    if not value or value.startswith(("http://", "https://", "/")):
        return None
    parsed = parse_byline(value)
    if parsed:
        return parsed
    if has_photo_credit(value) or re.search(_STOP_LABEL + r"\s*[:：]", value):
        return None
    parts = [p.strip() for p in split_spaced(_NAME_SPLIT, value) if p.strip()]
    if any(_ORGANISATION.search(p) for p in parts):
        return None  # "西江网", "人民日报": a publisher in the author field, not a person
    if parts and all(_CJK_NAME.match(p) or _EN_NAME.match(p) for p in parts):
        return _unique(parts)
    if len(parts) == 1 and re.fullmatch(r"(?:[\u4e00-\u9fff·]{2,4}\s+){1,5}[\u4e00-\u9fff·]{2,4}", value):
        return _unique(value.split())  # "张三 李四"
    return None


def is_byline_line(line: str) -> bool:
    """A short line that is only a byline (its role words and names), to keep it out of the body."""
    if len(line) > _MAX_BYLINE or parse_byline(line) is None:
        return False
    # The byline takes the whole line: no sentence punctuation around it.
    return not re.search(r"[。！？!?]", line) and not _DATELINE.match(line)
