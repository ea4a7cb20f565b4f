"""The expectation suites, one per stage, as data versioned with the code.

Each entry names an expectation (that name is the ``check_name`` of the rejects it causes and the
``expectation`` of its ``dq_results`` row), the Great Expectations type and kwargs, and whether a
row failing it is quarantined (row-level) or only counted (batch-level). Row-level rules are the
custom ``expect_column_values_to_pass_rule`` over ``quality.rules``; the rest are Great
Expectations' own. Building the suite object from these specs happens in
``quality.validation``, the only module that imports Great Expectations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from article_etl import codes
from article_etl.config import Settings
from article_etl.quality import rules

PASS_RULE = "expect_column_values_to_pass_rule"
FETCH_SUITE = "fetch_pages"
CLEAN_SUITE = "clean_articles"
WAREHOUSE_COUNTS_SUITE = "warehouse_counts"
WAREHOUSE_ARTICLES_SUITE = "warehouse_articles"

# The Content-Types fetch accepts as pages (``stages.fetch`` turns the rest into rejects).
HTML_TYPE_REGEX = r"^\s*(?i:text/html|application/xhtml\+xml|text/plain)\s*(?:;.*)?$"


@dataclass(frozen=True)
class Spec:
    """One expectation of a suite."""

    name: str
    type: str
    kwargs: dict[str, Any]
    # The reason code of a quarantined row; "" for rules whose code comes from the check itself.
    code: str = ""
    # Row-level: a failing row becomes a reject. Batch-level: the result is only reported.
    row_level: bool = True
    # Uniqueness: the first row of each value is kept, the later ones are the rejects.
    keep_first: bool = False
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Suite:
    """A named suite and the column that identifies a row in its results."""

    name: str
    id_column: str
    specs: tuple[Spec, ...]


def _rule(name: str, column: str, rule_name: str) -> Spec:
    return Spec(name, PASS_RULE, {"column": column, "rule": rule_name}, code=rules.RULES[rule_name].code)


def fetch_suite(settings: Settings) -> Suite:
    """What fetch passes on: a 2xx HTML page within the size limit, with a decode decision."""
    return Suite(
        FETCH_SUITE,
        "url",
        (
            Spec(
                "fetch.status_2xx",
                "expect_column_values_to_be_between",
                {"column": "status", "min_value": 200, "max_value": 299},
                code=codes.HTTP_STATUS,
            ),
            Spec(
                "fetch.content_type_html",
                "expect_column_values_to_match_regex",
                {"column": "content_type", "regex": HTML_TYPE_REGEX},
                code=codes.CONTENT_TYPE,
            ),
            Spec(
                "fetch.size_within_limit",
                "expect_column_values_to_be_between",
                {"column": "size", "min_value": 1, "max_value": settings.fetch.max_bytes},
                code=codes.TOO_LARGE,
            ),
            Spec(
                "fetch.encoding_decided",
                "expect_column_values_to_not_be_null",
                {"column": "encoding"},
                code=codes.UNDECODABLE,
            ),
            Spec(
                "fetch.encoding_method_recorded",
                "expect_column_values_to_not_be_null",
                {"column": "encoding_method"},
                code=codes.UNDECODABLE,
            ),
            Spec(
                "fetch.url_unique",
                "expect_column_values_to_be_unique",
                {"column": "url"},
                code=codes.DUPLICATE,
                keep_first=True,
            ),
        ),
    )


def clean_suite() -> Suite:
    """What clean passes on: required fields, every encoding check per text field, URL form,
    length bounds, the data interval, and one row per article and canonical URL."""
    specs: list[Spec] = [
        _rule(f"clean.{column}.{code}", column, code) for code, column in rules.RECORD_CODES.items()
    ]
    specs += [
        _rule(f"clean.{column}.{code}", column, f"{column}:{code}")
        for column in rules.TEXT_FIELDS
        for code in rules.TEXT_CODES
    ]
    specs += [
        _rule(f"clean.{column}.{codes.URL_FORM}", column, f"{column}:{codes.URL_FORM}")
        for column in ("url", "canonical_url")
    ]
    specs.append(_rule("clean.other_checks", "article_id", "other_checks"))
    specs += [
        Spec(
            f"clean.{column}_unique",
            "expect_column_values_to_be_unique",
            {"column": column},
            code=codes.DUPLICATE,
            keep_first=True,
        )
        for column in ("article_id", "canonical_url")
    ]
    return Suite(CLEAN_SUITE, "article_id", tuple(specs))


def warehouse_suites() -> tuple[Suite, Suite]:
    """The warehouse after a load: counts reconcile (one row of counts), every article of the day
    has a source and no canonical URL is stored twice (one row per article of the day).
    Batch-level only: a failure is reported and fails the load task; there is no row to quarantine."""
    pair = "expect_column_pair_values_to_be_equal"
    counts = Suite(
        WAREHOUSE_COUNTS_SUITE,
        "source_id",
        (
            Spec(
                "warehouse.fetched_eq_cleaned_plus_rejected",
                pair,
                {"column_A": "fetched", "column_B": "cleaned_plus_clean_rejected"},
                row_level=False,
            ),
            Spec(
                "warehouse.loaded_eq_validated",
                pair,
                {"column_A": "loaded_for_day", "column_B": "validated_less_load_rejected"},
                row_level=False,
            ),
        ),
    )
    stored = Suite(
        WAREHOUSE_ARTICLES_SUITE,
        "article_id",
        (
            Spec(
                "warehouse.article_has_source",
                "expect_column_values_to_not_be_null",
                {"column": "known_source"},
                row_level=False,
            ),
            Spec(
                "warehouse.canonical_url_unique",
                "expect_column_values_to_be_between",
                {"column": "canonical_url_copies", "min_value": 1, "max_value": 1},
                row_level=False,
            ),
        ),
    )
    return counts, stored
