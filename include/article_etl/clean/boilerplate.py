"""Site furniture detection: which lines of extracted text are not the article.

The phrases live in ``article_etl/data/boilerplate/<lang>.txt`` rather than in code so that an
editor who finds a new share-bar label or licence line can add one line of data (with a
comment) without touching the logic. Files are read and compiled once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

BOILERPLATE_DIR = Path(__file__).resolve().parents[1] / "data" / "boilerplate"
# English furniture ("Powered by", "All rights reserved", cookie banners) appears on sites in
# every language, so its rules always apply.
_ALWAYS = ("en",)

# Navigation: several short items separated by spaces, pipes or middots, no sentence punctuation.
_NAV_SPLIT = re.compile(r"\s*[|｜·•/]\s*|\s+")
_NAV_PIPES = re.compile(r"[|｜•]")
_SENTENCE_PUNCT = re.compile(r"[。，,！!？?；;：:“”\"]")


@dataclass(frozen=True)
class Rules:
    """Compiled furniture patterns of one language: drop-a-line and cut-the-tail."""

    line: tuple[re.Pattern[str], ...]
    tail: tuple[re.Pattern[str], ...]


def _parse(path: Path) -> Rules:
    sections: dict[str, list[re.Pattern[str]]] = {"line": [], "tail": []}
    current = "line"
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        if entry.startswith("[") and entry.endswith("]") and entry[1:-1] in sections:
            current = entry[1:-1]
            continue
        try:
            sections[current].append(re.compile(entry, re.IGNORECASE))
        except re.error as exc:
            raise ValueError(f"{path}:{number}: bad pattern {entry!r}: {exc}") from exc
    return Rules(line=tuple(sections["line"]), tail=tuple(sections["tail"]))


@cache
def rules_for(lang: str | None) -> Rules:
    """The furniture rules for a language (all languages when unknown), compiled once."""
    available = sorted(p.stem for p in BOILERPLATE_DIR.glob("*.txt"))
    wanted = available if lang is None else [code for code in available if code in (lang, *_ALWAYS)]
    parsed = [_parse(BOILERPLATE_DIR / f"{code}.txt") for code in wanted]
    return Rules(
        line=tuple(p for r in parsed for p in r.line),
        tail=tuple(p for r in parsed for p in r.tail),
    )


def is_nav_line(line: str) -> bool:
    """A row of menu items: ``洛阳网首页 新闻 县区 …`` or ``偃师 | 孟津 | 新安 …``.

    Four or more items, each short (a menu label, not a clause), and no sentence punctuation.
    Space-separated rows only count for CJK labels, because a Latin sentence is also a row of
    short space-separated words; Latin menus need explicit separators.
    """
    if _SENTENCE_PUNCT.search(line):
        return False
    items = [item for item in _NAV_SPLIT.split(line) if item]
    if len(items) < 4:
        return False
    if _NAV_PIPES.search(line):
        return all(len(item) <= 12 for item in items)
    cjk_items = sum(1 for item in items if re.match("[\u4e00-\u9fff]", item))
    return cjk_items == len(items) and all(len(item) <= 6 for item in items)


def is_boilerplate(line: str, lang: str | None = None) -> bool:
    """Whether a normalised line is site furniture rather than article text."""
    return is_nav_line(line) or any(p.search(line) for p in rules_for(lang).line)


def is_tail_marker(line: str, lang: str | None = None) -> bool:
    """Whether a line opens the furniture block after the article (hot list, disclaimer)."""
    return any(p.search(line) for p in rules_for(lang).tail)
