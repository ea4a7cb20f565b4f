"""The `article-etl` command as a user runs it (a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "include" / "demo" / "seeds"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("article-etl")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, check=False)


def page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
        f"<div class='byline'>本报记者 王嘉晨 2026年11月18日 09:50</div><div class='content'>{body}</div></body></html>"
    )


def test_extract_reports_fields_encoding_and_checks(tmp_path: Path) -> None:
    clean_text = (SEEDS / "001_101c8f87ece41bfa.txt").read_text(encoding="utf-8").splitlines()
    corrupt_text = (SEEDS / "000_3bc365a88476bebb.txt").read_text(encoding="utf-8").splitlines()
    good = tmp_path / "good.html"
    good.write_bytes(page(clean_text[0], clean_text[1:6]).encode("gbk", errors="ignore"))
    bad = tmp_path / "bad.html"
    bad.write_bytes(page(corrupt_text[0], corrupt_text[1:12]).encode("utf-8"))
    out = run("extract", str(good), str(bad), "--url", "http://news.example.cn/a.html")
    assert out.returncode == 0, out.stderr
    first, second = (json.loads(line) for line in out.stdout.splitlines())
    assert set(first) >= {
        "url",
        "title",
        "body",
        "author",
        "published_at",
        "site_name",
        "lang",
        "encoding",
        "checks",
    }
    assert first["encoding"] == "gb18030"
    assert first["title"] == clean_text[0]
    assert first["author"] == "王嘉晨"
    assert first["published_at"] == "2026-11-18T01:50:00+00:00"
    assert first["checks"] == []
    assert second["encoding"] == "utf-8"
    assert "pinyin_artifact" in second["checks"]


def test_extract_honours_the_content_type_header(tmp_path: Path) -> None:
    path = tmp_path / "p.html"
    path.write_bytes("<html><body><h1>朱镕基</h1><p>正文</p></body></html>".encode("gbk"))
    out = run("extract", str(path), "--content-type", "text/html; charset=gbk")
    assert json.loads(out.stdout)["encoding"] == "gb18030"


def test_user_errors_are_one_line_not_a_traceback(tmp_path: Path) -> None:
    out = run("extract", str(tmp_path / "missing.html"))
    assert out.returncode == 2
    assert "missing.html" in out.stderr
    assert "Traceback" not in out.stderr
