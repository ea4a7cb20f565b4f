"""Progress people can see: bars on a terminal, the periodic log lines everywhere else."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Any

import pytest

from article_etl.config import Settings
from article_etl.progress_bar import terminal_progress
from article_etl.run import Day
from article_etl.stages import discover, fetch
from article_etl.stages.common import StageRun, progress_view
from tests.stages.helpers import rss

DAY = Day.of("2026-11-18", run_id="progress")
HTML = [("Content-Type", "text/html; charset=utf-8")]


def _settings(base: str) -> Settings:
    return Settings.model_validate(
        {
            "sources": [{"id": "s", "name": "S", "discovery": {"kind": "rss", "url": f"{base}/feed.xml"}}],
            "fetch": {"retries": 0, "allow_private_networks": ["127.0.0.1/32"], "per_host_delay_seconds": 0},
        }
    )


def _site(http_server: Any, pages: int = 6, missing: int = 2) -> str:
    routes: dict[str, tuple[int, list[tuple[str, str]], bytes]] = {}
    base = http_server(routes)
    for n in range(pages):
        routes[f"/{n}.html"] = (
            (404, HTML, b"gone") if n < missing else (200, HTML, f"<p>page {n}</p>".encode())
        )
    routes["/feed.xml"] = (
        200,
        [("Content-Type", "application/rss+xml")],
        rss([f"{base}/{n}.html" for n in range(pages)]),
    )
    return base


def _day(settings: Settings, root: Path) -> None:
    discover.run(settings, "s", DAY, root)
    fetch.run(settings, "s", DAY, root)


def test_on_a_terminal_each_stage_and_source_gets_a_bar_with_counts(http_server: Any, tmp_path: Path) -> None:
    settings = _settings(_site(http_server))
    out = io.StringIO()
    with terminal_progress(out, force=True) as shown:
        assert shown
        _day(settings, tmp_path)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue())  # without the colour codes
    fetch_rows = [line for line in text.splitlines() if line.startswith("fetch")]
    assert fetch_rows, text
    final = fetch_rows[-1]
    assert "fetch    s" in final
    assert "6/6" in final
    assert "2 rejected" in final
    assert re.search(r"\d+\.\d/s", final), final
    assert "4 passed on" in final
    assert any(line.startswith("discover s") and "6 passed on" in line for line in text.splitlines()), text


def test_piped_output_gets_no_bars_and_the_log_lines_stay(
    http_server: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(_site(http_server))
    out = io.StringIO()
    with caplog.at_level(logging.INFO, logger="article_etl.progress"), terminal_progress(out) as shown:
        assert not shown  # a StringIO is no terminal
        _day(settings, tmp_path)
    assert out.getvalue() == ""
    lines = [r.getMessage() for r in caplog.records if r.name == "article_etl.progress"]
    assert "fetch s ds=2026-11-18: 6 done, 4 passed on, 2 rejected" in " | ".join(lines), lines


class _Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, str, int, int, int]] = []

    def start(self, run: StageRun) -> None:
        self.events.append(("start", run.stage.value, 0, 0, 0))

    def update(self, run: StageRun, done: int, out: int) -> None:
        self.events.append(("update", run.stage.value, done, out, run.rejected))

    def finish(self, run: StageRun, done: int, out: int, *, failed: bool = False) -> None:
        self.events.append(("failed" if failed else "finish", run.stage.value, done, out, run.rejected))


def test_a_view_replaces_the_log_lines_and_sees_rejects_as_they_happen(
    http_server: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(_site(http_server))
    recorder = _Recorder()
    with caplog.at_level(logging.INFO, logger="article_etl.progress"), progress_view(recorder):
        _day(settings, tmp_path)
    assert [r for r in caplog.records if r.name == "article_etl.progress"] == []
    fetch_events = [e for e in recorder.events if e[1] == "fetch"]
    assert fetch_events[0][0] == "start"
    assert fetch_events[-1] == ("finish", "fetch", 6, 4, 2)
    # The first two pages are 404s: the first update already counts a reject (not only pages).
    assert fetch_events[1][0] == "update"
    assert fetch_events[1][4] >= 1


def test_a_failed_stage_says_so_on_its_row(http_server: Any, tmp_path: Path) -> None:
    routes: dict[str, tuple[int, list[tuple[str, str]], bytes]] = {}
    base = http_server(routes)
    routes["/feed.xml"] = (503, HTML, b"busy")
    recorder = _Recorder()
    with progress_view(recorder), pytest.raises(RuntimeError):
        discover.run(_settings(base), "s", DAY, tmp_path)
    assert recorder.events[-1][0] == "failed"
