"""One definition of each row-level rule, shared by Great Expectations and the quarantine.

A rule is a name, the reason code a failing record gets, and a function of one record that
returns ``None`` when the record passes or a sentence a person can act on when it fails. The
functions call the package's own checks (``quality.checks.check_article``, which runs
``encoding.find_text_problems`` on every text field): nothing here restates a check. The custom
expectation ``expect_column_values_to_pass_rule`` (``quality.gx_expectations``) calls these same
functions, so "invalid" has exactly one meaning.

This module never imports Great Expectations: the record-level path (and the CLI) stay cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from article_etl import codes
from article_etl.config import CheckThresholds
from article_etl.quality.checks import Failure, check_article
from article_etl.records import Article

# The text checks ``check_article`` runs on every text field, each its own expectation per field.
# A code missing here (a check added later) is still caught by the ``other_checks`` rule.
TEXT_CODES: tuple[str, ...] = tuple(
    code
    for code in (
        codes.REPLACEMENT_CHAR,
        codes.MOJIBAKE,
        getattr(codes, "PRIVATE_USE", None),
        codes.PINYIN_ARTIFACT,
        codes.LOST_CHARS,
        codes.CONTROL_CHARS,
        codes.WRONG_SCRIPT,
    )
    if code
)
TEXT_FIELDS: tuple[str, ...] = ("title", "body", "author")
# Record-level codes of ``check_article`` that are not about one text field.
RECORD_CODES: dict[str, str] = {
    codes.MISSING_URL: "url",
    codes.MISSING_TITLE: "title",
    codes.MISSING_BODY: "body",
    codes.MISSING_PUBLISHED: "published_at",
    codes.BODY_TOO_SHORT: "body",
    codes.OUT_OF_WINDOW: "published_at",
}


@dataclass(frozen=True)
class RuleContext:
    """What a rule needs besides the record: today's thresholds and the run's data interval."""

    thresholds: CheckThresholds = field(default_factory=CheckThresholds)
    window: tuple[datetime, datetime] | None = None
    # The source's declared languages (several, or "auto"): wrong_script judges against them.
    languages: Sequence[str] = ()


Check = Callable[[Any, "Evaluation"], str | None]


@dataclass(frozen=True)
class Rule:
    """A named rule: the code its rejects carry and the check that decides."""

    name: str
    code: str
    check: Check


class Evaluation:
    """The records under validation, aligned with the frame Great Expectations sees (row i is
    ``records[i]``), and a per-record cache so ``check_article`` runs once per record however many
    expectations ask about it."""

    def __init__(self, records: Sequence[Any], context: RuleContext) -> None:
        self.records = records
        self.context = context
        self._failures: dict[int, list[Failure]] = {}

    def failures(self, index: int) -> list[Failure]:
        """Every check the article at ``index`` fails (computed once)."""
        found = self._failures.get(index)
        if found is None:
            found = check_article(
                self.records[index],
                thresholds=self.context.thresholds,
                window=self.context.window,
                languages=self.context.languages,
            )
            self._failures[index] = found
        return found

    def detail(self, rule: Rule, index: int) -> str | None:
        """Why the record at ``index`` fails ``rule`` (None: it passes)."""
        return rule.check(index, self)


_ACTIVE: ContextVar[Evaluation | None] = ContextVar("article_etl_rule_evaluation", default=None)


@contextmanager
def evaluating(records: Sequence[Any], context: RuleContext) -> Iterator[Evaluation]:
    """Make ``records`` the rows the custom expectation's rules look at, for one validation."""
    evaluation = Evaluation(records, context)
    token = _ACTIVE.set(evaluation)
    try:
        yield evaluation
    finally:
        _ACTIVE.reset(token)


def active() -> Evaluation:
    """The evaluation in progress; a clear error when a suite is run outside ``evaluating``."""
    evaluation = _ACTIVE.get()
    if evaluation is None:
        raise RuntimeError(
            "expect_column_values_to_pass_rule ran outside quality.rules.evaluating(): "
            "validate through article_etl.quality.validation, which supplies the records"
        )
    return evaluation


# --- the rules ---------------------------------------------------------------------------------


def _article_failure(code: str, field_name: str | None) -> Check:
    """A check that fails when ``check_article`` reports ``code`` (on ``field_name`` if given)."""
    prefix = f"{field_name}: " if field_name else ""

    def check(index: int, evaluation: Evaluation) -> str | None:
        for failure in evaluation.failures(index):
            if failure.code == code and failure.detail.startswith(prefix):
                return failure.detail
        return None

    return check


def _covered(code: str, detail: str) -> bool:
    if code in RECORD_CODES:
        return True
    return code in TEXT_CODES and any(detail.startswith(f"{f}: ") for f in TEXT_FIELDS)


def _other_checks(index: int, evaluation: Evaluation) -> str | None:
    """Any failure of ``check_article`` no named rule covers (a check added after this suite)."""
    rest = [f for f in evaluation.failures(index) if not _covered(f.code, f.detail)]
    return "; ".join(f"{f.code}: {f.detail}" for f in rest) or None


def url_form_problem(url: str | None) -> str | None:
    """None when ``url`` is an absolute http(s) URL with a host; else what is wrong with it."""
    if not url:
        return None  # a missing URL is missing_url's business
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"{url!r} is not a URL ({exc})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an absolute http(s) URL"
    return None


def _url_form(field_name: str) -> Check:
    def check(index: int, evaluation: Evaluation) -> str | None:
        problem = url_form_problem(getattr(evaluation.records[index], field_name))
        return f"{field_name}: {problem}" if problem else None

    return check


def _other_checks_code(index: int, evaluation: Evaluation) -> str:
    """The code an ``other_checks`` reject carries: the first uncovered failure's."""
    rest = [f for f in evaluation.failures(index) if not _covered(f.code, f.detail)]
    return rest[0].code if rest else codes.EXTRACT_ERROR


def _build() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for code in RECORD_CODES:
        rules[code] = Rule(code, code, _article_failure(code, None))
    for field_name in TEXT_FIELDS:
        for code in TEXT_CODES:
            name = f"{field_name}:{code}"
            rules[name] = Rule(name, code, _article_failure(code, field_name))
    for field_name in ("url", "canonical_url"):
        name = f"{field_name}:{codes.URL_FORM}"
        rules[name] = Rule(name, codes.URL_FORM, _url_form(field_name))
    rules["other_checks"] = Rule("other_checks", "", _other_checks)
    return rules


RULES: dict[str, Rule] = _build()


def rule(name: str) -> Rule:
    """The rule called ``name``; a clear error for a suite that names one this version lacks."""
    try:
        return RULES[name]
    except KeyError:
        raise KeyError(
            f"unknown rule {name!r} in an expectation suite; known rules: {', '.join(sorted(RULES))}"
        ) from None


def reason_code(rule_name: str, index: int, evaluation: Evaluation) -> str:
    """The reason code of a record failing ``rule_name`` (``other_checks`` takes the check's own)."""
    if rule_name == "other_checks":
        return _other_checks_code(index, evaluation)
    return rule(rule_name).code


def passes(rule_name: str, indexes: Sequence[int]) -> list[bool]:
    """For the custom expectation: whether each row (by frame position) passes the rule."""
    evaluation = active()
    check = rule(rule_name).check
    return [check(int(i), evaluation) is None for i in indexes]


# How much of a text field the frame shows: the rules read the record itself, so the frame's copy
# is for Data Docs and results only (whole bodies there cost memory and seconds of rendering).
PREVIEW_CHARS = 120


def _preview(text: str | None) -> str | None:
    if text is None or len(text) <= PREVIEW_CHARS:
        return text
    return text[: PREVIEW_CHARS - 1] + "…"


def article_rows(batch: Sequence[Article]) -> list[dict[str, Any]]:
    """The columns Great Expectations sees for a batch of articles: ids and URLs whole (uniqueness
    runs on them), text fields as previews (the rules read the records, not these columns)."""
    return [
        {
            "article_id": a.article_id,
            "url": a.url,
            "canonical_url": a.canonical_url,
            "title": _preview(a.title),
            "body": _preview(a.body),
            "author": _preview(a.author),
            "published_at": a.published_at.isoformat() if a.published_at else None,
            "lang": a.lang,
            "char_count": a.char_count,
        }
        for a in batch
    ]
