"""Paragraph joining and the linear-time replacements of super-linear matching in ``clean``.

Each fast function is checked against the plain definition it replaces (the old quadratic
join, ``PHOTO_CREDIT.search``, ``re.split``) on small inputs, where the plain one is quick, and
then on the long inputs that used to take minutes.
"""

from __future__ import annotations

import random
import re
import time

import pytest

from article_etl.clean.byline import PHOTO_CREDIT, author_from_value, photo_credit_start, strip_photo_credit
from article_etl.clean.text import CJK_CHAR, TERMINAL_PUNCT, cjk_ratio, join_broken_paragraphs, split_spaced

# Generous: these inputs took minutes before the fix and take well under a second now.
BOUND_SECONDS = 5.0


def reference_join(paragraphs: list[str]) -> list[str]:
    """The definition of the join, as it was written before it was made linear (quadratic)."""

    def is_cjk(text: str) -> bool:
        chars = [c for c in text if not c.isspace()]
        return bool(chars) and sum(1 for c in chars if CJK_CHAR.match(c)) / len(chars) >= 0.3

    def continues(prev: str, nxt: str) -> bool:
        if not prev or not nxt or prev[-1] in TERMINAL_PUNCT or prev[-1] in ":：":
            return False
        if re.match(r"^[“「『\"'(（\[【□■●◆\-•*#\d]", nxt):
            return False
        if is_cjk(prev):
            if not (CJK_CHAR.match(nxt[0]) or nxt[0] in ",，、;；"):
                return False
            unclosed = prev.count("《") > prev.count("》") or prev.count("“") > prev.count("”")
            return prev[-1] in ",，、;；" or unclosed or len(prev) >= 30
        return len(prev) >= 60 and nxt[0].islower()

    out: list[str] = []
    for para in paragraphs:
        if out and continues(out[-1], para):
            out[-1] = out[-1] + ("" if is_cjk(out[-1]) else " ") + para
        else:
            out.append(para)
    return out


def test_join_cases() -> None:
    long_zh = "坚持以人民为中心的发展思想扎实推进乡村振兴各项工作确保取得实效的党员干部"
    assert join_broken_paragraphs([long_zh, "就是我们的领头雁。"]) == [long_zh + "就是我们的领头雁。"]
    assert join_broken_paragraphs(["县里召开会议，", "部署工作。"]) == ["县里召开会议，部署工作。"]
    assert join_broken_paragraphs(["短标题", "正文开始。"]) == ["短标题", "正文开始。"]  # a heading stays
    assert join_broken_paragraphs(["他说：“我们要", "继续努力。”"]) == ["他说：“我们要继续努力。”"]
    assert join_broken_paragraphs(["完整的一句。", "下一句。"]) == ["完整的一句。", "下一句。"]
    assert join_broken_paragraphs(["一、工作", "“引号开头”"]) == ["一、工作", "“引号开头”"]
    latin = "The council said on Tuesday that it would continue to invest in the"
    assert join_broken_paragraphs([latin, "rural roads."]) == [latin + " rural roads."]
    assert join_broken_paragraphs([latin, "Rural roads."]) == [latin, "Rural roads."]
    assert join_broken_paragraphs([]) == []
    assert join_broken_paragraphs(["", "a"]) == ["", "a"]


def test_join_matches_the_reference_definition() -> None:
    fragments = ["县委书记在调研中强调", "，", "。", "《人民日报", "》", "“", "”", "the council said", "The road",
                 "x" * 61, "县" * 31, ":", "：", "1. item", "- bullet", "a" * 59, " ", "、", ",", "Ok.",
                 "mixed 中文 text", "!", "…", "\u3000"]  # fmt: skip
    rnd = random.Random(7)
    for _ in range(3000):
        paragraphs = [
            "".join(rnd.choice(fragments) for _ in range(rnd.randrange(0, 5)))
            for _ in range(rnd.randrange(0, 10))
        ]
        assert join_broken_paragraphs(paragraphs) == reference_join(paragraphs), paragraphs


@pytest.mark.parametrize("ending", ["，", ","])
def test_join_of_5000_comma_ended_paragraphs_is_linear(ending: str) -> None:
    # Before: every join recounted the CJK share of the whole paragraph so far (1,000 such
    # paragraphs took 17 s in extraction, 5,000 would take minutes).
    word = (
        "县委书记在调研中强调要坚持以人民为中心的发展思想"
        if ending == "，"
        else "the county council said on tuesday that it would invest in rural roads"
    )
    paragraphs = [f"{word}{i}{ending}" for i in range(5000)]
    start = time.perf_counter()
    joined = join_broken_paragraphs(paragraphs)
    elapsed = time.perf_counter() - start
    assert len(joined) == 1
    assert joined[0].startswith(paragraphs[0])
    assert joined[0].endswith(paragraphs[-1])
    assert elapsed < BOUND_SECONDS, f"joining 5,000 paragraphs took {elapsed:.1f} s"


def test_cjk_ratio_counts_every_space_kind() -> None:
    assert cjk_ratio("") == 0.0
    assert cjk_ratio(" \u3000\x0c") == 0.0
    assert cjk_ratio("中文ab") == 0.5
    assert cjk_ratio("中\u00a0文\x1fab\u2028") == 0.5  # NBSP, unit separator, line separator are spaces


def test_photo_credit_start_matches_the_regex() -> None:
    pieces = ["张三", "李四", "王五", "县委书记", "记者", "本报记者", "本报首席记者", "通讯员", "記者", "、", "，", ",",
              " ", "  ", "\x0c", "\n", "·", "(", "（", ")", "）", "/", "。", "a", "摄", "摄影", "攝", "供图", "/摄"]  # fmt: skip
    rnd = random.Random(11)
    found = 0
    for _ in range(20000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randrange(0, 10)))
        if rnd.random() < 0.5:
            text += rnd.choice(["摄", " 摄", "摄影)", " 摄 ）  ", "供图", "/摄\n"])
        match = PHOTO_CREDIT.search(text)
        assert photo_credit_start(text) == (match.start() if match else None), text
        assert strip_photo_credit(text) == PHOTO_CREDIT.sub("", text).rstrip(), text
        found += match is not None
    assert found > 5000  # the generator does produce credits


def test_photo_credit_examples() -> None:
    assert strip_photo_credit("整治效果明显。本报记者 刘世铭 摄") == "整治效果明显。"
    assert strip_photo_credit("(霍英丽 摄)") == ""
    assert strip_photo_credit("县里召开会议。") == "县里召开会议。"
    assert photo_credit_start("张三、李四 摄") == 0


@pytest.mark.parametrize(
    "text",
    [
        "张三，李四，" * 40000,  # a list of short words: the regex retried every start (was 16 s at 144 KB)
        "张三，" * 40000 + "非常长的词语词语，王五 摄",
        "a" + "\x0c" * 40000 + "b",  # a run of spaces: cubic (1,000 of them took 4 s)
        "记者" + "\x0c" * 40000 + "张三 摄",
    ],
    ids=["names", "names-then-credit", "spaces", "role-spaces-credit"],
)
def test_photo_credit_on_long_lines_is_fast(text: str) -> None:
    start = time.perf_counter()
    photo_credit_start(text)
    strip_photo_credit(text)
    author_from_value(text)
    assert time.perf_counter() - start < BOUND_SECONDS


def test_split_spaced_matches_re_split() -> None:
    patterns = [
        re.compile(r"\s*(?:[,，、;；&]|\band\b)\s*"),
        re.compile(r"\s+[-|–—]{1,2}\s+|\s*[_|｜]\s*"),
        re.compile(r"\s*(,)\s*|\s+(-)?\s+x"),  # groups are kept, as re.split keeps them
    ]
    alphabet = [*" ,，、;；&\n\x0cabdn张-|–—_｜x", "and", " and ", "band", "Jane Doe", " - ", " | "]
    rnd = random.Random(3)
    for pattern in patterns:
        for _ in range(5000):
            text = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 15)))
            assert split_spaced(pattern, text) == pattern.split(text), (pattern.pattern, text)


def test_split_spaced_on_a_long_run_of_spaces_is_fast() -> None:
    pattern = re.compile(r"\s*(?:[,，、;；&]|\band\b)\s*")
    text = "a" + "\n" * 200_000 + "b , c"
    start = time.perf_counter()
    assert split_spaced(pattern, text) == ["a" + "\n" * 200_000 + "b", "c"]
    assert time.perf_counter() - start < BOUND_SECONDS
