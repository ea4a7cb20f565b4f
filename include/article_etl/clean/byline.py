"""Bylines: who wrote the article, as opposed to who edited, supplied or photographed it.

Chinese pages print roles before names (``西江日报记者 王永强 通讯员 赵祖轩``, ``□本报记者 王嘉晨``)
and mix them with labels that are not authors (``来源:``, ``责编:``, ``编辑:``) and photo credits
(``本报记者 刘世铭 摄``). The warehouse's ``author`` is the reporters and correspondents only,
joined with ", ", so a credit or a newspaper name never becomes a person.

Precision first: a role word only counts where a byline puts it (at the start of the line or
after a separator, behind nothing but a newspaper's name), and every name after it must pass
``article_etl.clean.names`` (a surname-shaped Han name, a capitalised name, a news agency). So
``接受记者采访时称`` or ``本文仅代表作者个人观点`` in prose yield nothing, and when unsure, nothing.
Forum and blog posts have a poster instead of a reporter: ``poster_from_line`` reads the
``小猪快跑 发表于 2023-5-5`` / ``Posted by jdoe on …`` lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from article_etl.clean.names import (
    is_agency,
    is_han_name,
    is_handle,
    is_hangul_name,
    is_job_title,
    is_person_or_agency,
    is_prose,
    is_site_name,
    strip_job_title,
)
from article_etl.clean.text import normalise_text, split_spaced

# Roles whose names are authors. Longest first so that 特约记者 wins over 记者.
_AUTHOR_ROLE = (
    r"(?:(?:特约|首席|见习|实习|全媒体|融媒体|特約|見習|實習)?(?:记者|記者)"
    r"|通讯员|通訊員|实习生|實習生|作者|撰稿|撰文|文/图|图/文|文字|文(?=\s*[:：/|｜丨]))"
)
# What may stand before a role in a byline: a newspaper or station (西江日报, 新华社, 本报, 央视),
# optionally "驻<place>". Anything else before it (接受, 对, 代表) makes the role word prose.
_ROLE_PREFIX = re.compile(
    r"(?:本报|本報|本刊|本台|本网|本網|本站"
    r"|[\u4e00-\u9fff]{1,8}?(?:报|報|社|台|网|網|刊|站|视|視|闻|聞|中心|频道|頻道|媒体|媒體|传媒|傳媒|新闻|新聞))?"
    r"(?:驻[\u4e00-\u9fff]{1,6})?"
)
_PROSE_BEFORE_ROLE = re.compile(
    r"接受|对|對|向|据|據|告诉|告訴|跟|给|給|让|讓|请|請|被|和|与|與|的|了|是|在|说|說|代表|仅|僅|本文|该文|該文"
)
# Labels that end a run of names: not authors, so what follows them is not collected.
_STOP_LABEL = (
    r"(?:来源|來源|稿源|责任编辑|責任編輯|责编|責編|编辑|編輯|审核|校对|摄影|攝影|摄|攝|图片|供图"
    r"|时间|時間|发布|發布|日期|点击|字号|浏览)"
)
_ROLE_RX = re.compile(_AUTHOR_ROLE + r"(?:\s*[:：/|｜丨]\s*|\s+)?")
_STOP_RX = re.compile(_STOP_LABEL + r"|\d|[|｜]")
_LEAD = re.compile(r"^[\s□■●◆◇○★☆▲▼【\[]+")
# Where a byline's role may start: the line's start or after a separator.
_BOUNDARY = frozenset(" \t　()（）[]【】|｜:：,，、;；/·•□■●◆◇○★☆▲▼—-")
# 本报讯(记者 王嘉晨) at the start of a news item
_DATELINE = re.compile(
    r"^(?:本报讯|本报[\u4e00-\u9fff]{0,4}电|[\u4e00-\u9fff]{2,8}讯)\s*[(（]([^)）]{2,40})[)）]"
)
# What follows a name in run-on bylines: 记者王嘉晨报道, 记者张三发自北京.
_NAME_TAIL = re.compile(r"(?:报道|報導|采写|採寫|整理|编译|編譯|综合报道|綜合報導|发自.*|發自.*)$")
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
# Between names in a structured author field: "王永强、赵祖轩", "Jane Doe and John Roe", "dpa/AFP".
_NAME_SPLIT = re.compile(r"\s*(?:[,，、;；&/|｜]|\b(?:and|und|et|y|og|och|e|i|и)\b)\s*")
# The longest role (``[\u4e00-\u9fff]{0,8}记者``) before the names.
_MAX_ROLE = 10
# "By Jane Doe", "Von Max Mustermann", "Text: Anna Beispiel", "Par Jean Dupont", "Por Ana Gil".
_WORD_BY = re.compile(
    r"^(?:words\s+|reporting\s+|written\s+)?(?:by|von|par|por|door|di|av|af)(?:\s*[:：]\s*|\s+)(.+)$"
    # A label needs its colon: "Author Jane Doe, from Kensington, said …" is a sentence.
    r"|^(?:text|texte|texto|testo|tekst|autor|autorin|autoren|author|authors|auteur|auteurs|verfasser"
    r"|autorin/autor|autor/in|autor/-in|autor:in|autor\*in)\s*[:：]\s*(.+)$",
    re.IGNORECASE,
)
# Where the names of a Latin byline end: a separator, a date, "on"/"am"/"le" before a date.
_WORD_BY_END = re.compile(
    r"\s+[|•·—–]\s*|\s+-\s+|\s+(?:on|updated|published|posted|am|le|el|il|aktualisiert|veröffentlicht)\s|\d|\s*\|",
    re.IGNORECASE,
)
# A trailing agency credit: "By Jane Doe | Reuters", "Von Max Mustermann (dpa)".
_AGENCY_TRAILER = re.compile(r"(?:[|•·—–-]|\s)\s*[(（]?([^|•·—–()（）]{2,40}?)[)）]?\s*$")
_KO_BYLINE = re.compile(
    r"(?:^|[\s(（\[|/])([\uac00-\ud7a3]{2,4})\s*(?:기자|특파원|통신원)(?=$|[\s)）\]|/,=])"
)
# Forum and blog poster lines: "小猪快跑 发表于 2023-5-5 12:00", "Posted by jdoe on May 2".
_POSTED_ZH = re.compile(
    r"^(?:(?:楼主|樓主|作者|发帖人|發帖人)\s*[:：]?\s*)?(\S{2,24})\s*(?:发表于|發表於|发表时间|發表時間)\s*[:：]?\s*\d"
)
_POSTED_EN = re.compile(
    r"^posted\s+by\s*[:：]?\s*(\S+(?:\s\S+){0,2}?)(?:\s+(?:on|at|in)\s.*|\s*[|,•·—–-].*|\s+\d.*)?$",
    re.IGNORECASE,
)
_MAX_BYLINE = 80
# Labels of values that are not the article's authors: a source, a picture credit, the editors
# ("Quelle: sid/dpa", "Bild: SN/APA/KEYSTONE/…", "Redaktion: …"); the Latin-script _STOP_LABEL.
_WORD_STOP_LABEL = re.compile(
    r"^(?:quelle|quellen|source|sources|fuente|fonte|bron|kilde|källa|foto|fotos|bild|bilder|photo|photos"
    r"|image|images|picture|credit|credits|copyright|redaktion|editor|editors|edited by|bearbeitung)\s*[:：]",
    re.IGNORECASE,
)
# "Name (code)" in structured author fields: a newsroom's short desk code or an agency.
_PAREN_SUFFIX = re.compile(r"(.+?)\s*[(（]([^()（）]{1,40})[)）]")
_DESK_CODE = re.compile(r"[a-z]{2,5}\.?")
_MAX_VALUE = 300


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


def _role_at_byline_position(text: str, start: int) -> bool:
    """Whether a role word starting at ``start`` sits where a byline puts it.

    What precedes it back to the previous separator must be empty, or a newspaper's name
    (``西江日报``, ``本报``, ``新华社驻京``), never prose (``接受``, ``本文仅代表``).
    """
    lead = start
    while lead > 0 and text[lead - 1] not in _BOUNDARY and start - lead <= _MAX_ROLE + 2:
        lead -= 1
    if lead > 0 and text[lead - 1] not in _BOUNDARY:
        return False  # the run before the role is longer than any newspaper name
    prefix = text[lead:start]
    if not prefix:
        return True
    return bool(_ROLE_PREFIX.fullmatch(prefix)) and not _PROSE_BEFORE_ROLE.search(prefix)


def _han_names(segment: str) -> list[str]:
    """The names that open ``segment``; the first token that is no name ends the run."""
    names: list[str] = []
    for token in re.split(r"[\s、,，;；/()（）]+", segment):
        token = token.strip("()（）:：")
        if not token:
            continue
        if names and token in ("等", "等人"):
            break
        name = _NAME_TAIL.sub("", token) if len(token) > 2 else token
        if not is_han_name(name):
            break  # prose after the names: stop rather than collect words
        names.append(name)
        if name != token:
            break  # "王嘉晨报道": the byline ends here
    return names


def _parse_zh(text: str) -> list[str]:
    dateline = _DATELINE.match(text)
    if dateline:
        text = dateline.group(1)
    names: list[str] = []
    for role in _ROLE_RX.finditer(text):
        if not _role_at_byline_position(text, role.start()):
            continue
        rest = text[role.end() :]
        stop = _STOP_RX.search(rest)
        segment = rest[: stop.start()] if stop else rest
        next_role = _ROLE_RX.search(segment)
        if next_role:
            segment = segment[: next_role.start()]
        names += _han_names(segment)
    return names


def _parse_ko(text: str) -> list[str]:
    return [m.group(1) for m in _KO_BYLINE.finditer(text) if is_hangul_name(m.group(1))]


def _parse_words(text: str) -> list[str]:
    """Names of a "By …"/"Von …"/"Text: …" byline, and a trailing agency credit."""
    match = _WORD_BY.match(text)
    if not match:
        return []
    rest = match.group(1) or match.group(2)
    end = _WORD_BY_END.search(rest)
    names_part = (rest[: end.start()] if end else rest).strip()
    names_part = re.sub(r"\s*[(（][^)）]*[)）]\s*$", "", names_part)  # "(dpa)" is read below
    names: list[str] = []
    for part in split_spaced(_NAME_SPLIT, names_part):
        part = strip_job_title(part.strip().strip(","))
        if part and (is_person_or_agency(part)):
            names.append(part)
        elif names and is_job_title(part):
            continue  # "Jane Doe, Political Correspondent, and John Roe": the title of the last name
        elif part and names:
            break  # "Jane Doe, Berlin" / "…, Staff Writers": the names are over
    if names:
        trailer = _AGENCY_TRAILER.search(rest)
        if trailer and is_agency(trailer.group(1).strip()):
            names.append(trailer.group(1).strip())
    return names


# A line that is only a byline's marker: the names follow in the next element ("von" and a link
# to the author's page; "Autorin/Autor" in a <strong> and the name after it).
_MARKER_ONLY = re.compile(
    r"^(?:words\s+|written\s+)?(?:by|von|par|por|door|di|av|af|text|texte|texto|autor|autorin|autoren"
    r"|author|authors|auteur|auteurs|verfasser|autorin/autor|autor/in|autor/-in|autor:in|autor\*in)\s*[:：]?$",
    re.IGNORECASE,
)


def is_byline_marker(text: str) -> bool:
    """Whether ``text`` is only a byline's marker (``von``, ``By:``, ``Autorin/Autor``), no names."""
    return bool(_MARKER_ONLY.match(normalise_text(text).strip()))


def byline_across(marker: str, following: str, sites: Iterable[str] = ()) -> str | None:
    """The names of a byline split over two lines: a bare marker (``von``, ``By``, ``Autorin/Autor``)
    and the next line, read as one ``"<marker>: <names>"`` byline; None when ``marker`` is not bare."""
    marker = normalise_text(marker).strip()
    if not is_byline_marker(marker):
        return None
    return parse_byline(f"{marker.rstrip(':：').strip()}: {following}", sites)


def parse_byline(text: str, sites: Iterable[str] = ()) -> str | None:
    """The author names in a byline line, or None when the line names no author.

    ``西江日报记者 王永强 通讯员 赵祖轩`` -> ``王永强, 赵祖轩``; ``通讯员: 马瑞  2022年09月14日`` -> ``马瑞``;
    ``By Jane Doe and John Roe | Reuters`` -> ``Jane Doe, John Roe, Reuters``; ``Von Max
    Mustermann`` -> ``Max Mustermann``; ``来源: XX日报``, ``责编: XX``, photo credits (``本报记者
    刘世铭 摄``) and role words inside prose (``接受记者采访时称``) -> None. A role word is required
    for Chinese, so an arbitrary short line is never mistaken for a name. ``sites`` are the
    site's own names, never an author.
    """
    text = _LEAD.sub("", normalise_text(text)).strip()
    if not text or len(text) > _MAX_BYLINE * 3:
        return None
    if has_photo_credit(text):
        text = strip_photo_credit(text)
        if not text:
            return None
    names = _parse_zh(text) or _parse_ko(text) or _parse_words(text)
    return _unique([n for n in names if not is_site_name(n, sites)])


def author_from_value(value: str, sites: Iterable[str] = ()) -> str | None:
    """An author from a structured field (meta, JSON-LD, a selector): a byline or plain names.

    Structured fields often hold just ``王永强`` or ``Jane Doe``, with no role word, so plain
    names are accepted here (unlike in page text), but only names of a person's or an agency's
    shape: ``网易``, ``Staff``, ``LTO``, a URL, a credit or the site's own name (``sites``) is none.
    """
    value = normalise_text(value)
    if not value or len(value) > _MAX_VALUE or re.match(r"(?:https?:)?//|/|www\.", value):
        return None
    sites = tuple(sites)
    parsed = parse_byline(value, sites)
    if parsed:
        return parsed
    if (
        has_photo_credit(value)
        or re.search(_STOP_LABEL + r"\s*[:：]", value)
        or _WORD_STOP_LABEL.match(value)
    ):
        return None
    parts = [p.strip() for p in split_spaced(_NAME_SPLIT, value) if p.strip()]
    parts = [q for p in parts for q in _without_suffix(p)]
    parts = _without_job_titles(parts)
    names = [p for p in parts if is_person_or_agency(p, sites)]
    if parts and parts[0] not in names and any(is_prose(p) for p in parts if p not in names):
        return None  # "Author Jane Doe, from Kensington, said …": a sentence, not a credit
    if not names and len(parts) == 2 and all(" " not in p for p in parts):
        inverted = f"{parts[1]} {parts[0]}"  # citation style "Brazil, Rachel"
        names = [inverted] if is_person_or_agency(inverted, sites) else []
    if (
        not names
        and len(parts) == 1
        and re.fullmatch(r"(?:[\u4e00-\u9fff·]{2,4}\s+){1,5}[\u4e00-\u9fff·]{2,4}", value)
    ):
        names = [n for n in value.split() if is_han_name(n)]  # "张三 李四"
        if len(names) != len(value.split()):
            return None  # "张三 最新文章": not a list of names
    return _unique(names)


def _without_job_titles(parts: list[str]) -> list[str]:
    """The parts of an author field with job titles gone: ``["Jane Doe", "Senior Reporter"]`` ->
    ``["Jane Doe"]``, ``"Jane Doe - Senior Reporter"`` and ``"Jane Doe Senior Reporter"`` -> ``"Jane
    Doe"``. A title is no name, and was the reason such a credit was refused as a whole."""
    kept: list[str] = []
    for part in parts:
        dashed = re.split(r"\s+[-–—]\s+", part)
        if len(dashed) == 2 and is_job_title(dashed[1]):
            part = dashed[0]
        if not is_job_title(part):
            kept.append(strip_job_title(part))
    return kept


def _without_suffix(part: str) -> list[str]:
    """``Elena Oberholzer (obe)`` -> the name (a desk code after it is no name); ``Jane Doe (dpa)``
    -> the name and the agency. Anything else in brackets leaves the part as it is."""
    match = _PAREN_SUFFIX.fullmatch(part)
    if not match:
        return [part]
    name, inner = match.group(1).strip(), match.group(2).strip()
    if is_agency(inner):
        return [name, inner]
    return [name] if _DESK_CODE.fullmatch(inner) or is_job_title(inner) else [part]


def poster_from_line(line: str, sites: Iterable[str] = ()) -> str | None:
    """The poster of a forum or blog post from its header line, or None.

    ``小猪快跑 发表于 2023-5-5 12:00`` -> ``小猪快跑``; ``楼主: 老王 发表于 …``; ``Posted by jdoe on
    May 2, 2025`` -> ``jdoe``. A poster is a handle, not necessarily a person's name, so the
    shape test is ``names.is_handle``; the "发表于"/"posted by" marker is what makes it an author.
    """
    line = normalise_text(line)
    if len(line) > _MAX_BYLINE:
        return None
    match = _POSTED_ZH.match(line) or _POSTED_EN.match(line)
    if not match:
        return None
    name = match.group(1).strip()
    return name if is_person_or_agency(name, sites) or is_handle(name, sites) else None


def is_byline_line(line: str) -> bool:
    """A short line that is only a byline (its role words and names), to keep it out of the body."""
    if len(line) > _MAX_BYLINE or parse_byline(line) is None:
        return False
    # The byline takes the whole line: no sentence punctuation around it.
    return not re.search(r"[。！？!?]", line) and not _DATELINE.match(line)
