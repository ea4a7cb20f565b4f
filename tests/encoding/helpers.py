"""Builders for the encoding tests: real-looking HTML pages encoded at test time, and the seeds."""

from __future__ import annotations

from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[2] / "include" / "demo" / "seeds"


def seed(number: int) -> str:
    """The text of seed ``number`` (0-4), as the crawler left it."""
    (path,) = sorted(SEEDS_DIR.glob(f"{number:03d}_*.txt"))
    return path.read_text(encoding="utf-8")


def encodable(text: str, codec: str) -> str:
    """``text`` without the characters ``codec`` cannot encode (seeds carry NBSP and bullets)."""
    return text.encode(codec, "ignore").decode(codec)


def page(body: str, codec: str, *, meta: str | None = None, head: str = "") -> bytes:
    """An HTML page around ``body``, optionally declaring ``meta`` as its charset, in ``codec``."""
    declaration = f'<meta charset="{meta}">' if meta else ""
    html = f"<!DOCTYPE html><html><head>{declaration}<title>t</title>{head}</head><body><p>{body}</p></body></html>"
    return html.encode(codec)


def long_english_head(kilobytes: int = 24) -> str:
    """Kilobytes of ASCII scripts and metadata, as portals put before their article text."""
    line = '<script src="/static/js/vendor/jquery.min.js?v=20220914"></script>\n<meta name="keywords" content="news, local, portal">\n'
    return line * (kilobytes * 1024 // len(line))
