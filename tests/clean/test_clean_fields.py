"""parse_byline, parse_date, normalise_text and the boilerplate data files."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from article_etl.clean import normalise_text, parse_byline, parse_date
from article_etl.clean.boilerplate import BOILERPLATE_DIR, is_boilerplate, is_nav_line, rules_for
from article_etl.clean.byline import author_from_value


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("本报记者 王嘉晨", "王嘉晨"),
        ("□本报记者 王嘉晨", "王嘉晨"),
        ("□本报记者 申昕 文/图", "申昕"),
        ("西江日报记者 王永强 通讯员 赵祖轩", "王永强, 赵祖轩"),
        ("通讯员: 马瑞", "马瑞"),
        ("通讯员: 马瑞  2022年09月14日 09:50", "马瑞"),
        ("记者 张三 李四", "张三, 李四"),
        ("本報記者 鄭婷影 通訊員 張新雨", "鄭婷影, 張新雨"),
        ("本报讯(记者 王嘉晨)“消防通道是生命通道!”", "王嘉晨"),
        ("作者:张三 来源:人民日报", "张三"),
        ("来源: 西江日报", None),
        ("责编: 刘一", None),
        ("编辑: 王二", None),
        ("本报记者 刘世铭 摄", None),
        ("(霍英丽 摄)", None),
        ("关键时刻,共产党员就要冲锋在前。", None),
        ("By Jane Doe", "Jane Doe"),
        ("By Jane Doe and John Roe, Staff Writers", "Jane Doe, John Roe"),
        ("By Tom Reyes | April 2, 2025", "Tom Reyes"),
        ("by the river we walked", None),
        ("", None),
    ],
)
def test_parse_byline(line: str, expected: str | None) -> None:
    assert parse_byline(line) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Jane Doe", "Jane Doe"),
        ("王永强", "王永强"),
        ("张三 李四", "张三, 李四"),
        ("西江网", None),
        ("https://x/a", None),
    ],
)
def test_author_from_structured_value(value: str, expected: str | None) -> None:
    assert author_from_value(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022年09月14日 09:50", datetime(2022, 9, 14, 1, 50, tzinfo=UTC)),
        ("通讯员: 马瑞  2022年09月14日 09:50", datetime(2022, 9, 14, 1, 50, tzinfo=UTC)),
        ("2019-01-03", datetime(2019, 1, 2, 16, 0, tzinfo=UTC)),
        ("2026-11-18 09:50:00", datetime(2026, 11, 18, 1, 50, tzinfo=UTC)),
        ("2026-11-18T09:50:00+08:00", datetime(2026, 11, 18, 1, 50, tzinfo=UTC)),
        ("2025-03-12T06:00:00-04:00", datetime(2025, 3, 12, 10, 0, tzinfo=UTC)),
        ("2024-03-05T10:00:00Z", datetime(2024, 3, 5, 10, 0, tzinfo=UTC)),
        ("2019/1/3 8:05", datetime(2019, 1, 3, 0, 5, tzinfo=UTC)),
        ("March 3, 2024 2:15 pm", datetime(2024, 3, 3, 6, 15, tzinfo=UTC)),
        ("3 March 2024", datetime(2024, 3, 2, 16, 0, tzinfo=UTC)),
        ("2022-02-30", None),
        ("1月2日上午", None),
        ("no date here", None),
    ],
)
def test_parse_date(text: str, expected: datetime | None) -> None:
    assert parse_date(text, "Asia/Shanghai") == expected


def test_parse_date_is_aware_utc_in_other_zones() -> None:
    found = parse_date("2024-07-01 12:00", "America/New_York")
    assert found == datetime(2024, 7, 1, 16, 0, tzinfo=UTC)
    assert found is not None
    assert found.tzinfo is UTC


def test_normalise_text() -> None:
    raw = "\u3000\u3000自省委\u00a0启动\u200b工作 \r\n\r\n e\u0301 \t x"
    assert normalise_text(raw) == "自省委 启动工作\n\né x"


@pytest.mark.parametrize(
    "line",
    [
        "洛阳网首页 新闻 县区 百姓呼声 电子报 网站投稿 洛阳社区",
        "偃师 | 孟津 | 新安 | 栾川 | 嵩县",
        "Home | News | Sports | Opinion",
    ],
)
def test_nav_lines(line: str) -> None:
    assert is_nav_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "聚焦服务水平提升 打造“初心红”党建品牌",
        "在 习近平新时代中国特色社会主义思想 指引下 —— 新时代新作为新篇章",
        "The council voted on Tuesday to restore the pier",
        "颁发食品经营许可证3张,办理验证码相关业务咨询12次。",
    ],
)
def test_not_furniture(line: str) -> None:
    assert not is_boilerplate(line, "zh")


def test_every_boilerplate_file_compiles() -> None:
    assert {p.stem for p in BOILERPLATE_DIR.glob("*.txt")} >= {"zh", "en"}
    rules = rules_for(None)
    assert rules.line
    assert rules.tail
