"""The landing zone: run-scoped partitions, manifests, atomic files and retention.

This package is the only place that knows a folder or file name; stages ask it for a
``RunPartition`` and a ``Kind`` of output.
"""

from article_etl.storage.files import StorageError, atomic_writer, data_root, read_jsonl, write_jsonl
from article_etl.storage.listings import ListingState, StoredListing
from article_etl.storage.manifest import Manifest
from article_etl.storage.partition import (
    Attempt,
    Kind,
    PartitionError,
    Published,
    Retention,
    RunPartition,
    Stage,
    copy_published,
    data_docs_folder,
    latest_published,
    run_key,
    upstream,
)

__all__ = [
    "Attempt",
    "Kind",
    "ListingState",
    "Manifest",
    "PartitionError",
    "Published",
    "Retention",
    "RunPartition",
    "Stage",
    "StorageError",
    "StoredListing",
    "atomic_writer",
    "copy_published",
    "data_docs_folder",
    "data_root",
    "latest_published",
    "read_jsonl",
    "run_key",
    "upstream",
    "write_jsonl",
]
