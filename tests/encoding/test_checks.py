"""find_text_problems and repair_mojibake: every code fires on a minimal example, not on clean seeds."""

from __future__ import annotations

import pytest

from article_etl.config import CheckThresholds
from article_etl.encoding import decode_html, find_text_problems, repair_mojibake

from .helpers import page, seed

CLEAN = "北京市人民政府今天发布通知，要求各区做好防汛准备工作。"


def codes(text: str, lang: str | None = "zh") -> list[str]:
    return [p.code for p in find_text_problems(text, lang=lang)]


def test_seed_000_is_flagged() -> None:
    problems = {p.code: p.detail for p in find_text_problems(seed(0), lang="zh")}
    assert set(problems) == {"pinyin_artifact", "lost_chars"}
    assert "區(qū)" in problems["pinyin_artifact"]


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_clean_seeds_have_no_problems(number: int) -> None:
    assert find_text_problems(seed(number), lang="zh") == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (CLEAN + "\ufffd", "replacement_char"),
        ("中文 café".encode().decode("cp1252"), "mojibake"),
        (CLEAN + "锟斤拷", "mojibake"),
        (CLEAN + "烫烫烫烫", "mojibake"),
        (CLEAN + "屯屯屯屯", "mojibake"),
        (CLEAN.encode("utf-8").decode("gbk", "replace"), "mojibake"),
        ("源城區(qū)上城街道以黨建為引領(lǐng)，推動發(fā)展", "pinyin_artifact"),
        ("抗災救災勇?lián)?黨員干部。當?shù)弥虾", "lost_chars"),
        ("朱?基总理和李?同志以及王?先生", "lost_chars"),
        (CLEAN + "\x01", "control_chars"),
        (CLEAN + "\x85", "control_chars"),
        ("This article is written entirely in English words.", "wrong_script"),
    ],
)
def test_each_code_fires_on_a_minimal_example(text: str, code: str) -> None:
    assert code in codes(text)


def test_wrong_script_for_english_source() -> None:
    assert codes(CLEAN * 2, lang="en") == ["wrong_script"]
    assert codes("This article is written entirely in English words.", lang="en") == []


def test_wrong_script_ignores_short_texts_and_unknown_languages() -> None:
    assert codes("iPhone 15 发布", lang="zh") == []
    assert codes("This article is written entirely in English words.", lang="fr") == []


@pytest.mark.parametrize(
    "text",
    [
        "还没有账号?\n立即注册",
        "你说什么?他说不知道。",
        "看不清楚?请点击刷新验证码",
        "这是真的吗?是的。",
        "Is it café? Yes.",
        "第一条(a)款规定",
    ],
)
def test_legitimate_question_marks_and_parentheses_are_not_flagged(text: str) -> None:
    assert codes(text) == []


def test_thresholds_are_respected() -> None:
    text = "源城區(qū)上城街道以黨建為引領(lǐng)"
    assert codes(text) == []  # two annotations, pinyin_artifact_max is 2
    strict = CheckThresholds(pinyin_artifact_max=0)
    assert [p.code for p in find_text_problems(text, thresholds=strict)] == ["pinyin_artifact"]


def test_detail_names_count_and_position() -> None:
    (problem,) = find_text_problems(CLEAN + "\x01")
    assert problem.detail.startswith("1 control characters")
    assert f"char {len(CLEAN)}" in problem.detail


def test_double_encoded_utf8_is_flagged_and_repaired() -> None:
    original = "中文新闻：café «quoted» €5"  # nothing whose UTF-8 hits a cp1252 hole
    data = page(original.encode("utf-8").decode("cp1252"), "utf-8", meta="utf-8")
    decoded = decode_html(data)
    assert decoded.encoding == "utf-8"
    assert "mojibake" in codes(decoded.text)
    repaired, changed = repair_mojibake(decoded.text)
    assert changed
    assert original in repaired
    assert "mojibake" not in codes(repaired)


def test_repair_leaves_clean_text_alone() -> None:
    for number in range(5):
        assert repair_mojibake(seed(number)) == (seed(number), False)
    assert repair_mojibake("naïve café “quotes”") == ("naïve café “quotes”", False)


def test_repair_refuses_non_latin_mojibake() -> None:
    cyrillic = "Привет мир".encode().decode("cp1251")
    assert repair_mojibake(cyrillic) == (cyrillic, False)
