"""``ExtractionWorker``: extraction in a real worker process, within a per-page time budget.

No mocks for the budget itself: slow pages are made slow by size (a 5,000-paragraph page under a
0.05 s budget), crashes by killing the real worker process.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from article_etl.config import CheckThresholds, Selectors
from article_etl.extract import ExtractedArticle, budget, extract_article
from article_etl.extract.budget import ExtractCrashed, ExtractFailed, ExtractionWorker, ExtractTimeout

GOLDEN = Path(__file__).parent / "golden"
REPO = Path(__file__).resolve().parents[2]
URL = "https://example.com/a/1.html"
TZ = "Asia/Shanghai"
DEFAULT_BUDGET = CheckThresholds().extract_budget_seconds
# Killing the worker and reporting takes a moment beyond the budget itself (SIGTERM, join).
SLACK_SECONDS = 3.0


def page(paragraphs: int, ending: str = "。") -> str:
    body = "\n".join(
        f"<p>县委书记在调研中强调要坚持以人民为中心的发展思想{i}{ending}</p>" for i in range(paragraphs)
    )
    return (
        "<html lang='zh'><head><title>县里召开乡村振兴工作会议_测试网</title></head><body>"
        "<h1>县里召开乡村振兴工作会议</h1><div class='info'>2024年03月05日 09:30 记者 王小明</div>"
        f"<div class='content'>{body}</div></body></html>"
    )


@pytest.fixture(scope="module")
def worker() -> Iterator[ExtractionWorker]:
    with ExtractionWorker(DEFAULT_BUDGET) as shared:
        yield shared


def extract(w: ExtractionWorker, html: str, selectors: Selectors | None = None) -> ExtractedArticle:
    return w.extract(html, URL, selectors=selectors, timezone=TZ, lang_hint=None)


@pytest.mark.parametrize("name", ["zh_div_trs_editor", "en_jsonld_story"])
def test_worker_result_equals_in_process_extraction(worker: ExtractionWorker, name: str) -> None:
    html = (GOLDEN / f"{name}.html").read_text(encoding="utf-8")
    selectors = Selectors(title="h1")
    assert extract(worker, html, selectors) == extract_article(html, URL, selectors=selectors, timezone=TZ)
    assert worker.pid is not None
    assert worker.pid != os.getpid()
    assert not worker.in_process
    assert worker.last_extraction_seconds is not None
    assert 0 < worker.last_extraction_seconds < DEFAULT_BUDGET


def test_5000_paragraph_page_finishes_within_the_default_budget(worker: ExtractionWorker) -> None:
    # Comma-ended paragraphs all join into one: the case that was quadratic (minutes). It now
    # takes ~1 s, so it must not raise ExtractTimeout under the default 20 s budget.
    article = extract(worker, page(5000, ending="，"))
    assert article.body is not None
    assert article.body.endswith("县委书记在调研中强调要坚持以人民为中心的发展思想4999，")


def test_slow_page_becomes_timeout_and_the_next_page_extracts(worker: ExtractionWorker) -> None:
    extract(worker, page(3))  # a running worker: its start-up is not part of any page's budget
    first_pid = worker.pid
    tiny = 0.05
    worker.budget_seconds = tiny
    try:
        start = time.perf_counter()
        with pytest.raises(ExtractTimeout, match=r"checks\.extract_budget_seconds=0\.05 s"):
            extract(worker, page(5000))  # ~1 s of work
        assert time.perf_counter() - start < tiny + SLACK_SECONDS
        assert worker.pid is None  # the overrunning worker is gone
        assert worker.last_extraction_seconds is None
    finally:
        worker.budget_seconds = DEFAULT_BUDGET  # a 0.05 s budget would be flaky for a real page
    assert extract(worker, page(3)) == extract_article(page(3), URL, timezone=TZ)
    assert worker.pid is not None
    assert worker.pid != first_pid


def test_extractor_exception_becomes_extract_failed(worker: ExtractionWorker) -> None:
    # An invalid per-source CSS selector raises inside extract_article, naming the selector. The
    # config refuses one since selectors are checked when the sources file is read, so it is built
    # here without validation: the worker must still turn an extractor's exception into a reject.
    with pytest.raises(ExtractFailed, match=r"^ValueError: CSS selector 'div\[\[\[' is not valid") as raised:
        extract(worker, page(3), Selectors.model_construct(body="div[[["))
    assert not isinstance(raised.value, ExtractCrashed)
    assert extract(worker, page(3)) == extract_article(page(3), URL, timezone=TZ)  # the same worker goes on


def test_worker_killed_mid_page_becomes_extract_crashed_and_the_next_page_extracts(
    worker: ExtractionWorker,
) -> None:
    extract(worker, page(3))
    pid = worker.pid
    assert pid is not None
    killer = threading.Timer(0.2, os.kill, (pid, signal.SIGKILL))  # as the kernel's OOM killer would
    killer.start()
    try:
        with pytest.raises(ExtractCrashed, match="SIGKILL"):
            extract(worker, page(5000, ending="，") * 3)  # ~3 s of work
    finally:
        killer.cancel()
    assert extract(worker, page(3)) == extract_article(page(3), URL, timezone=TZ)


def test_worker_that_died_while_idle_is_replaced_without_losing_the_page(worker: ExtractionWorker) -> None:
    extract(worker, page(3))
    pid = worker.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    assert extract(worker, page(3)) == extract_article(page(3), URL, timezone=TZ)
    assert worker.pid != pid


def test_without_a_worker_extraction_runs_in_process_and_warns_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def forbidden() -> None:
        raise PermissionError("sandbox: no new processes")

    monkeypatch.setattr(budget, "_start_worker", forbidden)
    monkeypatch.setattr(budget, "_warned_in_process", False)
    caplog.set_level(logging.WARNING, logger=budget.__name__)
    with ExtractionWorker(DEFAULT_BUDGET) as w:
        assert extract(w, page(3)) == extract_article(page(3), URL, timezone=TZ)
        assert w.in_process
        assert w.pid is None
        with pytest.raises(ExtractFailed, match=r"^ValueError: CSS selector"):
            extract(w, page(3), Selectors.model_construct(body="div[[["))
    with ExtractionWorker(DEFAULT_BUDGET) as again:
        extract(again, page(3))
    warnings = [r for r in caplog.records if "WITHOUT the per-page time budget" in r.getMessage()]
    assert len(warnings) == 1
    assert "PermissionError: sandbox: no new processes" in warnings[0].getMessage()


def _request(html: str) -> budget.Request:
    return (html, URL, None, TZ, None, None)


def test_extract_each_keeps_the_order_and_an_overrun_is_that_pages_outcome_alone() -> None:
    slow = page(20_000)  # ~2.6 s of work against a 1 s budget (a 3-paragraph page takes milliseconds)
    bad = Selectors.model_construct(body="div[[[")  # the extractor raises on it
    pages = [
        ("a", page(3), None),
        ("slow", slow, None),
        ("b", page(4), None),
        ("bad", page(3), bad),
        ("c", page(5), None),
    ]
    with ExtractionWorker(1.0) as w:
        seen = []
        for (name, html, _selectors), outcome in w.extract_each(
            pages, lambda p: (p[1], URL, p[2], TZ, None, None)
        ):
            seen.append(name)
            if name in ("a", "b"):
                # Pipelined: the next page is with the worker while the caller works on this one.
                assert w.busy
            if name == "slow":
                assert isinstance(outcome, ExtractTimeout)
            elif name == "bad":
                assert isinstance(outcome, ExtractFailed)
                assert not isinstance(outcome, ExtractCrashed)
                assert str(outcome).startswith("ValueError: CSS selector")
            else:
                assert outcome == extract_article(html, URL, timezone=TZ), name
        assert not w.busy
    assert seen == ["a", "slow", "b", "bad", "c"]


def test_extract_each_of_nothing_starts_no_worker() -> None:
    with ExtractionWorker(DEFAULT_BUDGET) as w:
        assert list(w.extract_each([], _request)) == []
        assert w.pid is None


def test_a_released_idle_worker_serves_the_next_extraction_worker_of_the_process() -> None:
    budget.stop_parked_worker()
    with ExtractionWorker(DEFAULT_BUDGET) as first:
        extract(first, page(3))
        pid = first.pid
    assert pid is not None
    assert not _gone(pid)  # parked, not stopped
    with ExtractionWorker(DEFAULT_BUDGET) as second:
        assert extract(second, page(3)) == extract_article(page(3), URL, timezone=TZ)
        assert second.pid == pid  # no second start-up
    budget.stop_parked_worker()
    assert _gone(pid)


def test_a_worker_released_while_it_holds_a_page_is_killed_not_parked() -> None:
    budget.stop_parked_worker()
    with ExtractionWorker(DEFAULT_BUDGET) as w:
        outcomes = w.extract_each([page(3), page(5000, ending="，") * 3], _request)
        next(outcomes)  # the slow page is now with the worker
        assert w.busy
        pid = w.pid
    assert pid is not None
    deadline = time.monotonic() + SLACK_SECONDS
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(pid)
    with ExtractionWorker(DEFAULT_BUDGET) as again:
        extract(again, page(3))
        assert again.pid != pid


def test_budget_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        ExtractionWorker(0)


ORPHAN_PARENT = """
import sys, threading
from article_etl.extract.budget import ExtractionWorker
from tests.extract.test_budget import page
worker = ExtractionWorker(60)
worker.extract(page(3), "https://example.com/a", selectors=None, timezone="UTC", lang_hint=None)
print(worker.pid, flush=True)
if sys.argv[1] == "busy":
    worker.extract(page(5000, ending="，") * 20, "https://example.com/a", selectors=None, timezone="UTC", lang_hint=None)
else:
    threading.Event().wait()
"""


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"  # a zombie has exited
    except FileNotFoundError:
        return True


@pytest.mark.parametrize("state", ["idle", "busy"])
def test_worker_exits_when_its_parent_dies(state: str) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", ORPHAN_PARENT, state], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    try:
        assert parent.stdout is not None
        worker_pid = int(parent.stdout.readline())
        time.sleep(0.5)  # busy: the worker is well into the ~6 s page
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 4  # the watchdog looks once a second
        while not _gone(worker_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(worker_pid), f"worker {worker_pid} outlived its parent ({state})"
    finally:
        parent.kill()
        parent.wait()
