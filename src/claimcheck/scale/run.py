"""`claimcheck check` at crawl scale: a streaming run, here (serial or ``--jobs``) or on Dask.

The CLI hands a run over here when ``--engine dask`` or ``--scheduler`` is given, or when an
input is a web archive or a folder holding one. Inputs are read lazily
(``ingest.iter_documents``), checked in input order and written as they come, through the
same renderers as any run, so the output is byte-identical to a serial run. Nothing is held
per document for formats whose end of run reads no document (jsonl, line, github, csv), so a
multi-GB archive runs in flat memory; the ranked summary of text and markdown keeps each report
without its text, and whole-run formats (json, html, sarif) keep every report, as they must.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields
from typing import Any

from ..checker import Checker
from ..errors import UsageError
from ..ingest import InputOptions, iter_documents
from ..ingest.warc import is_archive
from ..types import EXIT_ERROR, EXIT_FAIL, EXIT_OK, DocumentReport, Severity
from .engine import CheckerSpec, DaskEngine, import_distributed

ENGINES = ("local", "dask")
#: formats that never show the checked text, so workers need not send it back
_NO_TEXT = {"jsonl", "json"}
#: seconds to wait for a scheduler given with --scheduler
CONNECT_TIMEOUT = 5.0


def wanted(settings: dict[str, Any], inputs: Sequence[str]) -> bool:
    """Does this run go through the streaming runner (Dask, or a web archive among inputs)?"""
    engine = str(getattr(settings.get("engine"), "value", settings.get("engine")) or "local")
    if engine not in ENGINES:
        raise UsageError(f"unknown --engine {engine!r}; use local or dask")
    if engine == "dask" or settings.get("scheduler"):
        return True
    return any(is_archive(item) or _holds_archive(item, settings) for item in inputs)


def _holds_archive(item: str, settings: dict[str, Any]) -> bool:
    """Is ``item`` a folder with a web archive in it (the scan stops at the first one)?"""
    from pathlib import Path

    from ..ingest.files import ARCHIVE_SUFFIXES
    from ..ingest.walk import walk

    if "://" in item or not Path(item).is_dir():
        return False
    found = walk(Path(item), ARCHIVE_SUFFIXES, {}, include=settings.get("include") or (),
                 exclude=settings.get("exclude") or ())
    return any(isinstance(path, Path) for path in found)


def run_check(s: dict[str, Any], checker: Checker, inputs: Sequence[str],
              options: InputOptions, fmt: str) -> int:
    """Check ``inputs`` as the CLI's ``check`` does, streaming; returns the exit code."""
    skipped: dict[str, int] = {}
    documents = iter_documents(inputs, options, skipped)
    first = next(documents, None)
    if first is None:
        raise UsageError("no checkable files found (looked for .txt .md .markdown .text .html "
                         ".htm .csv .jsonl .pdf .warc .warc.gz .arc .arc.gz)")
    docs = itertools.chain([first], documents)
    try:
        with _reports(s, checker, fmt) as check:
            return _write(s, checker, fmt, check(docs))
    finally:
        if skipped:  # known only once every input was read
            counts = ", ".join(f"{n} {what}" for what, n in sorted(skipped.items()))
            print(f"claimcheck: skipped files of other types: {counts}", file=sys.stderr)


@contextlib.contextmanager
def _reports(s: dict[str, Any], checker: Checker, fmt: str) -> Iterator[Any]:
    """A function from documents to reports in input order, for the engine asked for."""
    if str(getattr(s.get("engine"), "value", s.get("engine"))) == "dask" or s.get("scheduler"):
        detector = str(getattr(s["detector"], "value", s["detector"]))  # a plain str travels
        spec = CheckerSpec.of(checker.rules, s["model"], detector)
        with connect(s.get("scheduler"), s["jobs"] if s["jobs"] > 1 else os.cpu_count() or 1
                     ) as client:
            engine = DaskEngine(client, spec, keep_text=fmt not in _NO_TEXT)
            try:
                yield engine.check
            finally:
                engine.close()
        return
    if s["jobs"] > 1:
        from ..parallel import check_parallel

        yield lambda docs: check_parallel(checker, docs, s["jobs"], s["model"],
                                          keep_text=fmt not in _NO_TEXT)
        return
    yield checker.check_documents


@contextlib.contextmanager
def connect(scheduler: str | None, workers: int = 2,
            timeout: float = CONNECT_TIMEOUT) -> Iterator[Any]:
    """A dask.distributed Client: to the scheduler at ``scheduler``, or else to a LocalCluster
    of ``workers`` single-threaded processes on 127.0.0.1, closed at the end."""
    distributed = import_distributed()
    # a dead worker is reported as its document's error record; Dask's own log lines about it
    # (and its tracebacks) would only repeat that on stderr
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout=timeout, set_as_default=False)
        except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, ValueError...
            reason = " ".join(str(exc).split())[:160] or type(exc).__name__
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {reason}"
                             ) from None
        with contextlib.closing(client):
            yield client
        return
    import dask

    # a document that kills its worker is tried twice, not four times (see engine.py)
    try:
        with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
            cluster = distributed.LocalCluster(
                n_workers=max(1, workers), threads_per_worker=1, processes=True,
                host="127.0.0.1", dashboard_address="127.0.0.1:0",
                silence_logs=logging.CRITICAL)
    except Exception as exc:  # noqa: BLE001 - e.g. no free port, workers that cannot start
        reason = " ".join(str(exc).split())[:160] or type(exc).__name__
        raise UsageError(f"could not start a local Dask cluster: {reason}") from None
    try:
        with distributed.Client(cluster, set_as_default=False) as client:
            yield client
    finally:
        cluster.close(timeout=10)


def _write(s: dict[str, Any], checker: Checker, fmt: str,
           reports: Iterable[DocumentReport]) -> int:
    """Render reports as they come, as the CLI does; the exit code of the run."""
    from ..output import FdWriter, open_output, whole_writes
    from ..render import SUMMARY_FORMATS, RenderContext, make_renderer

    output = s["output"]
    to_file = output not in ("-", "")
    fail_on = Severity(getattr(s["fail_on"], "value", s["fail_on"])) if s["fail_on"] else None
    out = open_output(output) if to_file else FdWriter(sys.stdout)
    try:
        renderer = make_renderer(fmt, out, _context(RenderContext, s, checker, to_file))
        if s["summary_only"] and fmt not in SUMMARY_FORMATS:
            print(f"claimcheck: note: --summary-only applies to {', '.join(SUMMARY_FORMATS)}; "
                  f"{fmt} is written in full", file=sys.stderr)
        kept: list[DocumentReport] = []
        errors = fails = False
        for report in _progress(reports, to_file or not sys.stdout.isatty()):
            with whole_writes():
                renderer.document(report)
            errors = errors or report.error is not None
            fails = fails or report.fails(s["fail_under"], fail_on)
            kept.append(report.slim(renderer.keeps))
        renderer.finish(checker.report(kept))
        out.flush()
    finally:
        if to_file:
            out.close()
    return EXIT_ERROR if errors else EXIT_FAIL if fails else EXIT_OK


def _context(cls: Any, s: dict[str, Any], checker: Checker, to_file: bool) -> Any:
    """The RenderContext the CLI gives its renderers: each field named like a setting takes
    that setting (summary_only, keep_fields...), so a new one needs no change here."""
    from ..version import __version__

    values: dict[str, Any] = {"color": False if to_file else s["color"], "to_file": to_file}
    for f in fields(cls)[3:]:
        if f.name not in values and f.name in s:
            value = s[f.name]
            values[f.name] = tuple(value or ()) if isinstance(f.default, tuple) else value
    values = {k: v for k, v in values.items() if k in {f.name for f in fields(cls)}}
    return cls(__version__, checker.rules.version, checker.model_version, **values)


def _progress(reports: Iterable[DocumentReport], wanted: bool) -> Iterator[DocumentReport]:
    """A count of documents checked on stderr, when it is a terminal and the report is not."""
    if not (wanted and sys.stderr.isatty()):
        yield from reports
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("checking", total=None)
        for report in reports:
            bar.advance(task)
            yield report

