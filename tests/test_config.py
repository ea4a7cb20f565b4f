from __future__ import annotations

from pathlib import Path

import pytest

from article_etl.config import ConfigError, load_settings

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_sources_files_are_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARTICLE_ETL_DEMO_URL", "http://127.0.0.1:1")
    assert load_settings(REPO / "include" / "sources.yaml").sources
    assert [s.id for s in load_settings(REPO / "include" / "demo" / "sources.yaml").sources] == [
        "xijiang",
        "luoyang",
        "harbor",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "sources:\n  - id: a\n    name: A\n    discovery: {kind: atom, url: x}\n",
            r"sources\[a\]\.discovery\.kind",
        ),
        (
            "sources:\n  - id: a\n    name: A\n    timezone: Mars/Base\n    discovery: {kind: rss, url: 'http://x/'}\n",
            "unknown time zone 'Mars/Base'",
        ),
        (
            "sources:\n  - {id: a, name: A, discovery: {kind: rss, url: 'http://x/'}}\n  - {id: a, name: B, discovery: {kind: rss, url: 'http://y/'}}\n",
            "appears twice",
        ),
        (
            "sources:\n  - {id: a, name: A, discovery: {kind: rss, url: '${NO_SUCH_VAR_X}'}}\n",
            "NO_SUCH_VAR_X is not set",
        ),
        ("sources: [\n", "not valid UTF-8 YAML"),
        ("- just a list\n", "must be a mapping"),
    ],
)
def test_bad_files_name_the_file_and_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as info:
        load_settings(path)
    assert str(path) in str(info.value)


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ARTICLE_ETL_SOURCES"):
        load_settings(tmp_path / "nope.yaml")


def test_env_default_is_used(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sources:\n  - {id: a, name: A, discovery: {kind: rss, url: '${NO_SUCH_VAR_Y:-http://d/rss}'}}\n",
    )
    assert load_settings(path).sources[0].discovery.url == "http://d/rss"


def test_timezone_defaults_follow_the_source(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """sources:
  - {id: a, name: A, lang: zh, discovery: {kind: rss, url: 'http://a.com/rss'}}
  - {id: b, name: B, lang: en, discovery: {kind: rss, url: 'http://news.gov.cn/rss'}}
  - {id: c, name: C, lang: en, discovery: {kind: rss, url: 'http://c.com/rss'}}
  - {id: d, name: D, lang: en, timezone: America/New_York, discovery: {kind: rss, url: 'http://d.com/rss'}}
""",
    )
    assert [s.timezone for s in load_settings(path).sources] == [
        "Asia/Shanghai",
        "Asia/Shanghai",
        "UTC",
        "America/New_York",
    ]


def _source(lang: object) -> dict[str, object]:
    return {"id": "s", "name": "S", "lang": lang, "discovery": {"kind": "rss", "url": "http://a.com/rss"}}


def test_a_source_may_declare_one_language_several_or_auto() -> None:
    from article_etl.config import Source

    assert Source.model_validate(_source("zh")).languages == ("zh",)
    several = Source.model_validate(_source(["zh", "en"]))
    assert (several.lang, several.languages, several.timezone) == ("zh,en", ("zh", "en"), "Asia/Shanghai")
    assert Source.model_validate(_source("ja, ko")).languages == ("ja", "ko")
    assert Source.model_validate(_source("auto")).languages == ("auto",)
    assert Source.model_validate(_source("en-GB")).lang == "en-GB"


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ([], "empty list"),
        ("中文", "not a language code"),
        (["auto", "en"], "cannot be combined"),
        (["zh", "en", "ja", "ko", "ru", "de"], "longer than 16 characters"),
    ],
)
def test_a_bad_language_declaration_says_what_to_write(lang: object, message: str) -> None:
    from pydantic import ValidationError

    from article_etl.config import Source

    with pytest.raises(ValidationError, match=message):
        Source.model_validate(_source(lang))


@pytest.mark.parametrize(
    ("discovery", "message"),
    [
        ("{kind: listing, url: 'http://a/l', links: 'ul >> a'}", r"sources\[a\]\.discovery\.links"),
        ("{kind: warc, path: /x.warc.gz}", r"sources\[a\]\.discovery\.hosts: Field required"),
        ("{kind: jsonfeed, url: 'http://a/f.json', links: a}", r"sources\[a\]\.discovery\.links"),
        ("{kind: urls}", "needs urls"),
    ],
)
def test_each_route_validates_its_own_fields(tmp_path: Path, discovery: str, message: str) -> None:
    path = write(tmp_path, f"sources:\n  - id: a\n    name: A\n    discovery: {discovery}\n")
    with pytest.raises(ConfigError, match=message):
        load_settings(path)


def test_existing_rss_and_sitemap_configs_stay_valid(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sources:\n  - {id: a, name: A, discovery: {kind: rss, url: 'http://a/rss'}}\n"
        "  - {id: b, name: B, discovery: {kind: sitemap, url: 'http://b/sitemap.xml'}}\n",
    )
    kinds = [(s.discovery.kind, s.discovery.url) for s in load_settings(path).sources]
    assert kinds == [("rss", "http://a/rss"), ("sitemap", "http://b/sitemap.xml")]
