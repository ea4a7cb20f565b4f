"""``clean_body`` on the five seed texts: furniture out, every sentence of the article kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from article_etl.clean import clean_body, normalise_text

SEEDS = Path(__file__).resolve().parents[2] / "include" / "demo" / "seeds"


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def sentences(text: str) -> list[str]:
    """Full sentences (ending in 。) of a text, for 'nothing legitimate lost' checks."""
    return [s for s in re.findall(r"[^。\n]{8,}。", normalise_text(text))]


def test_seed_001_login_box_removed_text_kept() -> None:
    raw = seed("001")
    out = clean_body(raw, "zh")
    for furniture in ("账号+密码登录", "手机+密码登录", "还没有账号", "立即注册"):
        assert furniture not in out
    assert out.endswith("街办统筹、社区落实、居民受惠的全民化格局正在形成。")
    for sentence in sentences(raw):
        assert sentence in out.replace("\n\n", "")


def test_seed_002_share_bar_disclaimer_and_icp_removed() -> None:
    out = clean_body(seed("002"), "zh")
    paragraphs = out.split("\n\n")
    for line in ("分享到", "微信", "微博", "0", "分享到-微信", "X", "数字报"):
        assert line not in paragraphs
    for furniture in (
        "版权与免责声明",
        "本网未注明",
        "联系人:罗小姐",
        "粤ICP备09102757号",
        "未经授权禁止复制",
        "Powered by",
    ):
        assert furniture not in out
    assert "西江日报记者 王永强" not in out  # the byline is a field, not body text
    assert paragraphs[-1].startswith("坚持抓“党建+民生工程”")
    assert "77岁的黎宝珠是城东街道星湖社区的老居民" in out


def test_seed_003_nav_breadcrumb_ranking_and_footer_removed() -> None:
    out = clean_body(seed("003"), "zh")
    for furniture in (
        "洛阳网首页",
        "偃师 | 孟津",
        "您当前位置",
        "新闻排行",
        "用户名",
        "验证码",
        "许可证",
        "邮编",
        "法律顾问",
    ):
        assert furniture not in out
    paragraphs = out.split("\n\n")
    assert paragraphs[1].startswith("自省委、市委、区委启动")  # indentation gone, not a space
    assert all(not p.startswith((" ", "\u3000")) for p in paragraphs)
    assert paragraphs[-1].endswith("湖北路街道党工委工作者们纷纷表示。 (涧宣)")


def test_seed_004_paragraphs_broken_by_print_layout_are_joined() -> None:
    out = clean_body(seed("004"), "zh")
    assert "党员干部就是我们的‘领头雁’!”该村一名受到帮助的村民感慨。" in out
    assert "出台了《关于整治区直机关党的建设“灯下黑”问题专项工作的方案》" in out
    assert "岗位责任,严格责任追究;" in out
    assert "自2019年12月底开始,曙光社区" in out
    # Headings stay their own paragraphs: they are short, so they are not "broken".
    assert "\n\n农村党建\n\n" in out
    assert "□本报记者" not in out
    assert "(霍英丽 摄)" not in out
    assert "(本报记者 王嘉晨 摄)" not in out
    assert "图为颁奖现场。" in out  # the caption's text stays, only its credit goes


def test_seed_000_hot_list_and_photo_credits_removed() -> None:
    out = clean_body(seed("000"), "zh")
    for furniture in (
        "熱點圖片",
        "頭條新聞",
        "最新專題",
        "酷暑時節",
        "本報記者 劉世銘 攝",
        "本報記者 鄭婷影",
    ):
        assert furniture not in out
    assert out.split("\n\n")[-1].endswith("全力打造紅色志愿服務(wù)之城。")


# Where each seed's article starts and ends; everything outside is page furniture.
ARTICLE_SPAN = {
    "000": ("一名黨員,一面旗幟", "全力打造紅色志愿服務(wù)之城。"),
    "001": ("今年上半年,南街街道", "居民受惠的全民化格局正在形成。"),
    "002": ("77岁的黎宝珠", "群众满意度进一步提高。"),
    "003": ("自省委、市委、区委", "纷纷表示。 (涧宣)"),
    "004": ("2019年以来,北关区委", "到柏庄镇花村店村贫困户家中慰问。"),
}


@pytest.mark.parametrize("prefix", sorted(ARTICLE_SPAN))
def test_no_sentence_of_the_article_is_lost(prefix: str) -> None:
    raw = normalise_text(seed(prefix))
    first, last = ARTICLE_SPAN[prefix]
    article = raw[raw.index(first) : raw.index(last) + len(last)]
    # Short photo captions ("…整治效果明显。本报记者 刘世铭 摄") go with their credit.
    lines = [line for line in article.split("\n") if not (("摄" in line or "攝" in line) and len(line) < 40)]
    out = clean_body(raw, "zh").replace("\n\n", "")
    lost = [s for s in sentences("\n".join(lines)) if s not in out]
    assert lost == []


def test_english_furniture_removed() -> None:
    text = (
        "Skip to main content\nWe use cookies to improve your experience.\nAccept all cookies\n"
        "By Jane Doe\nMarch 3, 2024\n"
        "The council voted on Tuesday to restore the old pier, ending a two-year argument.\n"
        "Share this article\nAdvertisement\n"
        "Work will begin in September and take about fourteen months to complete.\n"
        "Related stories\nStorm closes pier\n© 2024 The Ledger. All rights reserved."
    )
    assert clean_body(text, "en") == (
        "The council voted on Tuesday to restore the old pier, ending a two-year argument.\n\n"
        "Work will begin in September and take about fourteen months to complete."
    )


def test_english_hard_wrapped_lines_are_joined() -> None:
    text = "The council voted on Tuesday night to restore the old pier, ending an argument that\nlasted two years."
    assert (
        clean_body(text, "en")
        == "The council voted on Tuesday night to restore the old pier, ending an argument that lasted two years."
    )


def test_empty_and_whitespace_only() -> None:
    assert clean_body("") == ""
    assert clean_body("\u3000\u3000\n \n\u200b") == ""
