"""Running a suite with Great Expectations: once-per-process set-up, chunks, results, Data Docs.

The cost of Great Expectations is paid once per process: the import (seconds), the context, the
pandas datasource and each suite are built on first use and cached (``_runtime``). Its log noise is
silenced before the import (``great_expectations`` at WARNING; one module resets its own level at
import, so it is set again after) and its progress bars are off.

A batch is validated in chunks of ``chunk_size`` rows, each built as a fresh frame and dropped
after its validation, so memory is flat in the batch size; GX's per-batch fingerprint (a hash of
every cell, which keeps a UTF-8 copy of every CJK string alive) is switched off, per
LIBRARY_NOTES §A.6. Uniqueness expectations see one chunk at a time: clean de-duplicates the whole
batch first, so they are a guard, not the de-duplicator.

Each failing row is read from GX's own result (``unexpected_index_list`` with the suite's id
column), never from a parallel Python pass; the rule then says *why* in words for the reject.
"""

from __future__ import annotations

import json
import logging
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from article_etl.quality import rules
from article_etl.quality.rules import RuleContext
from article_etl.quality.suites import PASS_RULE, Spec, Suite
from article_etl.records import DQResult

log = logging.getLogger(__name__)

DOCS_SITE = "article_etl"
DEFAULT_CHUNK_ROWS = 5000
# GX loggers that are chatty at INFO (214 "Skipping registering function" lines at import alone).
_GX_LOGGERS = ("great_expectations", "great_expectations.data_context.types.base")


class SuiteError(RuntimeError):
    """A suite could not be evaluated (an expectation raised): the task fails rather than passing
    rows unchecked."""


@dataclass(frozen=True)
class RowFailure:
    """One row failing one row-level expectation, as a reject will say it."""

    expectation: str
    code: str
    detail: str


@dataclass
class ExpectationSummary:
    """One expectation over the whole batch (all chunks): what ``dq_results`` keeps."""

    name: str
    success: bool = True
    element_count: int = 0
    unexpected_count: int = 0
    observed: list[Any] = field(default_factory=list)

    @property
    def observed_value(self) -> str:
        """GX's observed value when it reports one (pair/between expectations), else the share of
        unexpected rows; as JSON text, since its type depends on the expectation."""
        if self.observed:
            value = self.observed[0] if len(self.observed) == 1 else self.observed
            return json.dumps(value, default=str, ensure_ascii=False)[:255]
        share = self.unexpected_count / self.element_count if self.element_count else 0.0
        return json.dumps({"unexpected_fraction": round(share, 6)})


@dataclass
class SuiteOutcome:
    """The result of one suite over one batch: per-row failures (by position) and summaries."""

    suite: str
    rows: int = 0
    failures: dict[int, list[RowFailure]] = field(default_factory=dict)
    summaries: list[ExpectationSummary] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)

    def rejected_by(self, name: str) -> int:
        return sum(1 for fs in self.failures.values() if fs[0].expectation == name)

    def dq_results(self, *, ds: str, source_id: str, stage: str, run_id: str) -> list[DQResult]:
        """One ``dq_results`` row per expectation of this outcome (every stage writes them alike)."""
        return [
            DQResult(
                ds=ds,
                source_id=source_id,
                stage=stage,
                expectation=summary.name,
                success=summary.success,
                element_count=summary.element_count,
                unexpected_count=summary.unexpected_count,
                suite=self.suite,
                run_id=run_id,
                observed_value=summary.observed_value,
            )
            for summary in self.summaries
        ]


@dataclass
class _Runtime:
    gx: Any
    context: Any
    batch_definition: Any
    docs_folder: Path
    suites: dict[str, tuple[tuple[Spec, ...], Any]] = field(default_factory=dict)


_RUNTIMES: dict[Path, _Runtime] = {}
# A GX context is not thread-safe (its batch definition holds the dataframe of the batch being
# read): two stages validating in threads of one process take turns.
_GX_LOCK = threading.RLock()


def quiet_gx_logs() -> None:
    """Silence Great Expectations' INFO chatter; call before importing it (and again after)."""
    for name in _GX_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def _runtime(docs_folder: Path) -> _Runtime:
    """The process's Great Expectations set-up for ``docs_folder`` (built once, then reused)."""
    with _GX_LOCK:
        cached = _RUNTIMES.get(docs_folder)
        if cached is not None:
            return cached
        runtime = _new_runtime(docs_folder)
        _RUNTIMES[docs_folder] = runtime
        return runtime


def _new_runtime(docs_folder: Path) -> _Runtime:
    quiet_gx_logs()
    # GX imports deprecated stdlib modules (sre_constants, sre_parse): noise in every task log.
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"great_expectations(\.|$)")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    import article_etl.quality.gx_expectations  # noqa: F401  (registers the custom expectation)
    from article_etl.quality.docs_views import site_views

    quiet_gx_logs()
    # The per-batch fingerprint hashes every cell; off, memory stays flat (LIBRARY_NOTES §A.6).
    pandas_execution_engine.HASH_THRESHOLD = 0  # type: ignore[attr-defined]
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    docs_folder.mkdir(parents=True, exist_ok=True)
    site_config: Any = {  # GX's TypedDict for it lists fewer keys than its SiteBuilder takes
        "class_name": "SiteBuilder",
        # GX's views, compiling each template once per process instead of once per page.
        **site_views(),
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(docs_folder),
        },
    }
    context.add_data_docs_site(site_name=DOCS_SITE, site_config=site_config)
    batch_definition = (
        context.data_sources.add_pandas("article_etl")
        .add_dataframe_asset("records")
        .add_batch_definition_whole_dataframe("batch")
    )
    return _Runtime(gx, context, batch_definition, docs_folder)


def _gx_suite(runtime: _Runtime, suite: Suite) -> Any:
    """The GX suite object for ``suite``, rebuilt only when its specs changed (a new threshold)."""
    cached = runtime.suites.get(suite.name)
    if cached is not None and cached[0] == suite.specs:
        return cached[1]
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    expectations = [
        ExpectationConfiguration(type=spec.type, kwargs=spec.kwargs, meta={"name": spec.name}).to_domain_obj()
        for spec in suite.specs
    ]
    if cached is not None:
        runtime.context.suites.delete(suite.name)
    gx_suite = runtime.context.suites.add(
        runtime.gx.ExpectationSuite(name=suite.name, expectations=expectations)
    )
    runtime.suites[suite.name] = (suite.specs, gx_suite)
    return gx_suite


class SuiteRun:
    """One suite over one batch, fed a chunk at a time so the caller can stream the batch: each
    ``chunk`` returns that chunk's failing rows (by position in the chunk) and the caller writes
    its records out before reading the next; ``finish`` gives the batch's outcome."""

    def __init__(
        self, suite: Suite, *, context: RuleContext, docs_folder: Path, run_name: str, batch_name: str
    ):
        self.suite = suite
        self.context = context
        self.run_name = run_name
        self.batch_name = batch_name
        self.runtime = _runtime(docs_folder)
        with _GX_LOCK:
            self.gx_suite = _gx_suite(self.runtime, suite)
        self.outcome = SuiteOutcome(suite.name)
        self._summaries = {spec.name: ExpectationSummary(spec.name) for spec in suite.specs}
        self.outcome.summaries = list(self._summaries.values())
        self._seen: dict[str, set[Any]] = {}
        self._order = {spec.name: i for i, spec in enumerate(suite.specs)}
        self._chunks = 0
        self._last: Any = None

    def chunk(self, records: Sequence[Any], rows: Sequence[dict[str, Any]]) -> dict[int, list[RowFailure]]:
        """Validate one chunk (``records[i]`` is the record behind ``rows[i]``)."""
        import pandas as pd

        frame = pd.DataFrame(list(rows), dtype=object)
        if frame.empty:
            frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in _columns(self.suite)})
        failures: dict[int, list[RowFailure]] = {}
        with _GX_LOCK, rules.evaluating(records, self.context) as evaluation:
            result = self.runtime.batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
                self.gx_suite,
                result_format={
                    "result_format": "COMPLETE",
                    "unexpected_index_column_names": [self.suite.id_column],
                    "return_unexpected_index_query": False,
                },
            )
            positions = _positions(frame, self.suite.id_column)
            for res in result.results:
                spec = _spec_of(self.suite, res)
                _summarise(self._summaries[spec.name], res)
                if spec.row_level:
                    for pos in _failing_positions(
                        spec, res, self.suite.id_column, positions, frame, self._seen
                    ):
                        failure = _row_failure(spec, pos, evaluation, rows[pos])
                        if failure is not None:
                            failures.setdefault(pos, []).append(failure)
        for pos, fs in failures.items():
            fs.sort(key=lambda f: self._order[f.expectation])
            self.outcome.failures[self.outcome.rows + pos] = fs
        self._chunks += 1
        self.outcome.rows += len(rows)
        if not self.outcome.docs and not result.success:
            # One page per batch (rendering is slow): the first chunk that failed, else the last.
            self.outcome.docs.append(self._docs(result))
            self._last = None
        elif not self.outcome.docs:
            self._last = result
        return failures

    def finish(self) -> SuiteOutcome:
        """The batch's outcome; validates an empty frame if no chunk came (every expectation is
        still reported), and renders the last chunk when none failed."""
        if self._chunks == 0:
            self.chunk([], [])
        if not self.outcome.docs and self._last is not None:
            self.outcome.docs.append(self._docs(self._last))
        self._last = None
        return self.outcome

    def _docs(self, result: Any) -> str:
        with _GX_LOCK:
            return _write_docs(
                self.runtime, result, self.suite.name, self.run_name, f"{self.batch_name}-{self._chunks}"
            )


def validate(
    suite: Suite,
    records: Sequence[Any],
    rows: Sequence[dict[str, Any]],
    *,
    context: RuleContext,
    docs_folder: Path,
    run_name: str,
    batch_name: str,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> SuiteOutcome:
    """Validate ``rows`` already in memory (the columns GX sees; ``records[i]`` is the record
    behind ``rows[i]``), ``chunk_rows`` at a time. Streaming callers use ``SuiteRun``."""
    run = SuiteRun(suite, context=context, docs_folder=docs_folder, run_name=run_name, batch_name=batch_name)
    for start in range(0, len(rows), chunk_rows):
        run.chunk(records[start : start + chunk_rows], rows[start : start + chunk_rows])
    return run.finish()


def _columns(suite: Suite) -> list[str]:
    cols = {suite.id_column}
    for spec in suite.specs:
        cols.update(v for k, v in spec.kwargs.items() if k in ("column", "column_A", "column_B"))
    return sorted(cols)


def _spec_of(suite: Suite, res: Any) -> Spec:
    """The spec behind a result (GX does not keep suite order: match by the name in ``meta``)."""
    name = (res.expectation_config.meta or {}).get("name") if res.expectation_config else None
    for spec in suite.specs:
        if spec.name == name:
            error = _error_of(res.exception_info)
            if error:
                raise SuiteError(f"expectation {name} of suite {suite.name} could not be evaluated: {error}")
            return spec
    raise SuiteError(f"suite {suite.name} returned a result for an unknown expectation {name!r}")


def _positions(frame: Any, id_column: str) -> dict[Any, list[int]]:
    out: dict[Any, list[int]] = {}
    if id_column in frame:
        for pos, value in enumerate(frame[id_column].tolist()):
            out.setdefault(value, []).append(pos)
    return out


def _failing_positions(
    spec: Spec,
    res: Any,
    id_column: str,
    positions: dict[Any, list[int]],
    frame: Any,
    seen: dict[str, set[Any]],
) -> list[int]:
    """Frame positions of the rows GX listed as unexpected for ``spec``."""
    listed: list[int] = []
    for entry in (res.result or {}).get("unexpected_index_list") or []:
        # Either one entry per row ({id: value, column: value}) or, with unexpected values
        # excluded, one entry holding every id ({id: [values]}).
        keys = entry.get(id_column) if isinstance(entry, dict) else entry
        for key in keys if isinstance(keys, list) else [keys]:
            listed.extend(positions.get(key, []))
    listed = sorted(set(listed))
    if not spec.keep_first:
        return listed
    column = spec.kwargs["column"]
    kept = seen.setdefault(spec.name, set())
    out: list[int] = []
    for pos in listed:
        value = frame[column].iloc[pos]
        if value in kept:
            out.append(pos)
        else:
            kept.add(value)
    return out


def _row_failure(
    spec: Spec, pos: int, evaluation: rules.Evaluation, row: dict[str, Any]
) -> RowFailure | None:
    if spec.type == PASS_RULE:
        rule_name = spec.kwargs["rule"]
        detail = evaluation.detail(rules.rule(rule_name), pos)
        if detail is None:
            return None
        return RowFailure(spec.name, rules.reason_code(rule_name, pos, evaluation), detail)
    column = spec.kwargs.get("column")
    value = row.get(column) if column else None
    shown = repr(value)[:120]
    return RowFailure(spec.name, spec.code, f"{column}={shown} fails {spec.type} {_shown_kwargs(spec)}")


def _shown_kwargs(spec: Spec) -> str:
    return ", ".join(f"{k}={v}" for k, v in spec.kwargs.items() if k != "column")


def _summarise(summary: ExpectationSummary, res: Any) -> None:
    detail = res.result or {}
    summary.success = summary.success and bool(res.success)
    summary.element_count += int(detail.get("element_count") or 0)
    summary.unexpected_count += int(detail.get("unexpected_count") or 0)
    if "observed_value" in detail:
        summary.observed.append(detail["observed_value"])


def _error_of(info: Any) -> str | None:
    """The exception GX recorded for an expectation: kept flat or keyed by the failing metric."""
    if not isinstance(info, dict):
        return None
    entries = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    for entry in entries:
        if entry.get("raised_exception"):
            return str(entry.get("exception_message") or "unknown error")
    return None


def _write_docs(runtime: _Runtime, result: Any, suite_name: str, run_name: str, batch_name: str) -> str:
    """Render one validation result into the Data Docs site; its page's path."""
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    key = ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite_name),
        run_id=RunIdentifier(run_name=run_name),
        batch_identifier=batch_name,
    )
    runtime.context.validation_results_store.set(key, result)
    runtime.context.build_data_docs(site_names=[DOCS_SITE], resource_identifiers=[key])
    pages = sorted((runtime.docs_folder / "validations" / suite_name).glob(f"{run_name}/*/{batch_name}.html"))
    return str(pages[-1] if pages else runtime.docs_folder / "index.html")
