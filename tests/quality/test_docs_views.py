"""Data Docs pages come out as Great Expectations renders them, with each template compiled once
per process (GX's own views build a new Jinja environment, and recompile, for every page)."""

from __future__ import annotations

import re
from pathlib import Path

from great_expectations.render.renderer import ValidationResultsPageRenderer
from great_expectations.render.view.view import DefaultJinjaPageView

from article_etl.quality import rules, suites
from article_etl.quality.docs_views import IndexPageView, PageView
from article_etl.quality.validation import _runtime, validate
from tests.quality.test_validation import CONTEXT, _batch

# What differs between two renderings of one page by design: element ids drawn at random and
# the render time GX puts in links.
_VOLATILE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{8}T\d{6}\.\d+Z")


def test_a_page_is_what_gx_renders_and_its_templates_compile_once(tmp_path: Path) -> None:
    batch = _batch()
    docs = tmp_path / "docs"
    outcome = validate(
        suites.clean_suite(),
        batch,
        rules.article_rows(batch),
        context=CONTEXT,
        docs_folder=docs,
        run_name="views",
        batch_name="xj",
    )
    assert Path(outcome.docs[0]).is_file()  # rendered through the site config's views
    store = _runtime(docs).context.validation_results_store
    (key,) = store.list_keys()

    def document() -> object:  # afresh for each rendering: rendering escapes its strings in place
        return ValidationResultsPageRenderer().render(store.get(key))

    ours, again = PageView(), PageView()
    assert ours.env is again.env  # one environment: a template compiled for a page is reused
    assert IndexPageView().env is not ours.env  # per view class (the index adds its own globals)
    first = ours.render(document())
    assert ours.env.cache is not None
    compiled = dict(ours.env.cache.items())
    assert compiled  # the page's templates, compiled by the first rendering
    assert again.render(document())
    assert {k: id(v) for k, v in ours.env.cache.items()} == {k: id(v) for k, v in compiled.items()}
    theirs = DefaultJinjaPageView().render(document())
    assert _VOLATILE.sub("~", first) == _VOLATILE.sub("~", theirs)
    assert batch[3].article_id in first
