"""The Dask engine: documents checked on dask.distributed workers, reports back in input order.

The settings a ``Checker`` is built from travel as one ``CheckerSpec``, in a worker plugin
(plugin.py): the scheduler sets it up on every worker that joins or restarts, and each worker
process keeps the checkers it built in a cache keyed by the spec's digest, so a Checker is built
once per worker, never per task, and tasks carry only that key (no task depends on data that
dies with a worker). Documents go in chunks of a few,
at most a few chunks per worker in flight, so the client reads its inputs only as fast as the
cluster checks them and memory stays flat.

A chunk whose worker died is checked again one document at a time, each after the last; a
document that kills its worker again becomes an error record (``worker``), and the run goes on.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from ..checker import Checker
from ..errors import ClaimcheckError, UsageError
from ..ruleset import RuleSet
from ..types import Document, DocumentReport, ErrorInfo

#: a chunk: at most this many documents, or this many characters of text
CHUNK_DOCUMENTS, CHUNK_CHARS = 16, 200_000
#: chunks in flight per worker thread
WINDOW_PER_WORKER = 3
#: the error type of a document whose worker died while checking it
WORKER_DIED = "worker"
INSTALL_HINT = "the Dask engine needs dask and distributed: pip install 'claimcheck[dask]'"


@dataclass(frozen=True)
class CheckerSpec:
    """What a worker needs to build the run's Checker; ``key`` names it in worker caches.

    ``factory`` (optional, importable or picklable) builds the checker instead of ``Checker``,
    for a subclass of your own."""

    rules: RuleSet
    model: str | None = None
    detector: str = "both"
    key: str = ""
    factory: Callable[[RuleSet, str | None, str], Checker] | None = None

    @classmethod
    def of(cls, rules: RuleSet, model: str | None = None, detector: str = "both",
           factory: Callable[[RuleSet, str | None, str], Checker] | None = None
           ) -> CheckerSpec:
        """A spec whose key is a digest of everything it holds."""
        digest = hashlib.sha256(pickle.dumps((rules, model, detector, factory))).hexdigest()
        return cls(rules, model, detector, digest[:16], factory)


_checkers: dict[str, tuple[Checker, threading.Lock]] = {}
_build_lock = threading.Lock()
#: spec key -> how many Checkers this process built (tests and the bench read it)
BUILDS: Counter[str] = Counter()


def worker_checker(spec: CheckerSpec) -> tuple[Checker, threading.Lock]:
    """This process's Checker for ``spec`` (built on first use) and the lock that guards it."""
    with _build_lock:
        found = _checkers.get(spec.key)
        if found is None:
            build = spec.factory or _default_factory
            found = (build(spec.rules, spec.model, spec.detector), threading.Lock())
            _checkers[spec.key] = found
            BUILDS[spec.key] += 1
        return found


def _default_factory(rules: RuleSet, model: str | None, detector: str) -> Checker:
    return Checker(rules, model=model, detector=detector)


def forget(key: str) -> None:
    """Drop this process's Checker for a spec (its run is over)."""
    with _build_lock:
        _checkers.pop(key, None)


def builds() -> dict[str, int]:
    """How many Checkers this process built, per spec key."""
    return dict(BUILDS)


def check_chunk(key: str, documents: list[Document],
                keep_text: bool = False) -> list[DocumentReport]:
    """The task: check documents with this worker's Checker (a failure costs one document)."""
    found = _checkers.get(key)
    if found is None:
        raise RuntimeError("this worker has no claimcheck Checker (its plugin was not set up)")
    checker, lock = found
    with lock:  # a worker with several threads shares one Checker
        reports = list(checker.check_documents(documents))
    return reports if keep_text else [replace(r, text="") for r in reports]


def chunks(documents: Iterable[Document]) -> Iterator[list[Document]]:
    """Documents in chunks of at most CHUNK_DOCUMENTS or about CHUNK_CHARS characters."""
    chunk: list[Document] = []
    size = 0
    for document in documents:
        chunk.append(document)
        size += len(document.text)
        if len(chunk) >= CHUNK_DOCUMENTS or size >= CHUNK_CHARS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


class DaskEngine:
    """Check documents on a dask.distributed cluster, yielding reports in input order."""

    def __init__(self, client: Any, spec: CheckerSpec, *, keep_text: bool = False) -> None:
        self.client = client
        self.spec = spec
        self.keep_text = keep_text
        from .plugin import CheckerPlugin

        self._plugin = CheckerPlugin(spec)
        client.register_plugin(self._plugin)  # every worker builds its Checker, once

    def close(self) -> None:
        """Unregister the plugin: the workers drop this run's Checker."""
        with contextlib.suppress(Exception):  # a lost scheduler has nothing left to drop
            self.client.unregister_worker_plugin(self._plugin.name)

    def check(self, documents: Iterable[Document]) -> Iterator[DocumentReport]:
        """Reports in input order, with a bounded number of chunks in flight."""
        window = max(2, WINDOW_PER_WORKER * self._threads())
        pending: deque[tuple[list[Document], Any]] = deque()
        for chunk in chunks(documents):
            pending.append((chunk, self._submit(chunk)))
            if len(pending) >= window:
                yield from self._collect(*pending.popleft())
        while pending:
            yield from self._collect(*pending.popleft())

    def _threads(self) -> int:
        return sum(self.client.nthreads().values()) or 1

    def _submit(self, chunk: list[Document]) -> Any:
        return self.client.submit(check_chunk, self.spec.key, chunk, self.keep_text,
                                  pure=False)

    def _collect(self, chunk: list[Document], future: Any) -> list[DocumentReport]:
        try:
            return future.result()
        except Exception as exc:  # noqa: BLE001 - a dead worker (KilledWorker) or a lost task
            self._still_connected(exc)
            if len(chunk) == 1:
                return [failed(chunk[0], exc)]
        # check them one at a time, so only the document that kills a worker is lost (a task
        # queued behind it on the same worker would be counted as killed too)
        return [report for doc in chunk for report in self._collect([doc], self._submit([doc]))]

    def _still_connected(self, exc: BaseException) -> None:
        if getattr(self.client, "status", "running") != "running":
            raise ClaimcheckError(f"lost the connection to the Dask scheduler "
                                  f"({type(exc).__name__}); the run stopped") from exc


def failed(document: Document, exc: BaseException) -> DocumentReport:
    if type(exc).__name__ == "KilledWorker":
        error = ErrorInfo(WORKER_DIED, "the worker checking this document died (each time it "
                          "was tried); it was not checked")
    else:
        detail = " ".join(str(exc).split())[:200]
        error = ErrorInfo("internal", f"internal error: {type(exc).__name__}: {detail}")
    return DocumentReport.failed(document.source, error, document.notes)


def import_distributed() -> Any:
    """The distributed module, or a one-line usage error naming the extra to install."""
    try:
        import distributed
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    return distributed
