"""Warehouse dialects as plug-ins: one module per database, chosen by the URL's dialect name.

Every module of this package (but ``base``) defines ``DIALECT``, an instance of
``base.Dialect`` whose ``names`` are the SQLAlchemy dialect names it serves. Adding a database
is one new module here plus its entry in the test matrix (``tests/warehouse/conftest.py``).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from article_etl.warehouse.dialects.base import Capabilities, Dialect, WarehouseSetupError

__all__ = ["Capabilities", "Dialect", "WarehouseSetupError", "capabilities_for", "dialect_for", "known"]


@cache
def known() -> dict[str, Dialect]:
    """Every dialect shipped in this package, by SQLAlchemy dialect name."""
    out: dict[str, Dialect] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        dialect: Dialect = module.DIALECT
        for name in dialect.names:
            out[name] = dialect
    return out


def dialect_for(name: str) -> Dialect:
    """The dialect for a SQLAlchemy dialect name (``engine.dialect.name`` or a URL's backend)."""
    try:
        return known()[name]
    except KeyError:
        raise WarehouseSetupError(
            f"warehouse dialect {name!r} is not supported; use one of {', '.join(sorted(known()))}"
        ) from None


def capabilities_for(name: str) -> Capabilities:
    return dialect_for(name).capabilities
