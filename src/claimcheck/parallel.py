"""Check a batch in input order in several processes (``--jobs N``).

Workers get the parent's ``Checker`` by fork where the platform has it (nothing is rebuilt), or
build their own from the same rules. Reports come back in input order, so output is
byte-identical to a serial run, and streaming formats still write each report as soon as it and
all before it are done. Given the renderer's encoder, a worker also turns each report into its
text and sends that with the slim report the end of the run reads: the parent then only writes,
which on two cores was a fifth of all the work.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from itertools import islice

from .checker import Checker
from .render import Encoded, Encoder
from .ruleset import RuleSet
from .types import Document, DocumentReport

_worker: Checker | None = None


def _init(rules: RuleSet, model: str | None, detector: str) -> None:
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if _worker is None:
        _worker = Checker(rules, model=model, detector=detector)


def _check_chunk(documents: list[Document], keep_text: bool, encode: Encoder | None,
                 keep: str) -> list[DocumentReport] | list[Encoded]:
    assert _worker is not None
    reports = _worker.check_documents(documents)  # a failing document costs itself only
    if encode is not None:
        return [Encoded(r.slim(keep), encode(r)) for r in reports]
    # the parent has the text already: sending it back only costs pickling
    return list(reports) if keep_text else [replace(r, text="") for r in reports]


def _in_order(pool: ProcessPoolExecutor, documents: Iterable[Document], jobs: int,
              *task: object) -> Iterator[DocumentReport | Encoded]:
    """Like ``pool.map`` in chunks of 4, but reading documents only as fast as the workers
    take them (``pool.map`` reads them all first), so a streamed input stays streamed.
    ``task``: what ``_check_chunk`` takes after the documents."""
    pending: deque[Future[list[DocumentReport]]] = deque()
    todo = iter(documents)
    while chunk := list(islice(todo, 4)):
        pending.append(pool.submit(_check_chunk, chunk, *task))
        if len(pending) >= 4 * jobs:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def check_parallel(checker: Checker, documents: Iterable[Document], jobs: int,
                   model: str | None = None, keep_text: bool = True,
                   encode: Encoder | None = None, keep: str = "all"
                   ) -> Iterator[DocumentReport | Encoded]:
    """Reports for ``documents`` in order, computed by ``jobs`` worker processes (without
    the checked text unless ``keep_text``: only the HTML report shows it); with ``encode``,
    each as ``Encoded``: its text and the report slimmed to ``keep``."""
    global _worker
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    if context.get_start_method() == "fork":
        _worker = checker  # inherited by the forked workers
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_init,
                               initargs=(checker.rules, model, checker.detector))
    try:
        yield from _in_order(pool, documents, jobs, keep_text, encode, keep)
    except BaseException:
        # Ctrl-C or a closed pipe: stop now, without waiting for queued documents. The workers
        # are stopped first, by signal (nothing there can wait on the pool's locks); the pool
        # is then shut down in a thread given a second: Python 3.11's shutdown can deadlock
        # against the pool's own manager thread (CPython gh-125451), and a run that was told
        # to stop must not hang on it
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        closer = threading.Thread(target=pool.shutdown, daemon=True,
                                  kwargs={"wait": False, "cancel_futures": True})
        closer.start()
        closer.join(timeout=1.0)
        raise
    else:
        pool.shutdown()
    finally:
        _worker = None


#: batches smaller than this are checked in this process when --jobs is left to choose
AUTO_MIN_DOCUMENTS = 8


def auto_jobs(documents: int) -> int:
    """``--jobs 0``: one process per CPU core (at most 8) for a batch worth forking for."""
    if documents < AUTO_MIN_DOCUMENTS:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(8, cores or 1))
