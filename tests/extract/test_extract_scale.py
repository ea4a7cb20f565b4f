"""Pages that used to be slow or crash the extractor: long, deeply nested, or one huge paragraph.

Speed is measured by ``make bench``, not here; these bounds are ~10x what the pages take now and
far below what they took before (minutes, or a RecursionError).
"""

from __future__ import annotations

import time

from article_etl.extract import extract_article

BOUND_SECONDS = 10.0
PARA = "县委书记在调研中强调要坚持以人民为中心的发展思想"


def wrap(body: str) -> str:
    return f"<html><head><title>县里召开会议_测试网</title></head><body>{body}</body></html>"


def timed(html: str) -> tuple[str | None, float]:
    start = time.perf_counter()
    body = extract_article(html, "https://x.cn/a").body
    return body, time.perf_counter() - start


def test_thousands_of_unclosed_tags_do_not_hit_the_recursion_limit() -> None:
    # CMS pages with unclosed <font>/<div> nest as deep as they have paragraphs; the tree walks
    # used to recurse and raised RecursionError past ~1,000 levels.
    body, elapsed = timed(
        wrap("<div class='content'>" + "".join(f"<font><p>{PARA}{i}。</p>" for i in range(5000)) + "</div>")
    )
    assert body is not None
    assert body.count(PARA) == 5000
    assert elapsed < BOUND_SECONDS


def test_one_paragraph_listing_thousands_of_names_is_fast() -> None:
    # "张村、李庄、…": the photo-credit pattern retried every start and rescanned to the end
    # (144 KB took 16 s).
    body, elapsed = timed(wrap("<div class='content'><p>" + "张三，李四，" * 20000 + "</p></div>"))
    assert body is not None
    assert len(body) == 120000
    assert elapsed < BOUND_SECONDS


def test_5000_comma_ended_paragraphs_join_in_linear_time() -> None:
    body, elapsed = timed(
        wrap("<div class='content'>" + "".join(f"<p>{PARA}{i}，</p>" for i in range(5000)) + "</div>")
    )
    assert body is not None
    assert "\n\n" not in body
    assert body.endswith("4999，")
    assert elapsed < BOUND_SECONDS
