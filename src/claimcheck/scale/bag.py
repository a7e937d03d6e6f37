"""Dask bags of documents -> bags of report records, and writing them out (JSONL + a summary).

An item of the bag may be a ``Document``, a text (``str``; a ``scheme://`` string is a URL), a
``(source, text)`` pair, a dict with ``text`` and ``id`` keys (a row of a dataframe:
``df.to_bag(format="dict")``), or a ``pathlib.Path`` to a file, a folder or a web archive,
read on the worker (so paths must be where the workers can read them; one archive or folder
per item spreads a crawl over the cluster). A record is the object of one ``--format jsonl``
line (README, "JSON output"), so ``write_jsonl`` writes the bytes a serial run writes.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..ingest import InputOptions, is_url, iter_documents
from ..render.json import SCHEMA_VERSION, tool_dict
from ..ruleset import RuleSet, load_rules
from ..types import Document
from ..version import __version__
from .engine import CheckerSpec, worker_checker

#: partitions computed at once per worker thread while writing in order
WINDOW_PER_WORKER = 2
SUMMARY_COLUMNS = ("rank", "score", "grade", "red_flags", "source", "error")


def check_bag(items: Any, *, rules: RuleSet | None = None, model: str | None = None,
              detector: str = "both", text_field: str = "text", id_field: str = "id",
              max_bytes: int | None = None,
              factory: Callable[[RuleSet, str | None, str], Any] | None = None) -> Any:
    """A bag of report records, in the bag's order, from a bag of documents (see above).

    Each worker process builds the Checker once, at its first partition."""
    import dask

    spec = CheckerSpec.of(rules if rules is not None else load_rules(), model, detector, factory)
    options = InputOptions(text_field=text_field, id_field=id_field) if max_bytes is None \
        else InputOptions(text_field=text_field, id_field=id_field, max_bytes=max_bytes)
    shared = dask.delayed(spec, traverse=False)  # one graph node, sent to each worker once
    records = items.map_partitions(check_partition, shared, options)
    records.claimcheck_input = (items, spec, options)  # for write_jsonl to retry item by item
    return records


def check_partition(items: Iterable[Any], spec: CheckerSpec,
                    options: InputOptions) -> list[dict[str, Any]]:
    """Check one partition's items with this process's Checker: their records, in order."""
    checker, lock = worker_checker(spec)
    tool = tool_dict(__version__, checker.rules.version, checker.model_version)
    with lock:
        return [{"schema_version": SCHEMA_VERSION, "tool": tool, **report.to_dict()}
                for report in checker.check_documents(_documents(items, options))]


def _documents(items: Iterable[Any], options: InputOptions) -> Iterator[Document]:
    for item in items:
        if isinstance(item, Document):
            yield item
        elif isinstance(item, os.PathLike) or (isinstance(item, str) and is_url(item)):
            yield from iter_documents([os.fspath(item)], options, {})
        elif isinstance(item, str):
            yield Document("<text>", item)
        elif isinstance(item, tuple) and len(item) == 2:
            yield Document(str(item[0]), str(item[1]))
        elif isinstance(item, dict):
            ident, text = item.get(options.id_field), item.get(options.text_field)
            source = "<record>" if ident is None or ident == "" else str(ident)
            yield Document(source, text) if isinstance(text, str) else Document(
                source, error=_no_text(options.text_field))
        else:
            yield Document(f"<{type(item).__name__}>", error=_no_text(options.text_field))


def _no_text(text_field: str) -> Any:
    from ..types import ErrorInfo

    return ErrorInfo("column", f"this item has no '{text_field}' text to check")


def json_line(record: dict[str, Any]) -> str:
    """One record as its JSONL line, byte for byte as ``--format jsonl`` writes it."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


@dataclass
class Summary:
    """The run's summary (as in ``--format json``) and its table, ranked lowest score first."""

    documents: int = 0
    errors: int = 0
    total: float = 0.0
    rows: list[tuple[int | None, str | None, int, str, str]] = field(default_factory=list)

    def add(self, record: dict[str, Any]) -> None:
        self.documents += 1
        error = record.get("error")
        if error:
            self.errors += 1
        if record.get("score") is not None:
            self.total += record["score"]
        counted = sum(1 for f in record.get("findings", ()) if f.get("counted"))
        self.rows.append((record.get("score"), record.get("grade"), counted,
                          record.get("source", ""), error["message"] if error else ""))

    def to_dict(self) -> dict[str, Any]:
        scored = self.documents - sum(1 for r in self.rows if r[0] is None)
        mean = round(self.total / scored, 1) if scored else None
        return {"documents": self.documents, "errors": self.errors, "mean_score": mean}

    def ranked(self) -> list[tuple[int | None, str | None, int, str, str]]:
        """Rows as the CLI ranks documents: lowest score first, failures last."""
        return sorted(self.rows, key=lambda r: (r[0] is None, r[0] or 0, r[3]))

    def write_csv(self, path: str | Path) -> None:
        """The ranked table as CSV (UTF-8 with a BOM, like ``--format csv``)."""
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(SUMMARY_COLUMNS)
            for rank, (score, grade, flags, source, error) in enumerate(self.ranked(), 1):
                writer.writerow([rank, "" if score is None else score, grade or "error",
                                 "" if error else flags, source, error])


def write_jsonl(records: Any, path: str | Path, *, summary: str | Path | None = None,
                ordered: bool = True) -> Summary:
    """Compute a bag of records and write it to one JSONL file, partition by partition, in the
    bag's order (``ordered=False``: as partitions finish); ``summary``: also the ranked table
    as CSV. Only a few partitions are held at once."""
    totals = Summary()
    with open(path, "w", encoding="utf-8", newline="") as handle:
        for part in _partitions(records, ordered):
            for record in part:
                handle.write(json_line(record))
                totals.add(record)
    if summary is not None:
        totals.write_csv(summary)
    return totals


def _partitions(records: Any, ordered: bool) -> Iterator[list[dict[str, Any]]]:
    """The bag's partitions as lists, computed a window at a time on the default client (or
    the bag's own scheduler when there is none)."""
    import dask

    parts = list(records.to_delayed())
    try:
        from distributed import as_completed, get_client

        client = get_client()
    except (ImportError, ValueError):
        for start in range(0, len(parts), 4):
            yield from dask.compute(*parts[start:start + 4])
        return
    threads = sum(client.nthreads().values()) or 1
    window = max(2, WINDOW_PER_WORKER * threads)
    todo = iter(enumerate(parts))
    index: dict[Any, int] = {}

    def start(n: int) -> list[Any]:
        started = []
        for i, part in _take(todo, n):
            future = client.compute(part)
            index[future.key] = i
            started.append(future)
        return started

    pending = start(window)
    if not ordered:
        done = as_completed(pending)
        for future in done:
            yield _result(client, records, index.pop(future.key), future)
            done.update(start(1))
        return
    while pending:
        future = pending.pop(0)
        yield _result(client, records, index.pop(future.key), future)
        pending.extend(start(1))


def _result(client: Any, records: Any, i: int, future: Any) -> list[dict[str, Any]]:
    """A partition's records; when its worker died, its items checked again one by one, so
    only an item that kills a worker again is lost (as an error record)."""
    try:
        return future.result()
    except Exception:  # noqa: BLE001 - KilledWorker, or a task lost with its worker
        if getattr(client, "status", "running") != "running":
            raise
        source = getattr(records, "claimcheck_input", None)
        if source is None:  # not a bag from check_bag: its items are not known here
            raise
    items, spec, options = source
    out: list[dict[str, Any]] = []
    singles = [(item, client.submit(check_partition, [item], spec, options, pure=False))
               for item in items.to_delayed()[i].compute()]
    for n, (item, single) in enumerate(singles):
        try:
            out.extend(single.result())
        except Exception as exc:  # noqa: BLE001 - this item kills its worker
            out.append(_lost(_item_source(item, f"<partition {i} item {n}>"), spec, exc))
    return out


def _item_source(item: Any, default: str) -> str:
    if isinstance(item, Document):
        return item.source
    if isinstance(item, os.PathLike) or (isinstance(item, str) and is_url(item)):
        return os.fspath(item)
    if isinstance(item, tuple) and len(item) == 2:
        return str(item[0])
    return default


def _lost(source: str, spec: CheckerSpec, exc: BaseException) -> dict[str, Any]:
    """The error record of an item that was not checked, with the tool versions of the run."""
    from .engine import failed

    model_version = ""
    if spec.detector != "rules":
        from ..classifier.model import shipped_model

        model_version = shipped_model().version
    tool = tool_dict(__version__, spec.rules.version, model_version)
    return {"schema_version": SCHEMA_VERSION, "tool": tool,
            **failed(Document(source), exc).to_dict()}


def _take(items: Iterator[Any], n: int) -> list[Any]:
    out = []
    for _ in range(n):
        try:
            out.append(next(items))
        except StopIteration:
            break
    return out
