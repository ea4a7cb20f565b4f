"""`make bench`'s harness end to end at a tiny N: the corpus on loopback, every stage and every
floor in its own process, and a JSON document with every row. Nothing here times anything."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from bench import corpus, day


def test_corpus_is_deterministic_and_holds_every_bad_case() -> None:
    first = [corpus.render(corpus.page(7, 2_000, i)) for i in range(0, 2_000, 97)]
    again = [corpus.render(corpus.page(7, 2_000, i)) for i in range(0, 2_000, 97)]
    assert first == again
    cases = corpus.expected_cases(7, 2_000)
    assert set(cases) == {"ok", *(case for case, _ in corpus.BAD_SHARES)}
    assert 0.85 < cases["ok"] / 2_000 < 0.95


def test_pages_are_in_their_sites_codecs() -> None:
    by_site = {}
    for i in range(40):
        p = corpus.page(16, 400, i)
        if p.case == "ok":
            by_site.setdefault(p.site.id, (p, corpus.render(p)))
    gbk_page, (status, ctype, body) = by_site["gbk"]
    assert status == 200
    assert ctype == "text/html"  # no charset in the header: the page must say
    assert gbk_page.article.paragraphs[0][:10].encode("gbk") in body
    big5_page, (_, _, body) = by_site["big5"]
    assert big5_page.article.paragraphs[0][:8].encode("big5") in body
    assert by_site["en"][1][1] == "text/html; charset=utf-8"


def test_listing_lists_every_page_of_the_day_once() -> None:
    n, base = 50, "http://127.0.0.1:1"
    listed = []
    for site in corpus.SITES:
        if site.route == "rss":
            body = corpus.rss(16, n, site, base).decode(site.charset)
        else:
            body = b"".join(corpus.child_sitemap(16, n, site, base, k) or b"" for k in range(3)).decode()
        listed += [int(i) for i in re.findall(r">[^<]*/a/(\d+)\.html</(?:loc|link)>", body)]
    assert sorted(listed) == list(range(n))


def test_a_tiny_day_gives_every_row(tmp_path: Path) -> None:
    out, kept = tmp_path / "bench.json", tmp_path / "day"
    code = day.main(["30", "--quick", "--jobs", "3", "--out", str(out), "--no-docs", "--keep", str(kept)])
    result = json.loads(out.read_text(encoding="utf-8"))
    assert code == 0, {
        k: v for part in ("stages", "references") for k, v in result[part].items() if "error" in v
    }
    has_pg = bool(os.environ.get(day.POSTGRES_ENV))
    for name in day.STAGES:
        row = result["stages"][name]
        if name == "load_postgresql" and not has_pg:
            assert row["error"].startswith("not measured")
            continue
        assert row["seconds"] > 0, name
        assert row["cpu_seconds"] > 0, name
        assert row["peak_rss_mb"] > 0, name
    # The clean stage's CPU counts its extraction worker's too (a separate process).
    assert result["stages"]["clean"]["children_cpu_seconds"] > 0
    for name in day.REFERENCES:
        row = result["references"][name]
        if name == "copy_postgresql" and not has_pg:
            continue
        assert row["seconds"] > 0, name
        assert row["items"] > 0, name
    stages, cases = result["stages"], result["corpus_cases"]
    assert stages["discover"]["counts"]["count"] == 30
    # Bad pages became rejects along the way, and what validate passed is what the load loaded.
    assert stages["fetch"]["counts"]["count"] == 30 - cases.get("not_found", 0)
    assert stages["validate"]["counts"]["count"] < stages["fetch"]["counts"]["count"]
    assert stages["load_sqlite"]["counts"]["loaded"] == stages["validate"]["counts"]["count"]
    assert result["references"]["fetch_requests"]["items"] == 30
    assert result["dag_parse_seconds"]["runs"] == 1
    section = day.table(result)
    for name in (*day.STAGES, "DAG file parse", "Targets"):
        assert name in section
    # --profile re-runs clean in the kept day under pyinstrument, its extraction workers included.
    assert day.main(["--profile", "clean", "--keep", str(kept)]) == 0
    assert "article_etl/stages/clean.py" in (kept / "profile-clean.txt").read_text(encoding="utf-8")
    assert "extract_article" in (kept / "profile-clean-worker.txt").read_text(encoding="utf-8")
    assert (kept / "profile-clean-worker.html").stat().st_size > 0


def test_the_scaling_table_sets_cpu_time_beside_wall_time() -> None:
    """Wall time per article that grows with N while CPU time stays flat is the machine's load:
    the table shows both (a run measured before CPU was recorded shows a dash)."""
    old = {"n": 1000, "stages": {"fetch": {"seconds": 5.0, "peak_rss_mb": 70.0}}}
    new = {"n": 10000, "stages": {"fetch": {"seconds": 80.0, "cpu_seconds": 30.0, "peak_rss_mb": 75.0}}}
    fetch_row = next(ln for ln in day.scaling_table([old, new]).splitlines() if ln.startswith("| fetch |"))
    assert [cell.strip() for cell in fetch_row.strip("|").split("|")] == [
        "fetch",
        "5.0",
        "8.0",
        "8.3",
        "—",
        "3.0",
        "70",
        "75",
    ]


def test_the_scaling_table_names_each_run_and_counts_the_extraction_worker() -> None:
    """Columns of different commits or loads say so, and the clean stage's CPU includes the
    extraction worker it waited for (where the run recorded it)."""
    old = {
        "n": 1000,
        "commit": "aaaaaaa",
        "started": "2026-12-05T21:00:00+00:00",
        "load_average_at_start": [5.3],
    }
    new = {
        "n": 10000,
        "commit": "bbbbbbb",
        "started": "2026-12-06T01:00:00+00:00",
        "load_average_at_start": [0.1],
    }
    old["stages"] = {"clean": {"seconds": 20.0, "cpu_seconds": 10.0, "peak_rss_mb": 90.0}}
    new["stages"] = {
        "clean": {"seconds": 50.0, "cpu_seconds": 30.0, "children_cpu_seconds": 20.0, "peak_rss_mb": 90.0}
    }
    table = day.scaling_table([old, new])
    assert "1,000 at `aaaaaaa`, 2026-12-05T21:00, load 5.3; 10,000 at `bbbbbbb`" in table
    clean_row = next(ln for ln in table.splitlines() if ln.startswith("| clean |"))
    cells = [cell.strip() for cell in clean_row.strip("|").split("|")]
    assert cells[4:6] == ["10.0", "5.0"]  # CPU ms/article: 10 s own; 30 s own + 20 s worker


def test_the_airflow_target_says_why_it_was_not_measured() -> None:
    # A run with `AIRFLOW=` has no Airflow rows; one whose `local` mode failed keeps the error.
    base = {"n": 10, "stages": {"clean": {"seconds": 1.0}}, "references": {}}
    base["dag_parse_seconds"] = {"median": 0.1, "max": 0.1, "runs": 1}
    skipped = [t for t in day.targets({**base, "airflow": {}}) if t.startswith("Airflow")]
    assert skipped == ["Airflow + GX overhead under 30%: not measured (this run skipped Airflow: `AIRFLOW=`)"]
    failed = day.targets({**base, "airflow": {"local": {"error": "failed: RuntimeError: boom"}}})
    assert "Airflow + GX overhead under 30%: not measured (failed: RuntimeError: boom)" in failed
    measured = day.targets({**base, "airflow": {"local": {"wall_seconds": 1.2}}})
    assert any(
        t.startswith("Airflow + GX overhead under 30% of in-process stage time: 20%") for t in measured
    )


def test_the_load_target_judges_the_upsert_path_and_the_table_splits_the_stage() -> None:
    """The issue's target is the upsert path against raw COPY of the same rows: judged from the
    load stage's own phases in the same run, while the whole stage's ratio and its fixed costs
    stay in the table. A run from before phases were recorded says so instead of guessing."""
    phases = {"upstream": 0.1, "warehouse_check": 0.2, "read": 0.2, "fit": 0.1, "upsert": 0.7}
    phases |= {"rejects": 0.3, "warehouse_suite": 3.0}
    load = {"seconds": 5.0, "process_seconds": 6.0, "peak_rss_mb": 300.0}
    pg = {**load, "phases": phases, "articles_in": 1_000}
    result = {
        "n": 1_000,
        "seed": 16,
        "started": "2026-12-05T23:00:00+00:00",
        "command": "make bench N=1000",
        "machine": "test",
        "machine_note": "test",
        "versions": {},
        "corpus_cases": {"ok": 1_000},
        "stages": {"load_sqlite": load, "load_postgresql": pg},
        "references": {"copy_postgresql": {"seconds": 1.0, "items": 1_000, "peak_rss_mb": 80.0}},
        "dag_parse_seconds": {"median": 0.1, "max": 0.1, "runs": 1},
        "wall_seconds": 60.0,
    }
    (target,) = [t for t in day.targets(result) if t.startswith("PostgreSQL load")]
    # 1,000 rows in read + fit + upsert = 1.0 s against COPY's 1,000 in 1.0 s; the stage is 0.20.
    assert target.startswith("PostgreSQL load at ≥ 0.8 of raw COPY: 1.00 (the upsert path")
    assert "the whole load stage 0.20" in target
    assert target.endswith("**met**")
    section = day.table(result)
    (path_row,) = [ln for ln in section.splitlines() if ln.startswith("| PostgreSQL upsert path")]
    assert path_row.split("|")[2:4] == [" 1,000 ", " 1.0 "]
    assert path_row.rstrip(" |").endswith("1.00")
    assert "Where `load_postgresql`'s 5.0 s went" in section
    assert "warehouse_suite 3.00" in section
    assert "outside the phases 0.40" in section
    assert "Where `load_sqlite`" not in section  # no phases recorded for it here: no line

    del pg["phases"]
    (before,) = [t for t in day.targets(result) if t.startswith("PostgreSQL load")]
    assert "upsert path was not recorded in this run" in before
    assert before.endswith("not measured")
    assert "PostgreSQL upsert path" not in day.table(result)
