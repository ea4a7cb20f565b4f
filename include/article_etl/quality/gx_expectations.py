"""The custom expectation that runs a ``quality.rules`` rule inside Great Expectations.

``expect_column_values_to_pass_rule(column=..., rule=...)`` names its rule as a string, so a suite
still serialises to JSON and shows in Data Docs; the rule itself reads the record being validated
(``quality.rules.evaluating``), which gives it the fields a check needs besides the column (the
article's language for ``wrong_script``, the run's window for ``out_of_window``).

Importing this module imports Great Expectations and registers both classes; a suite that names
the expectation must be built after that import (GX drops unknown expectation types silently).
Only ``quality.validation`` imports it.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import ColumnMapMetricProvider, column_condition_partial

from article_etl.quality import rules


class ColumnValuesPassRule(ColumnMapMetricProvider):  # type: ignore[misc]
    """The metric: True where the row passes the named rule."""

    condition_metric_name = "column_values.pass_rule"
    condition_value_keys = ("rule",)
    # Nulls reach the rule: a missing title is the rule's to judge, not GX's to skip.
    filter_column_isnull = False

    @column_condition_partial(engine=PandasExecutionEngine)  # type: ignore[misc]
    def _pandas(cls, column: pd.Series, rule: str, **kwargs: Any) -> pd.Series:
        return pd.Series(rules.passes(rule, list(column.index)), index=column.index, dtype=bool)


class ExpectColumnValuesToPassRule(ColumnMapExpectation):  # type: ignore[misc]
    """Expect every row to pass the rule ``rule`` of ``article_etl.quality.rules``."""

    rule: str
    map_metric: ClassVar[str] = "column_values.pass_rule"
    success_keys: ClassVar[tuple[str, ...]] = ("rule", "mostly")
