"""`claimcheck check`: a streaming run, here (serial or ``--jobs``) or on Dask.

Every run of the CLI's ``check`` comes here. Inputs are read lazily
(``ingest.iter_documents``), checked in input order and written as they come, through the
renderers, so the output is byte-identical whichever engine checks it. Of each report only what
the renderer's end of run reads is kept (``Renderer.keeps``: counts for json, jsonl, csv, line
and github; a ranked summary row for text, markdown, html and sarif, which spool each
document's part to a temporary file until their summary is written), so a folder of 10,000
pages or a multi-GB archive runs in flat memory. ``--jobs 0``
(the default) forks one process per core once the first 8 documents are in.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import fields
from typing import Any, TypeVar

from ..checker import Checker
from ..errors import UsageError
from ..ingest import InputOptions, iter_documents
from ..render import SUMMARY_FORMATS, Encoded, Encoder, RenderContext, make_renderer
from ..types import EXIT_ERROR, EXIT_FAIL, EXIT_OK, Document, DocumentReport, Severity
from .engine import CheckerSpec, DaskEngine, import_distributed

ENGINES = ("local", "dask")
_Item = TypeVar("_Item")
#: seconds to wait for a scheduler given with --scheduler
CONNECT_TIMEOUT = 5.0


def engine_of(settings: dict[str, Any]) -> str:
    """The engine asked for (``--engine``, or dask when a ``--scheduler`` is given)."""
    engine = str(getattr(settings.get("engine"), "value", settings.get("engine")) or "local")
    if engine not in ENGINES:
        raise UsageError(f"unknown --engine {engine!r}; use local or dask")
    return "dask" if settings.get("scheduler") else engine


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
            return _write(s, checker, fmt, docs, check)
    finally:
        if skipped:  # known only once every input was read
            counts = ", ".join(f"{n} {what}" for what, n in sorted(skipped.items()))
            print(f"claimcheck: skipped files of other types: {counts}", file=sys.stderr)


@contextlib.contextmanager
def _reports(s: dict[str, Any], checker: Checker, fmt: str) -> Iterator[Any]:
    """A function from documents, the renderer's encoder (or None) and what it keeps of each
    report, to reports in input order (or, from ``--jobs`` workers, ``Encoded`` reports), for
    the engine asked for."""
    if engine_of(s) == "dask":
        detector = str(getattr(s["detector"], "value", s["detector"]))  # a plain str travels
        spec = CheckerSpec.of(checker.rules, s["model"], detector)
        with connect(s.get("scheduler"), s["jobs"] if s["jobs"] > 1 else os.cpu_count() or 1
                     ) as client:
            engine = DaskEngine(client, spec, keep_text=fmt == "html")
            try:
                yield lambda documents, encode, keep: engine.check(documents)
            finally:
                engine.close()
        return
    from ..parallel import AUTO_MIN_DOCUMENTS, auto_jobs, check_parallel

    def check(documents: Iterable[Document], encode: Encoder | None,
              keep: str) -> Iterator[DocumentReport | Encoded]:
        # the first few documents say whether the batch is worth forking for (--jobs 0: one
        # process per core from 8 documents on; any --jobs: not for a single document)
        head = list(itertools.islice(documents, AUTO_MIN_DOCUMENTS))
        documents = itertools.chain(head, documents)
        jobs = (s["jobs"] or auto_jobs(len(head))) if len(head) > 1 else 1
        if jobs > 1:
            return check_parallel(checker, documents, jobs, s["model"], keep_text=fmt == "html",
                                  encode=encode, keep=keep)
        return checker.check_documents(documents)

    yield check


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


def _write(s: dict[str, Any], checker: Checker, fmt: str, documents: Iterable[Document],
           check: Callable[..., Iterable[DocumentReport | Encoded]]) -> int:
    """Check and render reports as they come, as the CLI does; the exit code of the run."""
    from ..output import FdWriter, open_output, whole_writes

    output = s["output"]
    to_file = output not in ("-", "")
    fail_on = Severity(getattr(s["fail_on"], "value", s["fail_on"])) if s["fail_on"] else None
    out = open_output(output) if to_file else FdWriter(sys.stdout)
    renderer = None
    try:
        renderer = make_renderer(fmt, out, _context(RenderContext, s, checker, to_file))
        if s["summary_only"] and fmt not in SUMMARY_FORMATS:
            print(f"claimcheck: note: --summary-only applies to {', '.join(SUMMARY_FORMATS)}; "
                  f"{fmt} is written in full", file=sys.stderr)
        kept: list[DocumentReport] = []
        errors = fails = False
        encoder = getattr(renderer, "encoder", None)
        reports = check(documents, encoder and encoder(), renderer.keeps)
        for report in _progress(reports, to_file or not sys.stdout.isatty()):
            with whole_writes():
                if isinstance(report, Encoded):  # made into text by a worker
                    renderer.write_encoded(report.text)  # type: ignore[attr-defined]
                    report = report.report
                else:
                    renderer.document(report)
            errors = errors or report.error is not None
            fails = fails or report.fails(s["fail_under"], fail_on)
            kept.append(report.slim(renderer.keeps))
        renderer.finish(checker.report(kept))
        out.flush()
    finally:
        # html and sarif spool to a temporary file: dropped here too when the run fails
        if hasattr(renderer, "close"):
            renderer.close()
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


def _progress(reports: Iterable[_Item], wanted: bool) -> Iterator[_Item]:
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

