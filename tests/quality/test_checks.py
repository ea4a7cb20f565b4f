from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from article_etl.config import CheckThresholds
from article_etl.quality.checks import check_article, split_duplicates
from tests.warehouse.test_load import make_article

WINDOW = (datetime(2026, 11, 18, tzinfo=UTC), datetime(2026, 11, 19, tzinfo=UTC))
T = CheckThresholds()


def codes(art) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.code for f in check_article(art, thresholds=T, window=WINDOW)]


def test_a_clean_article_passes() -> None:
    assert codes(make_article("http://x/a", "朱镕基视察了工厂。" * 30)) == []


def test_required_fields_come_first() -> None:
    art = replace(make_article("http://x/a", "正文。" * 80), title=None, published_at=None)
    assert codes(art)[:2] == ["missing_title", "missing_published"]


def test_corruption_in_any_text_field_is_named_with_the_field() -> None:
    art = replace(make_article("http://x/a", "正文。" * 80), title="源城區(qū)上城街道運(yùn)動當(dāng)")
    failures = check_article(art, thresholds=T, window=WINDOW)
    assert [f.code for f in failures] == ["pinyin_artifact"]
    assert failures[0].detail.startswith("title:")


def test_short_body_and_out_of_window() -> None:
    short = replace(make_article("http://x/a", "短"), char_count=1)
    assert "body_too_short" in codes(short)
    late = replace(make_article("http://x/a", "正文。" * 80), published_at=datetime(2026, 11, 21, tzinfo=UTC))
    assert codes(late) == ["out_of_window"]
    within_tolerance = replace(late, published_at=datetime(2026, 11, 19, 12, tzinfo=UTC))
    assert codes(within_tolerance) == []


def test_duplicates_keep_the_first_by_url_whatever_the_order() -> None:
    a, b = make_article("http://x/a", "同文" * 100), make_article("http://x/b", "同文" * 100)
    other = make_article("http://x/c", "别的文章" * 50)
    for batch in ([a, b, other], [b, other, a]):
        kept, dups = split_duplicates(batch)
        assert [k.url for k in kept] == ["http://x/a", "http://x/c"]
        assert [(d.url, o.url) for d, o in dups] == [("http://x/b", "http://x/a")]


KOREAN = (
    "정부는 오늘 국무회의를 열고 내년도 예산안을 의결했다. 총지출은 올해보다 늘어났으며, 복지와 국방 분야의 예산이 크게 증가했다. "
    * 3
)


def test_a_mixed_language_source_judges_each_article_in_its_own_language() -> None:
    # Extraction labelled a Korean page "en" (Latin-script default): with one declared language
    # that is a wrong_script reject; on a source declaring [en, ko] the Korean text is its own.
    art = replace(make_article("http://x/a", KOREAN), lang="en")
    assert "wrong_script" in [
        f.code for f in check_article(art, thresholds=T, window=WINDOW, languages=("en",))
    ]
    assert check_article(art, thresholds=T, window=WINDOW, languages=("en", "ko")) == []
    assert check_article(art, thresholds=T, window=WINDOW, languages=("auto",)) == []
    russian = replace(art, body="Именно поэтому правительство решило изменить правила и сроки. " * 4)
    failures = check_article(russian, thresholds=T, window=WINDOW, languages=("en", "ko"))
    assert [f.code for f in failures] == ["wrong_script"]
    assert failures[0].detail.startswith("body: only 0% of")


def test_private_use_characters_in_the_body_are_a_reject() -> None:
    art = make_article("http://x/a", "\ue5e5\ue5e5朱镕基视察了工厂。" * 30)
    assert codes(art) == ["private_use"]
