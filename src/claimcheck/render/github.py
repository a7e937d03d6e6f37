"""GitHub Actions workflow commands: one annotation per counted red flag.

``::error file=PATH,line=L,col=C,title=RULE name::message`` (high -> ``error``, medium ->
``warning``, low -> ``notice``), so a workflow step running ``claimcheck check -f github`` marks the
flagged words in the pull request. An input that failed gives ``::error file=PATH::message``.
Escaping follows GitHub's runner: ``%``, CR and LF in the message; also ``:`` and ``,`` in the
properties.
"""

from __future__ import annotations

from functools import partial

from ..types import DocumentReport
from . import Encoder, EncodingRenderer, joined_lines
from .common import flat

COMMANDS = {"high": "error", "medium": "warning", "low": "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property's value (file, title)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def document_commands(doc: DocumentReport) -> list[str]:
    """The workflow commands for one document (without newlines)."""
    file = escape_property(doc.source)
    if doc.error is not None:
        return [f"::error file={file}::{escape_data(doc.error.message)}"]
    return [
        f"::{COMMANDS[f.severity.value]} file={file},line={f.line},col={f.column},"
        f"title={escape_property(f'{f.rule} {f.name}')}::"
        f"{escape_data(f'{flat(f.message)} “{flat(f.match)}”')}"
        for f in doc.counted_findings
    ]


class GithubRenderer(EncodingRenderer):
    """Workflow commands, written as each document finishes."""

    def encoder(self) -> Encoder:
        return partial(joined_lines, document_commands)
