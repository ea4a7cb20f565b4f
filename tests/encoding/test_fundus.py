"""The decoder and the mojibake detector on 258 real pages from 181 publishers in 40 countries
(the Fundus development set, read from ../shared/datasets/fundus; skipped when absent).

Every page must decode cleanly with no damage, and the labelled title and body of every page
(written by people, in two dozen languages and scripts) must show no mojibake, no private-use
and no control characters: a false flag here is a clean article rejected.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from article_etl import codes
from article_etl.encoding import decode_html, find_text_problems
from bench.eval.fundus import fundus_dir

FUNDUS = fundus_dir()

pytestmark = pytest.mark.skipif(not FUNDUS.is_dir(), reason=f"the Fundus pages are not at {FUNDUS}")


def _labelled() -> list[tuple[Path, str, str]]:
    """(page file, labelled title, labelled body) for every page with a label."""
    out: list[tuple[Path, str, str]] = []
    for labels in sorted(FUNDUS.glob("*/*.json")):
        pages = sorted(labels.parent.glob(f"{labels.stem}_*.html.gz"))
        for page, entry in zip(pages, json.loads(labels.read_text(encoding="utf-8")).values(), strict=False):
            body = entry.get("body") or {}
            paragraphs = [
                *body.get("summary", []),
                *(p for s in body.get("sections", []) for p in s["paragraphs"]),
            ]
            out.append((page, entry.get("title") or "", "\n".join(paragraphs)))
    return out


def test_every_page_decodes_cleanly_without_damage() -> None:
    pages = sorted(FUNDUS.glob("*/*.html.gz"))
    assert len(pages) >= 250
    failed = []
    for page in pages:
        decoded = decode_html(gzip.decompress(page.read_bytes()))
        if not decoded.clean or decoded.damage:
            failed.append(f"{page.relative_to(FUNDUS)}: {decoded.encoding} {decoded.note}")
    assert failed == []


def test_labelled_text_in_every_language_shows_no_false_corruption() -> None:
    flagged = []
    watched = {codes.MOJIBAKE, codes.PRIVATE_USE, codes.CONTROL_CHARS, codes.LOST_CHARS}
    for page, title, body in _labelled():
        for field, text in (("title", title), ("body", body)):
            for problem in find_text_problems(text, lang="auto"):
                if problem.code in watched:
                    flagged.append(f"{page.relative_to(FUNDUS)} {field}: {problem.code} {problem.detail}")
    assert flagged == []
