"""The stages of one day for one source, one module each: discover, fetch, clean, validate, load.

Each ``run(settings, source_id, day, root)`` reads exactly what its upstream published for the
same run (``storage.RunPartition``), writes a fresh attempt of its own, and publishes it with a
manifest. They return small summaries (what XCom carries) and know nothing of Airflow.
"""
