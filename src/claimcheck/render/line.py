"""One line per counted red flag, ``path:line:col: severity rule-id message``, for editors and grep.

Only the findings that lowered the score are listed (mentions that are warned against, denied or
asked are not). An input that could not be read gives ``path: error: message``. Lines are written
as each document finishes, so ``claimcheck check -f line ads/ | grep high`` streams.
"""

from __future__ import annotations

from typing import TextIO

from ..models import DocumentReport, Report
from . import RenderContext
from .common import flat


def document_lines(doc: DocumentReport) -> list[str]:
    """The lines for one document (without newlines)."""
    if doc.error is not None:
        return [f"{doc.source}: error: {flat(doc.error.message)}"]
    return [f"{doc.source}:{f.line}:{f.column}: {f.severity.value} {f.rule} {flat(f.message)}"
            for f in doc.counted_findings]


class LineRenderer:
    """``path:line:col: severity rule-id message``, one counted finding a line."""

    def __init__(self, stream: TextIO, context: RenderContext) -> None:
        self.stream = stream

    def document(self, doc: DocumentReport) -> None:
        for line in document_lines(doc):
            self.stream.write(line + "\n")
        self.stream.flush()

    def finish(self, report: Report) -> None:
        pass
