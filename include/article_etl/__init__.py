"""Article ETL: fetch news articles, clean them into fields, check them, load them.

The package mirrors the flow: ``fetch`` -> ``encoding`` -> ``extract`` -> ``clean`` ->
``quality`` -> ``warehouse``, with ``storage`` as the landing zone between stages and
``pipeline`` as the stage functions the DAG calls. Nothing here imports Airflow, so every
stage is testable without a scheduler.
"""

__version__ = "0.1.0"
