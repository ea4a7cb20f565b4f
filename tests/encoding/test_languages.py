"""Text checks that know languages: no false mojibake on clean text in twelve languages, real
mojibake of each still caught, private-use characters, and wrong_script judging the text's own
language (several declared, or auto) with code listings and URLs left out."""

from __future__ import annotations

import pytest

from article_etl import codes
from article_etl.config import CheckThresholds
from article_etl.encoding import find_text_problems
from article_etl.encoding.checks import mojibake_positions, prose, script_counts

# Ordinary news sentences, written for these tests.
CLEAN = {
    "zh-hans": "国务院新闻办公室今天举行新闻发布会，介绍今年前三季度国民经济运行情况。国家统计局新闻发言人表示，经济运行总体平稳，稳中有进，就业形势基本稳定，居民收入继续增长。",
    "zh-hant": "行政院今天召開記者會，說明明年度中央政府總預算案的編列情形。發言人表示，預算重點包括國防、社會福利與經濟發展，並將持續推動數位轉型與淨零排放。",
    "ja": "政府は今日、来年度の予算案を閣議決定した。一般会計の総額は過去最大となり、防衛費や社会保障費が大きく増えた。財務省によると、新たな国債の発行額は前年度より減少する見通しだ。",
    "ko": "정부는 오늘 국무회의를 열고 내년도 예산안을 의결했다. 총지출은 올해보다 늘어났으며, 복지와 국방 분야의 예산이 크게 증가했다. 기획재정부는 재정 건전성을 유지하겠다고 밝혔다.",
    "ru": "Именно поэтому правительство решило изменить правила. Министр заявил, что новые меры вступят в силу уже в следующем месяце, а именно с первого числа. Эксперты считают, что это поможет экономике.",
    "el": "Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα για τη στήριξη των νοικοκυριών. Ο υπουργός Οικονομικών δήλωσε ότι τα μέτρα θα ισχύσουν από τον επόμενο μήνα και θα αφορούν περισσότερους από ένα εκατομμύριο πολίτες.",
    "ar": "أعلنت الحكومة اليوم عن حزمة جديدة من الإجراءات لدعم الأسر ذات الدخل المحدود. وقال وزير المالية إن الإجراءات ستدخل حيز التنفيذ الشهر المقبل وستشمل أكثر من مليون مواطن في جميع أنحاء البلاد.",
    "vi": "Chính phủ hôm nay đã công bố gói hỗ trợ mới dành cho các hộ gia đình có thu nhập thấp. Bộ trưởng Bộ Tài chính cho biết các biện pháp sẽ có hiệu lực từ tháng tới và áp dụng cho hơn một triệu người dân trên cả nước.",
    "de": "Die Bundesregierung hat heute ein neues Maßnahmenpaket zur Entlastung der Bürger beschlossen. Der Finanzminister erklärte, die Maßnahmen würden ab dem nächsten Monat gelten. Größere Änderungen seien für Übergänge geplant; Straßenbau und Öffentlicher Dienst profitieren.",
    "fr": "Le gouvernement a annoncé aujourd'hui un nouveau plan d'aide aux ménages. « C'est une réponse à la crise », a déclaré le ministre de l'Économie, précisant que les mesures entreront en vigueur dès le mois prochain. À Paris, l'élu s'est réjoui.",
    "tr": "Hükümet bugün dar gelirli aileleri desteklemek için yeni bir paket açıkladı. Maliye Bakanı, önlemlerin gelecek aydan itibaren yürürlüğe gireceğini ve ülke genelinde bir milyondan fazla vatandaşı kapsayacağını söyledi. Şüphesiz, İstanbul ve Çanakkale öncelikli.",
    "pl": "Rząd ogłosił dziś nowy pakiet wsparcia dla gospodarstw domowych o niskich dochodach. Minister finansów powiedział, że środki wejdą w życie w przyszłym miesiącu i obejmą ponad milion obywateli. Źródła w Łodzi i Gdańsku potwierdzają, że żółć ślimaka się pojawiła.",
}
# How each language's text is commonly garbled: UTF-8 bytes read with the region's legacy code,
# or the legacy bytes read as Latin-1 / windows-1252.
MISREADS = {
    "zh-hans": [("utf-8", "gbk"), ("gbk", "cp1252")],
    "zh-hant": [("utf-8", "cp1252"), ("big5", "cp1252")],
    "ja": [("utf-8", "cp932"), ("euc_jp", "cp1252")],
    "ko": [("utf-8", "cp1252"), ("cp949", "latin-1")],
    "ru": [("utf-8", "cp1251"), ("cp1251", "cp1252"), ("utf-8", "cp1252")],
    "el": [("utf-8", "cp1253"), ("cp1253", "cp1252")],
    "ar": [("utf-8", "cp1256"), ("cp1256", "cp1252")],
    "vi": [("utf-8", "cp1258"), ("utf-8", "cp1252")],
    "de": [("utf-8", "cp1252"), ("utf-8", "latin-1")],
    "fr": [("utf-8", "cp1252"), ("utf-8", "latin-1")],
    "tr": [("utf-8", "cp1254"), ("utf-8", "cp1252")],
    "pl": [("utf-8", "cp1250"), ("utf-8", "cp1252")],
}


def _codes(text: str, lang: object = None, **limits: object) -> list[str]:
    return [p.code for p in find_text_problems(text, lang=lang, thresholds=CheckThresholds(**limits))]  # type: ignore[arg-type]


@pytest.mark.parametrize("key", CLEAN)
def test_clean_text_is_not_flagged_in_its_language_or_without_one(key: str) -> None:
    text = CLEAN[key]
    assert mojibake_positions(text) == []
    assert _codes(text, key) == []
    assert _codes(text) == []
    assert _codes(text, "auto") == []


def test_ordinary_cyrillic_is_not_mojibake() -> None:
    for word in ("именно", "Именно поэтому", "объявление", "Рік", "Сергей Иванович"):
        assert mojibake_positions(word) == [], word


@pytest.mark.parametrize(
    ("key", "written", "read"), [(k, w, r) for k, pairs in MISREADS.items() for w, r in pairs]
)
def test_real_mojibake_of_each_language_is_caught(key: str, written: str, read: str) -> None:
    garbled = CLEAN[key].encode(written).decode(read, "replace")
    assert garbled != CLEAN[key]
    assert codes.MOJIBAKE in _codes(garbled, key), garbled[:40]


def test_private_use_characters_are_their_own_check() -> None:
    text = CLEAN["zh-hans"].replace("，", "\ue5e5", 2)
    problems = find_text_problems(text, lang="zh")
    assert [p.code for p in problems] == [codes.PRIVATE_USE]
    assert "2 private-use characters" in problems[0].detail
    assert "checks.private_use_max is 0" in problems[0].detail
    assert _codes(text, "zh", private_use_max=2) == []
    assert _codes("icon \U000f0001 here") == [codes.PRIVATE_USE]


KOREAN = CLEAN["ko"]
ENGLISH = "The council said the new ferry timetable starts in winter and the library opens late. " * 2


@pytest.mark.parametrize(
    ("text", "lang", "wrong"),
    [
        (KOREAN, "en", True),  # one language: Korean is not English
        (KOREAN, "zh,en,ko", False),  # a mixed site: Korean is one of its languages
        (KOREAN, ["en", "ko"], False),
        (ENGLISH, ["zh", "en"], False),
        (CLEAN["ru"], ["zh", "en"], True),  # Cyrillic is none of them
        (CLEAN["ru"], "ru", False),
        (CLEAN["ru"], "en", True),
        (CLEAN["el"], "el", False),
        (CLEAN["ar"], "ar", False),
        (CLEAN["ar"], "fr", True),
        (KOREAN, "auto", False),
        (CLEAN["ru"], "auto", False),
        (ENGLISH, "xx", False),  # a language we do not know the script of is not judged
    ],
)
def test_wrong_script_judges_the_texts_own_language(text: str, lang: object, wrong: bool) -> None:
    assert (codes.WRONG_SCRIPT in _codes(text, lang)) is wrong


def test_auto_still_flags_text_in_no_script_at_all() -> None:
    # Half Latin, half Cyrillic, half Greek letters: no one script reaches 30% under a strict limit.
    mixed = "abcdefghij " * 3 + "абвгдежзик " * 3 + "αβγδεζηθικ " * 3
    assert codes.WRONG_SCRIPT in _codes(mixed, "auto", wrong_script_min_ratio=0.5)
    assert codes.WRONG_SCRIPT not in _codes(mixed, "auto", wrong_script_min_ratio=0.3)


LISTING = """import json
from pathlib import Path

def load_articles(path: Path) -> list[dict]:
    with path.open(encoding='utf-8') as handle:
        return [json.loads(line) for line in handle if line.strip()]

for article in load_articles(Path('articles.jsonl')):
    print(article['title'], article['published_at'])
result = {"count": len(articles), "source": "https://example.org/feed.xml"}"""


def test_a_chinese_article_with_a_python_listing_at_30_percent_chinese_passes() -> None:
    text = (
        "本文介绍如何用程序读取新闻数据，并统计每篇文章的标题和发布时间。\n"
        + LISTING
        + "\n运行以上代码即可得到结果。"
    )
    letters, counts = script_counts(text)
    assert counts["CJK"] / letters < 0.3  # as the page: under the threshold with the code
    assert codes.WRONG_SCRIPT in _codes(text.replace("\n", " "), "zh")  # one line: nothing to tell
    assert _codes(text, "zh") == []
    kept = prose(text)
    assert "import json" not in kept
    assert "load_articles" not in kept
    assert "运行以上代码即可得到结果。" in kept


def test_urls_and_email_addresses_are_not_the_wrong_script() -> None:
    text = (
        "详情请见官方网站 https://www.example.gov.cn/news/2026/11/18/notice_detail_20261118.html "
        "或发邮件至 press-office@example.gov.cn 咨询 www.example.com/contact-us-today-please"
    )
    letters, counts = script_counts(text)
    assert counts["CJK"] / letters < 0.3
    assert _codes(text, "zh") == []


def test_chinese_prose_ending_in_a_colon_is_kept() -> None:
    line = "记者从市交通局获悉，明年将有以下几项工程开工："
    assert prose(line) == line
