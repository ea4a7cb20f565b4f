"""Article ETL: fetch news articles, clean them into fields, check them, load them.

The package mirrors the flow: ``stages`` holds one module per stage (discover, fetch, clean,
validate, load), each reading and publishing run-scoped partitions of ``storage``. Below them:
``records`` and ``codes`` (the shared vocabulary), ``encoding``, ``extract``/``clean``,
``quality``, ``fetch`` and ``warehouse``. Only ``orchestration`` touches Airflow, so every stage
is testable without a scheduler.
"""

__version__ = "0.1.0"
