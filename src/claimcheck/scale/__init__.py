"""Crawl scale: web archives and big batches streamed, on this machine or a Dask cluster.

``run`` is what ``claimcheck check --engine dask`` / ``--scheduler ADDRESS`` and web-archive
inputs go through: inputs read lazily, reports written in input order as they come. ``engine``
checks documents on dask.distributed workers, one Checker per worker process. ``bag`` is the
library form: a Dask bag of documents (texts, paths, URLs, web archives, dataframe rows) to a
bag of report records, and a writer for JSONL plus a summary table::

    from pathlib import Path

    import dask.bag as db
    from distributed import Client
    from claimcheck.scale import check_bag, write_jsonl

    client = Client("tcp://scheduler:8786")
    pages = db.from_sequence([Path("crawl-00.warc.gz"), Path("crawl-01.warc.gz")], npartitions=2)
    summary = write_jsonl(check_bag(pages), "results.jsonl", summary="ranked.csv")

dask and distributed are an extra (``pip install 'claimcheck[dask]'``); nothing here imports
them until it is used.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {"check_bag": "bag", "write_jsonl": "bag", "json_line": "bag", "Summary": "bag",
            "CheckerSpec": "engine", "DaskEngine": "engine", "connect": "run"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'claimcheck.scale' has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)
