"""Check a batch in input order: in this process or several (``--jobs N``), with progress.

Workers get the parent's ``Checker`` by fork where the platform has it (nothing is rebuilt), or
build their own from the same rules. Reports come back in input order, so output is
byte-identical to a serial run, and streaming formats still write each report as soon as it and
all before it are done.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

from .checker import Checker
from .ruleset import RuleSet
from .types import Document, DocumentReport

_worker: Checker | None = None


def _init(rules: RuleSet, model: str | None) -> None:
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if _worker is None:
        _worker = Checker(rules, model=model)


def _check_chunk(documents: list[Document]) -> list[DocumentReport]:
    assert _worker is not None
    return list(_worker.check_documents(documents))  # a failing document costs itself only


def _in_order(pool: ProcessPoolExecutor, documents: Iterable[Document],
              jobs: int) -> Iterator[DocumentReport]:
    """Like ``pool.map`` in chunks of 4, but reading documents only as fast as the workers
    take them (``pool.map`` reads them all first), so a streamed input stays streamed."""
    pending: deque[Future[list[DocumentReport]]] = deque()
    todo = iter(documents)
    while chunk := list(islice(todo, 4)):
        pending.append(pool.submit(_check_chunk, chunk))
        if len(pending) >= 4 * jobs:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def check_parallel(checker: Checker, documents: Iterable[Document], jobs: int,
                   model: str | None = None) -> Iterator[DocumentReport]:
    """Reports for ``documents`` in order, computed by ``jobs`` worker processes."""
    global _worker
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    if context.get_start_method() == "fork":
        _worker = checker  # inherited by the forked workers
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_init,
                               initargs=(checker.rules, model))
    try:
        yield from _in_order(pool, documents, jobs)
    except BaseException:
        # Ctrl-C or a closed pipe: stop now, without waiting for queued documents
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        raise
    else:
        pool.shutdown()
    finally:
        _worker = None


def check_in_order(checker: Checker, documents: list[Document], jobs: int, model: str | None,
                   progress: bool) -> Iterator[DocumentReport]:
    """Reports in input order, from one process or several; a progress bar when stderr is a
    terminal and ``progress`` is asked for (the report itself goes to a file or pipe)."""
    if jobs > 1 and len(documents) > 1:
        reports = check_parallel(checker, documents, min(jobs, len(documents)), model)
    else:
        reports = checker.check_documents(documents)
    if not (progress and len(documents) > 1 and sys.stderr.isatty()):
        yield from reports
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("checking", total=len(documents))
        for report in reports:
            bar.advance(task)
            yield report
