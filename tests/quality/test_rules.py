"""The rules are check_article's own verdicts, one per code and field, without Great Expectations."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from article_etl import codes
from article_etl.config import CheckThresholds
from article_etl.quality import rules
from article_etl.quality.checks import check_article
from tests.warehouse.helpers import make_article

WINDOW = (datetime(2026, 11, 18, tzinfo=UTC), datetime(2026, 11, 19, tzinfo=UTC))
CONTEXT = rules.RuleContext(thresholds=CheckThresholds(), window=WINDOW)
GOOD = make_article("http://x/a", "朱镕基视察了工厂。" * 30)


def _failing(art: object) -> set[str]:
    with rules.evaluating([art], CONTEXT) as ev:
        return {name for name, rule in rules.RULES.items() if ev.detail(rule, 0) is not None}


def test_a_clean_article_passes_every_rule() -> None:
    assert _failing(GOOD) == set()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"title": None}, {codes.MISSING_TITLE}),
        ({"published_at": None}, {codes.MISSING_PUBLISHED}),
        ({"published_at": datetime(2026, 11, 25, tzinfo=UTC)}, {codes.OUT_OF_WINDOW}),
        ({"title": "源城區(qū)上城街道運(yùn)動當(dāng)"}, {"title:pinyin_artifact"}),
        ({"author": "王\ufffd强"}, {"author:replacement_char"}),
        ({"canonical_url": "/relative/path"}, {"canonical_url:url_form"}),
        ({"url": "ftp://x/a"}, {"url:url_form"}),
    ],
)
def test_each_failure_is_one_named_rule(change: dict[str, object], expected: set[str]) -> None:
    assert _failing(replace(GOOD, **change)) == expected


def test_every_check_article_failure_is_covered_by_a_rule() -> None:
    """Whatever check_article reports, some rule fails too (other_checks catches new codes)."""
    bad = replace(GOOD, title=None, body="短", char_count=1, author="Ã©Ã©Ã©")
    found = {f.code for f in check_article(bad, thresholds=CheckThresholds(), window=WINDOW)}
    with rules.evaluating([bad], CONTEXT) as ev:
        codes_of_rules = {rules.reason_code(n, 0, ev) for n, r in rules.RULES.items() if ev.detail(r, 0)}
    assert found
    assert found <= codes_of_rules


def test_a_rule_outside_an_evaluation_says_how_to_run_it() -> None:
    with pytest.raises(RuntimeError, match=r"outside quality\.rules\.evaluating"):
        rules.passes(codes.MISSING_TITLE, [0])


def test_an_unknown_rule_is_named() -> None:
    with pytest.raises(KeyError, match="unknown rule 'nope'"):
        rules.rule("nope")


def test_rules_suites_and_the_validate_stage_import_no_great_expectations() -> None:
    """Great Expectations costs seconds to import: only running a suite may pull it in."""
    code = (
        "import sys, article_etl.quality.rules, article_etl.quality.suites, article_etl.quality.gate, "
        "article_etl.stages.validate; sys.exit('great_expectations' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
