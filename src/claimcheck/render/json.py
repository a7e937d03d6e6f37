"""JSON and JSON Lines output: the versioned, deterministic wire format (see README)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from ..types import DocumentReport, Report
from . import LineRenderer, RenderContext, WholeRunRenderer

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


class JsonRenderer(WholeRunRenderer):
    """One JSON document for the whole run, written at the end."""

    def render(self, report: Report) -> str:
        return json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"


class JsonlRenderer(LineRenderer):
    """One line per document, flushed as soon as the document is checked."""

    def __init__(self, stream: TextIO, context: RenderContext) -> None:
        super().__init__(stream, context)
        self.tool = tool_dict(context.tool_version, context.rules_version,
                              context.model_version)

    def lines(self, doc: DocumentReport) -> list[str]:
        return [jsonl_line(doc, self.tool).rstrip("\n")]
