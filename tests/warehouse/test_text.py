"""Text that breaks naive loaders, on every dialect and through every load path (COPY included):
4-byte characters, bodies far over MySQL's 64 KB TEXT, NUL, SQL-looking text, COPY's own escapes."""

from __future__ import annotations

from sqlalchemy import Engine, select

from article_etl.warehouse.schema import articles
from tests.warehouse.helpers import load, make_article, snapshot

TRICKY = [
    "古籍𠀀𪚥𩸽 emoji 😀 and U+10FFFF \U0010fffd",
    "'); DROP TABLE articles; -- \" OR 1=1; /* */ $$ $tag$ %s %(x)s ? :name",
    "tab\tnewline\ncarriage\rbackslash\\N \\. end-of-copy\n\\.\nafter",
    "中文" * 20,
]


def test_tricky_text_is_stored_exactly(warehouse: Engine) -> None:
    batch = [make_article(f"http://x/{i}", text * 10, title=text[:60]) for i, text in enumerate(TRICKY)]
    result = load(warehouse, batch)
    assert result.loaded == len(batch)
    with warehouse.connect() as conn:
        stored = {
            row.url: (row.title, row.body)
            for row in conn.execute(select(articles.c.url, articles.c.title, articles.c.body))
        }
    for art in batch:
        assert stored[art.url] == (art.title, art.body)
    first = snapshot(warehouse)
    load(warehouse, batch)
    assert snapshot(warehouse) == first


def test_a_huge_body_loads_whole(warehouse: Engine) -> None:
    """3 MB of 4-byte characters: 50 times what a MySQL TEXT column holds."""
    body = "𠀀文" * 500_000
    art = make_article("http://x/huge", body)
    assert load(warehouse, [art]).loaded == 1
    with warehouse.connect() as conn:
        assert conn.execute(select(articles.c.body)).scalar() == body


def test_a_nul_costs_nothing_but_the_nul(warehouse: Engine) -> None:
    art = make_article("http://x/nul", "前\x00后" * 50)
    assert load(warehouse, [art]).loaded == 1
    with warehouse.connect() as conn:
        row = conn.execute(select(articles.c.body, articles.c.repairs)).one()
    assert row.body == "前后" * 50
    assert "body:unstorable_removed" in row.repairs
