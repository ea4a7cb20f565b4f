"""Author precision and recall on the Fundus pages (real pages, 181 publishers, many languages).

Run from the repository root: ``.venv/bin/python -m bench.eval.authors`` (``--details`` lists
every page with a loaded or expected author; ``--labelled`` scores the project's own labelled
pages instead, where the Chinese pages are). The pages are read from
``../shared/datasets/fundus`` (or ``$ARTICLE_ETL_FUNDUS_DIR``), never copied into the repository.

Why its own figures and not the harness's "author right" share: a wrong author loaded is worse
than none (it lands in the warehouse looking like data), so the two failure kinds are counted
apart. Per language group:

- *loaded*: pages where we loaded an author;
- *wrong*: loaded authors with a name that is none of the expected names (a fragment, a section
  title, a site name, a different person) — precision is ``1 - wrong/loaded``;
- *recall*: pages with expected authors where every expected name came out.

A name matches when, case- and space-insensitively, it equals an expected name or one contains
the other ("Jane Doe" against "Jane Doe (dpa)").

``--versus`` also prints the harness's author accuracy (``metrics.author_ok``: every labelled name
in the output; no label, no output) for ours and the baselines, over all pages and over the pages
whose label is not the site's own name. About 30 Fundus labels are the publisher ("BBC News",
"DER SPIEGEL", "kicker"): an extractor that loads the site's name scores on them, and issue 9's
rule forbids us to (an author is a person or an agency, never the site), so both figures are given.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from article_etl.clean.names import is_site_name
from article_etl.encoding import decode_html
from article_etl.extract import extract_article
from article_etl.extract.fields import site_names
from bench.eval.dataset import LabelledPage, load_pages
from bench.eval.extractors import EXTRACTORS
from bench.eval.fundus import fundus_dir, fundus_pages
from bench.eval.metrics import author_names, author_ok

FUNDUS_DIR = fundus_dir()
# When a page declares no language: its country's main language.
_COUNTRY_LANG = {
    "at": "de", "ch": "de", "de": "de", "li": "de", "lu": "de", "cn": "zh", "tw": "zh", "jp": "ja",
    "kr": "ko", "fr": "fr", "be": "fr", "es": "es", "mx": "es", "py": "es", "it": "it", "pt": "pt",
    "ru": "ru", "ua": "uk", "pl": "pl", "cz": "cs", "dk": "da", "no": "no", "se": "sv", "tr": "tr",
    "vn": "vi", "id": "id", "my": "ms", "lt": "lt", "isl": "is", "gl": "gl", "il": "he", "lb": "ar",
}  # fmt: skip
_HTML_LANG = re.compile(rb"<html[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
# The same agency under its short and long names.
_ALIASES = {
    "deutschepresse-agentur": "dpa",
    "associatedpress": "ap",
    "theassociatedpress": "ap",
    "agencefrance-presse": "afp",
}
_MAIN_LANGS = ("zh", "ja", "ko", "en", "de", "fr", "es")


@dataclass(frozen=True)
class AuthorPage:
    """One Fundus page: its decoded HTML, URL, language group and expected author names."""

    name: str
    url: str
    html: str
    lang: str
    expected: tuple[str, ...]


def _lang(raw: bytes, country: str) -> str:
    match = _HTML_LANG.search(raw[:5000])
    lang = match.group(1).decode().lower() if match else _COUNTRY_LANG.get(country, "en")
    return lang if lang in _MAIN_LANGS else "other"


def load_fundus(folder: Path = FUNDUS_DIR) -> list[AuthorPage]:
    """Every labelled page: a publisher's label entries pair with its pages sorted by date."""
    pages: list[AuthorPage] = []
    for label_file in sorted(folder.glob("*/*.json")):
        country = label_file.parent.name
        labels = list(json.loads(label_file.read_text(encoding="utf-8")).values())
        files = sorted(label_file.parent.glob(f"{label_file.stem}_????_??_??.html.gz"))
        meta = json.loads((label_file.parent / "meta.info").read_text(encoding="utf-8"))
        for label, page_file in zip(labels, files, strict=False):
            raw = gzip.decompress(page_file.read_bytes())
            pages.append(
                AuthorPage(
                    name=f"{country}/{page_file.name}",
                    url=meta.get(page_file.name, {}).get("url", "https://example.com/"),
                    html=decode_html(raw, None).text,
                    lang=_lang(raw, country),
                    expected=tuple(a for a in label.get("authors") or [] if a.strip()),
                )
            )
    return pages


def load_labelled() -> list[AuthorPage]:
    """The project's own labelled set (golden, evaluation-only and demo pages; mostly Chinese)."""
    return [
        AuthorPage(
            name=page.name,
            url=page.url,
            html=page.html,
            lang=page.lang if page.lang in _MAIN_LANGS else "other",
            expected=tuple(author_names(page.author)),
        )
        for page in load_pages()
    ]


def _key(name: str) -> str:
    key = re.sub(r"[\s.]+", "", name).casefold()
    return _ALIASES.get(key, key)


def _words(name: str) -> frozenset[str]:
    return frozenset(w for w in re.split(r"[\s,.;/()]+", name.casefold()) if w)


def name_matches(name: str, expected: tuple[str, ...]) -> bool:
    """Whether one loaded name is one of the expected names.

    Equal (ignoring case, spaces and dots, agency aliases), or, word for word, one inside the
    other: "AFP" in a label "AFP, MANILA", "Jane Doe" against "Jane Doe (dpa)". Han and Hangul
    names have no spaces, so for them containment is by characters.
    """
    key = _key(name)
    if not key:
        return False
    for label in expected:
        label_key = _key(label)
        if key == label_key:
            return True
        if _words(name) <= _words(label) or _words(label) <= _words(name):
            return True
        if re.search("[\u3040-\u9fff\uac00-\ud7a3]", name) and len(key) >= 2 and key in label_key:
            return True
    return False


def loaded_names(author: str | None) -> list[str]:
    """The names of a loaded ``author`` value (joined with ", " by the extractor)."""
    return [n.strip() for n in (author or "").split(",") if n.strip()]


def judge(author: str | None, expected: tuple[str, ...]) -> tuple[bool, bool, bool]:
    """(loaded, wrong, complete) for one page."""
    names = loaded_names(author)
    wrong = any(not name_matches(n, expected) for n in names)
    complete = bool(expected) and all(any(name_matches(n, (e,)) for n in names) for e in expected)
    return bool(names), wrong, complete


@dataclass
class Counts:
    """One language group's figures (see the module docstring)."""

    pages: int = 0
    with_author: int = 0
    loaded: int = 0
    wrong: int = 0
    complete: int = 0

    @property
    def precision(self) -> float | None:
        return 1 - self.wrong / self.loaded if self.loaded else None

    @property
    def recall(self) -> float | None:
        return self.complete / self.with_author if self.with_author else None


def evaluate(pages: list[AuthorPage], details: bool = False) -> dict[str, Counts]:
    """Extract every page's author and count it per language group and over "all"."""
    counts: dict[str, Counts] = defaultdict(Counts)
    for page in pages:
        author = extract_article(page.html, page.url).author
        loaded, wrong, complete = judge(author, page.expected)
        for group in (page.lang, "all"):
            row = counts[group]
            row.pages += 1
            row.with_author += bool(page.expected)
            row.loaded += loaded
            row.wrong += wrong
            row.complete += complete
        if details and (loaded or page.expected):
            mark = "WRONG" if wrong else ("ok" if complete else "miss")
            print(f"{mark:5} {page.name}: expected {list(page.expected)} loaded {author!r}")
    return dict(counts)


def labels_the_site(page: LabelledPage) -> bool:
    """Whether a labelled name is the page's own site (its og:site_name/<title> suffix or host)."""
    site_name = extract_article(page.html, page.url).site_name
    sites = site_names(site_name, page.url)
    return any(is_site_name(name, sites) for name in author_names(page.author))


def _author_by(extractor: str, page: LabelledPage) -> str | None:
    """One extractor's author for one page; a crash (readability on odd markup) is no author."""
    try:
        return EXTRACTORS[extractor](page).author
    except Exception:  # third-party extractors raise on odd markup, as in the harness
        return None


def versus(pages: list[LabelledPage], names: tuple[str, ...] = ("ours", "trafilatura", "readability")) -> str:
    """The harness's author accuracy per extractor, over all pages and without site-name labels."""
    own = [not labels_the_site(page) for page in pages]
    right: dict[str, list[bool]] = {}
    for name in names:
        right[name] = [author_ok(page.author, _author_by(name, page)) for page in pages]
    rows = ["| pages | n | " + " | ".join(names) + " |", "|---|---:|" + "---:|" * len(names)]
    for label, keep in (("all", [True] * len(pages)), ("label not the site's name", own)):
        n = sum(keep)
        cells = [f"{sum(r for r, k in zip(right[name], keep, strict=True) if k) / n:.3f}" for name in names]
        rows.append(f"| {label} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--details", action="store_true", help="list each page's expected and loaded authors")
    parser.add_argument(
        "--labelled", action="store_true", help="score the project's own labelled pages instead of Fundus's"
    )
    parser.add_argument(
        "--versus",
        action="store_true",
        help="also print the harness's author accuracy for ours and the baselines (Fundus pages)",
    )
    args = parser.parse_args(argv)
    if not args.labelled and not FUNDUS_DIR.is_dir():
        print(
            f"no Fundus pages at {FUNDUS_DIR}: set ARTICLE_ETL_FUNDUS_DIR to the dataset folder",
            file=sys.stderr,
        )
        return 2
    counts = evaluate(load_labelled() if args.labelled else load_fundus(), details=args.details)
    print("| lang | pages | with author | loaded | wrong | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for group in sorted(counts, key=lambda g: (g == "all", -counts[g].pages)):
        c = counts[group]
        print(
            f"| {group} | {c.pages} | {c.with_author} | {c.loaded} | {c.wrong} "
            f"| {_fmt(c.precision)} | {_fmt(c.recall)} |"
        )
    if args.versus:
        print()
        print(versus(load_pages() if args.labelled else fundus_pages()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
