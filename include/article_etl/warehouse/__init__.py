"""Warehouse stage: tables, engine, and the idempotent loader."""

from article_etl.warehouse.engine import get_engine, masked, normalise_url, warehouse_url
from article_etl.warehouse.load import LoadResult, load_partition

__all__ = ["LoadResult", "get_engine", "load_partition", "masked", "normalise_url", "warehouse_url"]
