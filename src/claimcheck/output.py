"""Where a report goes: standard output written whole, or a file; Ctrl-C never cuts a line.

Python's buffered stdout can drop the rest of a large write to a full pipe when a signal
(Ctrl-C) lands mid-write, and a JSONL line must never be cut; so stdout is written with
``os.write`` until every byte is out, and Ctrl-C is held while one document's output is written.
Ctrl-C then ends the run at once (exit 130); a closed pipe ends it quietly (exit 141).
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
import threading
from typing import NoReturn

from .errors import UsageError

EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141


class FdWriter(io.TextIOBase):
    """Standard output written with os.write until every byte is out.

    Python's buffered stdout can drop the rest of a large write to a full pipe when a signal
    (Ctrl-C) arrives mid-write; a JSONL line must never be cut, so we write the bytes ourselves.
    """

    _LIMIT = 1 << 16

    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        stream.flush()
        self._stream = stream
        self._fd = stream.fileno()
        self._parts: list[str] = []
        self._size = 0

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._fd

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._parts.append(text)
        self._size += len(text)
        if self._size >= self._LIMIT:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if not self._parts:
            return
        data = memoryview("".join(self._parts).encode("utf-8", "replace"))
        self._parts.clear()
        self._size = 0
        while data:
            data = data[os.write(self._fd, data):]


@contextlib.contextmanager
def whole_writes():  # type: ignore[no-untyped-def]
    """Hold Ctrl-C until the current document's output is written, so no line is cut."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[object] = []
    previous = signal.signal(signal.SIGINT, lambda *args: pending.append(args))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if pending:
            raise KeyboardInterrupt


def open_output(path: str):  # type: ignore[no-untyped-def]
    try:
        return open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed by caller
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def interrupted() -> NoReturn:
    """Ctrl-C: what was written stays whole; leave now, not after worker pools wind down."""
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    with contextlib.suppress(Exception):
        sys.stderr.write("claimcheck: interrupted\n")
        sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


def broken_pipe() -> NoReturn:
    """The reader closed the pipe: end quietly, without Python's complaints at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os._exit(EXIT_BROKEN_PIPE)
