"""SARIF 2.1.0 for code-scanning tools: one run, one result per counted red flag.

Each result names its rule (``ruleId``/``ruleIndex``), a level (high -> ``error``, medium ->
``warning``, low -> ``note``), the message, and the region of the flagged words: start and end
line and column (1-based; ``endColumn`` is the column just past the last character, and columns
count Unicode code points, as ``run.columnKind`` says) plus ``charOffset``/``charLength`` into
the checked text. ``tool.driver.rules`` lists the rules that have results, sorted by id. Every
input is an artifact carrying its score and grade; an input that could not be read is an
error notification in ``invocations``. No timestamps: the same input gives the same bytes.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from ..types import DocumentReport, Finding, Report
from . import WholeRunRenderer
from .common import LEVELS, end_position, flat

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


def _result(f: Finding, artifact: int, uri: str, rule_index: int) -> dict[str, Any]:
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


def sarif_log(report: Report) -> dict[str, Any]:
    """The whole run as a SARIF log."""
    counted = [(i, f) for i, d in enumerate(report.documents) for f in d.counted_findings]
    rules: dict[str, dict[str, Any]] = {}
    for _, f in counted:
        rules.setdefault(f.rule, _rule(f))
    rule_ids = sorted(rules)
    index = {rule_id: n for n, rule_id in enumerate(rule_ids)}
    results = [_result(f, i, artifact_uri(report.documents[i].source), index[f.rule])
               for i, f in counted]
    notifications = [{
        "level": "error",
        "message": {"text": f"{d.source}: {d.error.message}"},
        "locations": [{"physicalLocation": {"artifactLocation": {
            "uri": artifact_uri(d.source), "index": i}}}],
        "properties": {"type": d.error.type},
    } for i, d in enumerate(report.documents) if d.error is not None]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "claimcheck",
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "rules": [rules[r] for r in rule_ids],
                "properties": {"rulesVersion": report.rules_version},
            }},
            "invocations": [{"executionSuccessful": not notifications,
                             "toolExecutionNotifications": notifications}],
            "columnKind": "unicodeCodePoints",
            "artifacts": [_artifact(d) for d in report.documents],
            "results": results,
            "properties": {"summary": report.summary_dict()},
        }],
    }


class SarifRenderer(WholeRunRenderer):
    """One SARIF log for the whole run, written at the end."""

    keeps = "findings"  # every finding, not the checked text

    def render(self, report: Report) -> str:
        return json.dumps(sarif_log(report), ensure_ascii=False, indent=2) + "\n"
