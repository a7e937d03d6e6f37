"""JSON and JSON Lines output: the versioned, deterministic wire format (see README)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from typing import Any, TextIO

from ..types import DocumentReport, Report
from . import Encoder, EncodingRenderer, RenderContext

SCHEMA_VERSION = 1


def tool_dict(tool_version: str, rules_version: str, model_version: str = "") -> dict[str, Any]:
    out = {"name": "claimcheck", "version": tool_version, "rules_version": rules_version}
    if model_version:
        out["model_version"] = model_version
    return out


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": tool_dict(report.tool_version, report.rules_version, report.model_version),
        "documents": [d.to_dict() for d in report.documents],
        "summary": report.summary_dict(),
    }


def jsonl_line(document: DocumentReport, tool: dict[str, Any]) -> str:
    """One line per document, written as soon as that document is checked."""
    return json.dumps({"schema_version": SCHEMA_VERSION, "tool": tool, **document.to_dict()},
                      ensure_ascii=False, separators=(",", ":")) + "\n"


def _nested(value: Any, depth: int) -> str:
    """``value`` as ``json.dumps(..., indent=2)`` writes it ``depth`` levels down."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * depth)


def iter_json(value: Any, depth: int = 0) -> Iterator[str]:
    """``value`` in parts, as ``json.dumps(..., ensure_ascii=False, indent=2)`` writes it
    ``depth`` levels down. Dicts and lists are written member by member; an iterator in them is
    written as an array as it gives its items (each whole), so they are never all in memory."""
    if isinstance(value, dict):
        opening, closing = "{", "}"
        members: Iterator[tuple[str, Any]] = (
            (json.dumps(k, ensure_ascii=False) + ": ", v) for k, v in value.items())
    elif isinstance(value, list | tuple | Iterator):
        opening, closing = "[", "]"
        members = (("", v) for v in value)
    else:
        yield _nested(value, depth)
        return
    yield opening
    pad = "\n" + "  " * (depth + 1)
    separator = pad
    for key, member in members:
        yield separator + key
        if isinstance(value, Iterator):
            yield _nested(member, depth + 1)
        else:
            yield from iter_json(member, depth + 1)
        separator = "," + pad
    yield ("" if separator == pad else "\n" + "  " * depth) + closing


def json_document(document: DocumentReport) -> str:
    """A document's entry in the ``documents`` list of the JSON report."""
    return _nested(document.to_dict(), 2)


class JsonRenderer(EncodingRenderer):
    """One JSON document for the whole run, written as it goes: each document as soon as it
    is checked, the summary at the end, so a batch of any size is never held in memory. The
    bytes are those of ``json.dumps(report_dict(report), indent=2)``."""

    def __init__(self, stream: TextIO, context: RenderContext) -> None:
        super().__init__(stream, context)
        self.tool = tool_dict(context.tool_version, context.rules_version,
                              context.model_version)
        self.written = 0

    def _start(self) -> None:
        self.stream.write(f'{{\n  "schema_version": {SCHEMA_VERSION},\n'
                          f'  "tool": {_nested(self.tool, 1)},\n  "documents": [')

    def encoder(self) -> Encoder:
        return json_document

    def write_encoded(self, text: str) -> None:
        if not self.written:
            self._start()
        self.stream.write(("\n" if not self.written else ",\n") + "    " + text)
        self.written += 1

    def finish(self, report: Report) -> None:
        if not self.written:
            self._start()
        self.stream.write(("\n  ]" if self.written else "]")
                          + f',\n  "summary": {_nested(report.summary_dict(), 1)}\n}}\n')


class JsonlRenderer(EncodingRenderer):
    """One line per document, flushed as soon as the document is checked."""

    def __init__(self, stream: TextIO, context: RenderContext) -> None:
        super().__init__(stream, context)
        self.tool = tool_dict(context.tool_version, context.rules_version,
                              context.model_version)

    def encoder(self) -> Encoder:
        return partial(jsonl_line, tool=self.tool)
