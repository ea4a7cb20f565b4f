from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import Engine, select

from article_etl.config import Source
from article_etl.quality.checks import split_duplicates
from article_etl.quality.near_duplicates import distance, simhash
from article_etl.warehouse import load_partition
from article_etl.warehouse.schema import articles, rejects
from tests.warehouse.test_load import DS, make_article

SEEDS = sorted((Path(__file__).resolve().parents[2] / "include" / "demo" / "seeds").glob("00*.txt"))
STORY = SEEDS[2].read_text(encoding="utf-8")


def syndicated(text: str) -> str:
    """What a second site does to a story: a source line added, the footer cut."""
    lines = text.splitlines()
    return "\n".join([*lines[:5], "(来源: 肇庆日报 转载)", *lines[5:-3]])


def test_syndicated_copy_is_close_and_other_stories_are_far() -> None:
    assert distance(simhash(STORY), simhash(syndicated(STORY))) <= 4
    others = [p.read_text(encoding="utf-8") for p in SEEDS if p != SEEDS[2]]
    assert min(distance(simhash(STORY), simhash(o)) for o in others) > 16


def test_english_text_uses_word_shingles() -> None:
    story = " ".join(
        f"The ferry council met on day {i} to discuss winter fares and the harbour." for i in range(30)
    )
    assert distance(simhash(story), simhash(story + " Reporting by Jane Doe.")) <= 4
    assert distance(simhash(story), simhash(story.replace("ferry", "library").replace("fares", "books"))) > 4


def _with_hash(url: str, body: str):  # type: ignore[no-untyped-def]
    return replace(make_article(url, body), simhash=simhash(body))


def test_near_duplicates_in_a_batch_keep_the_first_by_url() -> None:
    a, b = _with_hash("http://x/a", STORY), _with_hash("http://x/b", syndicated(STORY))
    kept, dups = split_duplicates([b, a], near_max=4)
    assert [k.url for k in kept] == ["http://x/a"]
    assert [(d.url, o.url) for d, o in dups] == [("http://x/b", "http://x/a")]
    assert split_duplicates([b, a], near_max=-1)[1] == []


def test_a_story_syndicated_by_another_source_is_recorded_as_duplicate_of_the_kept_one(
    sqlite_engine: Engine,
) -> None:
    first = Source.model_validate(
        {"id": "xj", "name": "A", "discovery": {"kind": "rss", "url": "http://a/rss"}}
    )
    second = Source.model_validate(
        {"id": "zq", "name": "B", "discovery": {"kind": "rss", "url": "http://b/rss"}}
    )
    original = _with_hash("http://a/story", STORY)
    copy = replace(_with_hash("http://b/copy", syndicated(STORY)), source_id="zq")
    for source, batch in ((first, [original]), (second, [copy]), (second, [copy])):
        load_partition(
            sqlite_engine,
            source=source,
            ds=DS,
            batch=batch,
            partition_rejects=[],
            dq_rows=[],
            counts={},
            run_id="r",
            near_duplicate_max_distance=4,
        )
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(articles.c.url)).scalars().all() == ["http://a/story"]
        row = conn.execute(
            select(rejects.c.source_id, rejects.c.reason, rejects.c.url, rejects.c.detail)
        ).one()
    assert (row.source_id, row.reason, row.url) == ("zq", "duplicate", "http://b/copy")
    assert "near-duplicate of http://a/story" in row.detail


def test_the_simhash_index_finds_exactly_what_a_pairwise_scan_finds() -> None:
    """Random hashes, many of them a few bits from each other: for every distance limit the
    index returns the same (distance, item) pairs, in the same order, as comparing every pair."""
    import random

    from article_etl.identity import SimHashIndex

    rng = random.Random(16)
    stored: list[str] = []
    for _ in range(400):
        base = (
            int(stored[rng.randrange(len(stored))], 16)
            if stored and rng.random() < 0.7
            else rng.getrandbits(64)
        )
        for _ in range(rng.randrange(0, 8)):
            base ^= 1 << rng.randrange(64)
        stored.append(f"{base:016x}")
    for limit in (0, 1, 4, 9, 16):
        index: SimHashIndex[int] = SimHashIndex(limit)
        for i, h in enumerate(stored):
            index.add(h, i)
        for query in stored[::7]:
            scan = [(distance(query, h), i) for i, h in enumerate(stored) if distance(query, h) <= limit]
            assert index.within(query) == scan
        assert any(len(index.within(q)) > 1 for q in stored), "the data must have near pairs"


def _simhash_by_the_definition(text: str) -> str:
    """SimHash written out bit by bit, shingles and all, as it was before the votes were counted
    with numpy and the shingles hashed in C: the stored fingerprints of earlier days must not change."""
    import hashlib
    import re
    import unicodedata

    from article_etl.clean.text import CJK_CHAR, is_cjk

    folded = unicodedata.normalize("NFKC", text).lower()
    if is_cjk(folded):
        cjk = CJK_CHAR.findall(folded)
        shingles = ["".join(cjk[i : i + 3]) for i in range(max(1, len(cjk) - 2))]
    else:
        words = re.findall(r"\w+", folded)
        shingles = [" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))]
    weights = [0] * 64
    for shingle in shingles:
        value = int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if value >> bit & 1 else -1
    return f"{sum(1 << bit for bit in range(64) if weights[bit] > 0):016x}"


def test_the_fast_simhash_gives_the_fingerprints_already_stored() -> None:
    texts = [
        "",
        "一",
        "市政府召开常务会议，研究部署冬季供暖和安全生产工作。" * 7,
        "The council said on Tuesday that the bridge would reopen in March, after repairs.",
        "Die Stadt teilte mit, dass die Brücke im März wieder öffnet. " * 30,
        "Мэрия сообщила, что мост откроется в марте.",
        "two words",
        "三个字",
        "两字",
        "one two three",
        "长江大桥\U00020000今日通车",  # a character outside CJK_CHAR's ranges is left out
    ]
    assert [simhash(t) for t in texts] == [_simhash_by_the_definition(t) for t in texts]
