"""Fitting a record to the columns, without a database: the rules ``warehouse.fit`` documents."""

from __future__ import annotations

from dataclasses import replace

import pytest

from article_etl.identity import content_hash
from article_etl.records import Article, Reject
from article_etl.warehouse.fit import clip, fit_article, reject_row
from tests.warehouse.helpers import DS, make_article, make_reject

ART = make_article("http://x/a", "正文" * 100)


def _fitted(art: Article) -> Article:
    out = fit_article(art, "r1")
    assert isinstance(out, Article)
    return out


def test_a_record_that_fits_is_returned_unchanged() -> None:
    assert fit_article(ART, "r1") is ART


@pytest.mark.parametrize(("name", "limit"), [("site_name", 255), ("author", 512), ("lang", 16)])
def test_metadata_is_cut_to_its_column_and_the_cut_recorded(name: str, limit: int) -> None:
    out = _fitted(replace(ART, **{name: "长" * (limit + 45)}))
    assert getattr(out, name) == "长" * limit
    assert out.repairs == [f"{name}:truncated"]


@pytest.mark.parametrize(("name", "limit"), [("url", 2048), ("canonical_url", 768)])
def test_a_url_too_long_for_its_column_is_a_field_too_long_reject(name: str, limit: int) -> None:
    value = "http://x/" + "p" * (limit + 1)
    out = fit_article(replace(ART, **{name: value}), "r1")
    assert isinstance(out, Reject)
    assert (out.reason, out.stage, out.evidence, out.url, out.run_id) == (
        "field_too_long",
        "load",
        "none",
        value if name == "url" else ART.url,
        "r1",
    )
    assert out.detail == f"{name} is {len(value)} characters long; its warehouse column holds {limit}"


def test_nul_and_lone_surrogates_are_removed_and_recorded() -> None:
    body = "正文\x00" * 50 + "\ud83d"
    out = _fitted(replace(ART, title="标\x00题", body=body, char_count=len(body), repairs=["mojibake_fixed"]))
    assert (out.title, out.body) == ("标题", "正文" * 50)
    assert out.repairs == ["mojibake_fixed", "title:unstorable_removed", "body:unstorable_removed"]
    assert out.char_count == 100
    assert out.content_hash == content_hash("正文" * 50)


def test_repairs_that_do_not_fit_keep_what_fits_and_say_so() -> None:
    out = _fitted(replace(ART, repairs=[f"repair_{i:03d}" for i in range(40)]))
    joined = ",".join(out.repairs)
    assert len(joined) <= 255
    assert out.repairs[-1] == "repairs:truncated"
    assert out.repairs[:-1] == [f"repair_{i:03d}" for i in range(len(out.repairs) - 1)]


def test_clip_marks_the_cut_and_keeps_the_limit() -> None:
    assert clip("abc", 5) == "abc"
    cut = clip("x" * 5000, 2048)
    assert len(cut) == 2048
    assert cut.endswith(f"…[+{5000 - cut.index('…')} chars]")
    assert clip("x" * 50, 5) == "xxxxx"


def test_a_reject_row_fits_its_columns_and_belongs_to_the_partition() -> None:
    rej = replace(
        make_reject("http://x/" + "u" * 3000, detail="bad\x00 detail"),
        raw_ref="warc:" + "r" * 2000,
        reason="r" * 40,
        ds="2020-01-01",
        source_id="other",
    )
    row = reject_row(rej, ds=DS, source_id="xj", run_id="r1")
    assert (row["ds"], row["source_id"], row["run_id"]) == (DS, "xj", "r1")
    assert len(row["url"]) == 2048
    assert row["url"].startswith("http://x/uuu")
    assert row["url"].endswith(" chars]")
    assert len(row["raw_ref"]) == 1024
    assert row["raw_ref"].endswith(" chars]")
    assert row["reason"] == "r" * 32
    assert row["detail"] == "bad detail; 1 unstorable character(s) (NUL, lone surrogates) removed from detail"
