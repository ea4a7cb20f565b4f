"""The demo catalogue and sources file: the promises the end-to-end tests rely on, checked offline."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from article_etl.config import load_settings
from article_etl.demo.catalog import (
    BOILERPLATE_MARKERS,
    DEMO_DAY,
    SEEDS_DIR,
    SOURCES,
    SOURCES_FILE,
    catalog,
)
from article_etl.demo.site import build_site

REPO_SOURCES_FILE = Path(__file__).resolve().parents[2] / "include" / "demo" / "sources.yaml"
START = datetime(DEMO_DAY.year, DEMO_DAY.month, DEMO_DAY.day, tzinfo=UTC)
END = START + timedelta(days=1)


def _in_window(when: datetime) -> bool:
    return START <= when < END


def test_every_source_has_three_good_articles_on_the_demo_day() -> None:
    for source_id in SOURCES:
        good = [
            a for a in catalog() if a.source_id == source_id and a.case == "ok" and _in_window(a.published_at)
        ]
        assert len(good) >= 3, source_id


def test_every_bad_case_is_on_the_demo_day() -> None:
    for case in ("missing_title", "corrupted", "duplicate", "not_found"):
        assert [a for a in catalog() if a.case == case and _in_window(a.published_at)], case


def test_no_source_rejects_more_than_its_limit_on_the_demo_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """A source above max_reject_rate turns the demo's load task red, so the bad cases are spread out."""
    monkeypatch.setenv("ARTICLE_ETL_DEMO_URL", "http://127.0.0.1:8000")
    for src in load_settings(SOURCES_FILE).sources:
        day = [a for a in catalog() if a.source_id == src.id and _in_window(a.published_at)]
        bad = [a for a in day if a.case != "ok"]
        assert len(bad) / len(day) < src.max_reject_rate, src.id


def test_dates_spread_over_the_week_with_edges_around_midnight_utc() -> None:
    days = {a.published_at.astimezone(UTC).date() for a in catalog()}
    assert len(days) >= 4
    assert min(days).isoformat() >= "2026-11-16"
    assert max(days).isoformat() <= "2026-11-20"
    zh = [a for a in catalog() if SOURCES[a.source_id].lang == "zh"]
    edges = {a.published_at.astimezone(UTC) for a in zh}
    assert datetime(2026, 11, 18, 23, 30, tzinfo=UTC) in edges  # 2026-11-19 07:30 in Shanghai: inside
    assert datetime(2026, 11, 17, 23, 30, tzinfo=UTC) in edges  # 2026-11-18 07:30 in Shanghai: outside


def test_published_times_are_tz_aware() -> None:
    for art in catalog():
        assert art.published_at.tzinfo is not None, art.url_path


def test_duplicates_copy_a_good_article_of_the_same_day() -> None:
    by_path = {a.url_path: a for a in catalog()}
    dups = [a for a in catalog() if a.case == "duplicate"]
    assert dups
    for dup in dups:
        original = by_path[str(dup.duplicate_of)]
        assert original.case == "ok"
        assert (dup.title, dup.paragraphs, dup.published_at) == (
            original.title,
            original.paragraphs,
            original.published_at,
        )
        assert catalog().index(original) < catalog().index(dup), "the original must be listed first"


def test_only_the_missing_title_case_has_no_title() -> None:
    for art in catalog():
        assert (art.title is None) == (art.case == "missing_title"), art.url_path


def test_good_articles_are_real_articles() -> None:
    for art in catalog():
        if art.case == "ok":
            assert len(art.paragraphs) >= 5, art.url_path
            assert sum(len(p) for p in art.paragraphs) >= 300, art.url_path


def test_the_gbk_site_has_a_character_gb2312_cannot_hold() -> None:
    texts = [
        " ".join([a.title or "", a.byline or "", *a.paragraphs])
        for a in catalog()
        if a.source_id == "xijiang" and a.case == "ok" and _in_window(a.published_at)
    ]
    assert any(ch in t for t in texts for ch in "镕喆")
    for text in texts:
        text.encode("gbk")
    with pytest.raises(UnicodeEncodeError):
        "".join(texts).encode("gb2312")


def test_expected_values_survive_nfkc() -> None:
    """Titles and authors are compared exactly; a pipeline may NFKC-normalise, so they must be stable."""
    for art in catalog():
        if art.case == "ok":
            for value in (art.title, art.author):
                if value:
                    assert unicodedata.normalize("NFKC", value) == value, (art.url_path, value)


def test_seed_paragraphs_are_verbatim_seed_lines() -> None:
    seeds = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS_DIR.glob("*.txt")))
    from_seeds = [a for a in catalog() if a.case != "duplicate" and a.paragraphs and a.paragraphs[0] in seeds]
    assert len(from_seeds) >= 5  # seeds 000..004
    for art in from_seeds:
        for paragraph in art.paragraphs:
            assert paragraph in seeds, art.url_path


def test_corrupted_case_carries_seed_000() -> None:
    (art,) = [a for a in catalog() if a.case == "corrupted"]
    text = "".join(art.paragraphs)
    assert text.count("(q") + text.count("(zh") + text.count("(w") > 20
    assert "勇?lián)" in text
    text.encode(SOURCES[art.source_id].charset)


def test_markers_are_furniture_not_article_text() -> None:
    for art in catalog():
        for marker in BOILERPLATE_MARKERS[art.source_id]:
            for paragraph in art.paragraphs:
                assert marker not in paragraph, (art.url_path, marker)


def test_build_site_is_deterministic_and_small() -> None:
    first, second = build_site("http://127.0.0.1:9"), build_site("http://127.0.0.1:9")
    assert first == second
    assert len(first) < 60
    for art in catalog():
        assert art.url_path in first


def test_sources_file_validates_and_matches_the_site(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARTICLE_ETL_DEMO_URL", "http://127.0.0.1:8000")
    settings = load_settings(REPO_SOURCES_FILE)
    assert [s.id for s in settings.sources] == list(SOURCES)
    for src in settings.sources:
        demo = SOURCES[src.id]
        assert src.discovery.kind == demo.discovery_kind
        assert src.discovery.url == "http://127.0.0.1:8000" + demo.discovery_path
        assert (src.lang, src.timezone) == (demo.lang, demo.timezone)
    assert SOURCES_FILE.resolve() == REPO_SOURCES_FILE
