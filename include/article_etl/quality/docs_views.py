"""Data Docs pages rendered with one Jinja environment per process, not one per page.

Great Expectations builds a new site builder, and with it a new Jinja ``Environment``, for every
``build_data_docs`` call, so each page recompiles the ~20 templates it uses: 0.6 s a page, most
of the warehouse suite's cost after the GX import (the load stage renders one page per suite and
source; profile in BENCHMARKS.md, "The load stage's phases and the upsert path"). These views are
GX's own (same templates, filters and output), named in the Data Docs site's config
(``quality.validation``); they keep the first environment they build, per view class and custom
folders, and reuse it, so a template is compiled once per process. A view holds no other state
than its folders and that environment, so sharing it between equivalent views changes nothing.
"""

from __future__ import annotations

from typing import Any

from great_expectations.render.view.view import (
    DefaultJinjaIndexPageView,
    DefaultJinjaPageView,
    DefaultJinjaView,
)

# The environment each view class built first, by (class, custom styles folder, custom views folder).
_ENVIRONMENTS: dict[tuple[type, Any, Any], Any] = {}


def _share_environment(view: DefaultJinjaView, base: type[DefaultJinjaView], styles: Any, views: Any) -> None:
    """Set ``view`` up as ``base`` does, reusing the environment an equivalent view built."""
    key = (type(view), styles, views)
    shared = _ENVIRONMENTS.get(key)
    if shared is None:
        base.__init__(view, styles, views)
        _ENVIRONMENTS[key] = view.env
        return
    view.custom_styles_directory = styles
    view.custom_views_directory = views
    view.env = shared


class PageView(DefaultJinjaPageView):
    """GX's page view (validation results, suites) with the process's shared environment."""

    def __init__(self, custom_styles_directory: Any = None, custom_views_directory: Any = None) -> None:
        _share_environment(self, DefaultJinjaPageView, custom_styles_directory, custom_views_directory)


class IndexPageView(DefaultJinjaIndexPageView):
    """GX's index page view with the process's shared environment."""

    def __init__(self, custom_styles_directory: Any = None, custom_views_directory: Any = None) -> None:
        _share_environment(self, DefaultJinjaIndexPageView, custom_styles_directory, custom_views_directory)


def site_views() -> dict[str, Any]:
    """The ``site_index_builder`` and ``site_section_builders`` entries of a Data Docs site
    config that render with these views (GX merges them into its defaults)."""
    page = {"module_name": __name__, "class_name": PageView.__name__}
    index = {"module_name": __name__, "class_name": IndexPageView.__name__}
    return {
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder", "view": index},
        "site_section_builders": {
            section: {"view": page} for section in ("expectations", "validations", "profiling")
        },
    }
