"""A temporary file for what a report writes before it may be shown.

HTML and SARIF put a summary of the whole run (the ranked index; the rules that have results)
before the documents' parts, so each part is spooled here as soon as its document is checked
and copied into place at the end: a batch of any size runs in flat memory. The file has no name
on disk (``tempfile.TemporaryFile``) and is only made at the first write, so a failed run leaves
nothing behind and a run that spools nothing touches no disk.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from typing import IO, TextIO


class Spool:
    """Text written now, read back or copied out later, in the order it was written."""

    def __init__(self) -> None:
        self._file: IO[str] | None = None

    def write(self, text: str) -> None:
        if self._file is None:
            # newline="": no newline is translated on the way in or out
            self._file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
        self._file.write(text)

    def _rewound(self) -> IO[str] | None:
        if self._file is not None:
            self._file.seek(0)
        return self._file

    def lines(self) -> Iterator[str]:
        """What was written, line by line (each line written must end with ``\\n`` and hold no
        other line break)."""
        file = self._rewound()
        if file is not None:
            yield from file

    def copy_to(self, stream: TextIO) -> None:
        """Write everything spooled to ``stream``."""
        file = self._rewound()
        if file is not None:
            shutil.copyfileobj(file, stream, 1 << 16)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
