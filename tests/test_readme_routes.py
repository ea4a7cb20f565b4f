"""The README's "Discovery routes" section: every YAML example in it is a valid config, and every
route kind has one.

Users copy these blocks into their sources file; an example that no longer validates (a field
renamed, a kind added without documentation) is a broken promise, so the examples are checked
against the same pydantic models ``check-config`` uses, not read by eye.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml

from article_etl.config import DiscoveryConfig, Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def _yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", _section("Discovery routes"), flags=re.S)


def _sources(block: str) -> list[dict[str, Any]]:
    """A block is either ``discovery: ...`` (one route, or a list) or a list of sources."""
    data = yaml.safe_load(block)
    if isinstance(data, dict) and "discovery" in data:
        return [{"id": "example", "name": "Example", "lang": "en", **data}]
    assert isinstance(data, list), f"a README example is neither a discovery nor a source list:\n{block}"
    return data


def _kinds(sources: list[dict[str, Any]]) -> set[str]:
    out = set()
    for source in sources:
        routes = source["discovery"]
        out |= {route["kind"] for route in (routes if isinstance(routes, list) else [routes])}
    return out


@pytest.mark.parametrize("block", _yaml_blocks())
def test_each_route_example_is_a_valid_config(block: str) -> None:
    settings = Settings.model_validate({"sources": _sources(block)})
    assert settings.sources


def test_every_route_kind_has_an_example() -> None:
    documented = set().union(*(_kinds(_sources(block)) for block in _yaml_blocks()))
    kinds = {
        typing.get_args(model.model_fields["kind"].annotation)[0]
        for model in typing.get_args(DiscoveryConfig)
    }
    assert kinds - documented == set(), "route kinds without a README example"
