"""SARIF 2.1.0 for code-scanning tools: one run, one result per counted red flag.

Each result names its rule (``ruleId``/``ruleIndex``), a level (high -> ``error``, medium ->
``warning``, low -> ``note``), the message, and the region of the flagged words: start and end
line and column (1-based; ``endColumn`` is the column just past the last character, and columns
count Unicode code points, as ``run.columnKind`` says) plus ``charOffset``/``charLength`` into
the checked text. ``tool.driver.rules`` lists the rules that have results, sorted by id. Every
input is an artifact carrying its score and grade; an input that could not be read is an
error notification in ``invocations``. No timestamps: the same input gives the same bytes.
Results are spooled while the run goes on (see ``SarifRenderer``), so a batch of any size
runs in flat memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO
from urllib.parse import quote

from ..types import DocumentReport, Finding, Report
from . import RenderContext, SpoolingRenderer
from .common import LEVELS, end_position, flat
from .json import iter_json

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def artifact_uri(source: str) -> str:
    """A source path as a URI reference (``<stdin>``, spaces and colons percent-encoded)."""
    return quote(source.replace("\\", "/"), safe="/")


def _rule(f: Finding) -> dict[str, Any]:
    return {
        "id": f.rule,
        "name": f.name,
        "shortDescription": {"text": flat(f.message)},
        "fullDescription": {"text": flat(f.why)},
        "help": {"text": flat(f.ask)},
        "defaultConfiguration": {"level": LEVELS[f.severity.value]},
        "properties": {"category": f.category, "severity": f.severity.value},
    }


def _result(f: Finding, artifact: int, uri: str, rule_index: int | None
            ) -> dict[str, Any]:
    end_line, end_column = end_position(f.line, f.column, f.match)
    return {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[f.severity.value],
        "message": {"text": f"{flat(f.message)} “{flat(f.match)}”"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri, "index": artifact},
            "region": {"startLine": f.line, "startColumn": f.column, "endLine": end_line,
                       "endColumn": end_column, "charOffset": f.start,
                       "charLength": f.end - f.start, "snippet": {"text": f.match}},
            "contextRegion": {"charOffset": f.sentence_start, "charLength": len(f.sentence),
                              "snippet": {"text": f.sentence}},
        }}],
        "properties": {"context": f.context, "weight": f.weight, "severity": f.severity.value},
    }


def _artifact(doc: DocumentReport) -> dict[str, Any]:
    properties: dict[str, Any] = {"score": doc.score, "grade": doc.grade, "verdict": doc.verdict}
    if doc.error is not None:
        properties["error"] = doc.error.to_dict()
    return {"location": {"uri": artifact_uri(doc.source)}, "properties": properties}


class SarifRenderer(SpoolingRenderer):
    """One SARIF log for the whole run, streamed: each document's results are spooled as soon
    as it is checked (one JSON line each), and written after the rules and the artifacts, which
    come first, at the end. Only the rules seen and the artifacts' summary rows are kept."""

    def __init__(self, stream: TextIO, context: RenderContext) -> None:
        super().__init__(stream, context)
        self.rules: dict[str, dict[str, Any]] = {}  # by id, as its first result describes it
        self.written = 0

    def document(self, doc: DocumentReport) -> None:
        uri = artifact_uri(doc.source)
        for f in doc.counted_findings:
            if f.rule not in self.rules:
                self.rules[f.rule] = _rule(f)
            # the rule's index is known once every rule is seen (they are sorted by id); ASCII
            # JSON keeps any text on one line
            self.spool.write(json.dumps(_result(f, self.written, uri, None)) + "\n")
        self.written += 1

    def _results(self, index: dict[str, int]) -> Iterator[dict[str, Any]]:
        for line in self.spool.lines():
            result = json.loads(line)
            result["ruleIndex"] = index[result["ruleId"]]
            yield result

    def finish(self, report: Report) -> None:
        rule_ids = sorted(self.rules)
        notifications = [{
            "level": "error",
            "message": {"text": f"{d.source}: {d.error.message}"},
            "locations": [{"physicalLocation": {"artifactLocation": {
                "uri": artifact_uri(d.source), "index": i}}}],
            "properties": {"type": d.error.type},
        } for i, d in enumerate(report.documents) if d.error is not None]
        log = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "claimcheck",
                    "version": report.tool_version,
                    "semanticVersion": report.tool_version,
                    "rules": [self.rules[r] for r in rule_ids],
                    "properties": {"rulesVersion": report.rules_version},
                }},
                "invocations": [{"executionSuccessful": not notifications,
                                 "toolExecutionNotifications": notifications}],
                "columnKind": "unicodeCodePoints",
                "artifacts": map(_artifact, report.documents),
                "results": self._results({r: n for n, r in enumerate(rule_ids)}),
                "properties": {"summary": report.summary_dict()},
            }],
        }
        for part in iter_json(log):
            self.stream.write(part)
        self.stream.write("\n")
        self.close()
