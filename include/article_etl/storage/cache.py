"""Files downloaded once and kept: a WARC archive named by URL (the ``warc`` route's ``url``).

Layout (known only here, like every landing-zone name): ``<root>/_cache/warc/<key>-<name>``,
where ``<key>`` is a hash of the URL as configured and ``<name>`` the URL's last path segment, so
a person listing the folder sees which archive is which. A file is written atomically (it
appears whole or not at all), so a file that is there is complete and is reused; delete it to
download again.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

from article_etl.storage.files import data_root

_FOLDER = ("_cache", "warc")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def archive_cache_path(url: str, root: Path | None = None) -> Path:
    """Where the download of ``url`` is kept."""
    key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    name = _SAFE.sub("_", urlsplit(url).path.rsplit("/", 1)[-1]).strip("._")[:100] or "archive.warc.gz"
    return (root or data_root()).joinpath(*_FOLDER, f"{key}-{name}")
