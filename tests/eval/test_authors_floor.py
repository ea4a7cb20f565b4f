"""Author gate on the Fundus pages (real pages, 181 publishers): few wrong authors, recall kept.

Floors are what ``python -m bench.eval.authors --versus`` measured when they were set (5 wrong of
216 loaded, all five label disagreements checked by hand: the page credits an agency or a
reporter where the label names the site; recall 0.80; the harness's author accuracy 0.904 on the
pages whose label is not the site's own name, trafilatura's 0.864), minus 0.02. A wrong author is worse than none, so the wrong count is the tight one. Skipped when the
dataset folder is absent (it is read in place, never copied into the repository).
"""

from __future__ import annotations

import pytest

from bench.eval.authors import FUNDUS_DIR, Counts, evaluate, judge, labels_the_site, load_fundus, name_matches

MAX_WRONG = 5
MIN_RECALL = 0.78
MIN_LOADED = 210
# Harness accuracy (metrics.author_ok) where the label names a person or an agency.
MIN_ACCURACY_NOT_SITE = 0.88


def test_judging_names() -> None:
    assert name_matches("dpa", ("Deutsche Presse-Agentur",))
    assert name_matches("AFP", ("AFP, MANILA",))
    assert name_matches("王永强", ("王永强",))
    assert not name_matches("Ben Blanchard", ("AFP, MANILA",))
    assert not name_matches("LTO", ("Dr. Max Kolter",))
    assert judge(None, ("Jane Doe",)) == (False, False, False)
    assert judge("Jane Doe, Staff", ("Jane Doe",)) == (True, True, True)
    assert judge("Jane Doe, John Roe", ("Jane Doe", "John Roe")) == (True, False, True)


@pytest.fixture(scope="module")
def fundus() -> Counts:
    if not FUNDUS_DIR.is_dir():
        pytest.skip(f"no Fundus pages at {FUNDUS_DIR} (set ARTICLE_ETL_FUNDUS_DIR to the dataset folder)")
    return evaluate(load_fundus())["all"]


def test_fundus_authors_are_rarely_wrong(fundus: Counts) -> None:
    assert fundus.pages >= 250
    assert fundus.wrong <= MAX_WRONG


def test_fundus_author_recall_holds(fundus: Counts) -> None:
    assert fundus.loaded >= MIN_LOADED
    assert fundus.recall is not None
    assert fundus.recall >= MIN_RECALL


def test_fundus_author_accuracy_where_the_label_is_no_site_name() -> None:
    from article_etl.extract import extract_article
    from bench.eval.fundus import fundus_pages
    from bench.eval.metrics import author_ok

    if not FUNDUS_DIR.is_dir():
        pytest.skip(f"no Fundus pages at {FUNDUS_DIR} (set ARTICLE_ETL_FUNDUS_DIR to the dataset folder)")
    pages = [page for page in fundus_pages() if not labels_the_site(page)]
    assert len(pages) >= 220
    right = [author_ok(page.author, extract_article(page.html, page.url).author) for page in pages]
    misses = [page.name for page, ok in zip(pages, right, strict=True) if not ok]
    assert sum(right) / len(pages) >= MIN_ACCURACY_NOT_SITE, misses
