"""Benchmarks and evaluation harnesses (not shipped with the ``article_etl`` package)."""
