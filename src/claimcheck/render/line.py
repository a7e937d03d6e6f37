"""One line per counted red flag, ``path:line:col: severity rule-id message``, for editors and grep.

Only the findings that lowered the score are listed (mentions that are warned against, denied or
asked are not). An input that could not be read gives ``path: error: message``. Lines are written
as each document finishes, so ``claimcheck check -f line ads/ | grep high`` streams.
"""

from __future__ import annotations

from functools import partial

from ..types import DocumentReport
from . import Encoder, EncodingRenderer, joined_lines
from .common import flat


def document_lines(doc: DocumentReport) -> list[str]:
    """The lines for one document (without newlines)."""
    if doc.error is not None:
        return [f"{doc.source}: error: {flat(doc.error.message)}"]
    return [f"{doc.source}:{f.line}:{f.column}: {f.severity.value} {f.rule} {flat(f.message)}"
            for f in doc.counted_findings]


class PathLineRenderer(EncodingRenderer):
    """``path:line:col: severity rule-id message``, one counted finding a line."""

    def encoder(self) -> Encoder:
        return partial(joined_lines, document_lines)
