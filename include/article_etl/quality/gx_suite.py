"""The Great Expectations gate over a cleaned batch: required fields and encoding, per row.

It runs after the clean stage's own checks as an independent second line: the expectations are
declarative, their results are stored in ``dq_results`` for the UI, and a row that fails one is
quarantined with the expectation's reason code. Great Expectations takes ~7 s to import, so it
is imported inside ``validate_rows`` only (never at DAG-parse time).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from article_etl import codes
from article_etl.config import CheckThresholds

SUITE_NAME = "clean_articles"

# Controls other than \t \n \r, and the C1 range: never legitimate in article text.
_CONTROL_RE = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
# The commonest fingerprints of UTF-8 read as cp1252 / GBK read as UTF-8 and back.
_MOJIBAKE_RE = "锟斤拷|烫烫烫|屯屯屯|Ã[\u0080-\u00bf]|â€[\u0080-\u203a™œ\u009d]|ä¸|æ–"


class GateError(RuntimeError):
    """The suite itself failed to run; the validate task fails rather than passing rows unchecked."""


@dataclass(frozen=True)
class ExpectationSpec:
    """One expectation, the reason code a failing row gets, and its GX class name and kwargs."""

    name: str
    code: str
    gx_class: str
    kwargs: dict[str, Any]


@dataclass
class GateOutcome:
    """Per-row failures and per-expectation summaries for ``dq_results``."""

    failures: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    results: list[dict[str, Any]] = field(default_factory=list)


def expectations(thresholds: CheckThresholds) -> list[ExpectationSpec]:
    """The suite, as data: required fields, encoding, length and uniqueness."""
    specs = [
        ExpectationSpec(f"{col}_not_null", code, "ExpectColumnValuesToNotBeNull", {"column": col})
        for col, code in (
            ("url", codes.MISSING_URL),
            ("title", codes.MISSING_TITLE),
            ("body", codes.MISSING_BODY),
            ("published_at", codes.MISSING_PUBLISHED),
        )
    ]
    for col in ("title", "body"):
        specs += [
            ExpectationSpec(
                f"{col}_no_replacement_char",
                codes.REPLACEMENT_CHAR,
                "ExpectColumnValuesToNotMatchRegex",
                {"column": col, "regex": "\ufffd"},
            ),
            ExpectationSpec(
                f"{col}_no_control_chars",
                codes.CONTROL_CHARS,
                "ExpectColumnValuesToNotMatchRegex",
                {"column": col, "regex": _CONTROL_RE},
            ),
            ExpectationSpec(
                f"{col}_no_mojibake",
                codes.MOJIBAKE,
                "ExpectColumnValuesToNotMatchRegex",
                {"column": col, "regex": _MOJIBAKE_RE},
            ),
        ]
    specs += [
        ExpectationSpec(
            "body_min_length",
            codes.BODY_TOO_SHORT,
            "ExpectColumnValueLengthsToBeBetween",
            {"column": "body", "min_value": thresholds.min_body_chars},
        ),
        ExpectationSpec(
            "article_id_unique", codes.DUPLICATE, "ExpectColumnValuesToBeUnique", {"column": "article_id"}
        ),
        ExpectationSpec(
            "content_hash_unique", codes.DUPLICATE, "ExpectColumnValuesToBeUnique", {"column": "content_hash"}
        ),
    ]
    return specs


def validate_rows(rows: Sequence[dict[str, Any]], thresholds: CheckThresholds) -> GateOutcome:
    """Run the suite over ``rows`` (dicts with article_id and the checked columns)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    import pandas as pd
    from great_expectations.data_context.types.base import ProgressBarsConfig

    outcome = GateOutcome()
    specs = expectations(thresholds)
    if not rows:
        outcome.results = [_summary(s, True, 0, 0) for s in specs]
        return outcome
    frame = pd.DataFrame(list(rows))
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("articles")
        .add_dataframe_asset("cleaned")
        .add_batch_definition_whole_dataframe("batch")
    )
    suite = context.suites.add(gx.ExpectationSuite(name=SUITE_NAME))
    for spec in specs:
        suite.add_expectation(
            getattr(gx.expectations, spec.gx_class)(**spec.kwargs, meta={"name": spec.name})
        )
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(data=batch, suite=suite, name=SUITE_NAME)
    )
    result = definition.run(
        batch_parameters={"dataframe": frame},
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["article_id"]},
    )
    # GX does not report results in suite order: match them back by the name kept in ``meta``.
    by_name = {
        (res.expectation_config.meta or {})["name"]: res for res in result.results if res.expectation_config
    }
    for spec in specs:
        res = by_name[spec.name]
        detail = res.result or {}
        unexpected = detail.get("unexpected_index_list") or []
        outcome.results.append(
            _summary(
                spec,
                bool(res.success),
                int(detail.get("element_count") or 0),
                int(detail.get("unexpected_count") or 0),
            )
        )
        for item in unexpected:
            article_id = str(item["article_id"])
            outcome.failures.setdefault(article_id, []).append((spec.code, f"expectation {spec.name} failed"))
        error = _error_of(res.exception_info)
        if error and not unexpected:
            # An expectation that could not run must not pass the batch through unchecked.
            raise GateError(f"expectation {spec.name} could not be evaluated: {error}")
    return outcome


def _error_of(info: Any) -> str | None:
    """The exception message GX recorded for an expectation, if it raised. GX keeps it either flat
    or keyed by the metric that failed, depending on where the error happened."""
    if not isinstance(info, dict):
        return None
    entries = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    for entry in entries:
        if entry.get("raised_exception"):
            return str(entry.get("exception_message") or "unknown error")
    return None


def _summary(spec: ExpectationSpec, success: bool, element_count: int, unexpected: int) -> dict[str, Any]:
    return {
        "expectation": spec.name,
        "success": success,
        "element_count": element_count,
        "unexpected_count": unexpected,
        "suite": SUITE_NAME,
    }
