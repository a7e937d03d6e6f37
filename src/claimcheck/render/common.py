"""Small helpers shared by the renderers: ranking, whitespace, quoting and end positions."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..types import DocumentReport, Finding, ScoreLine, Severity, Signal

#: SARIF levels and GitHub workflow commands for our severities
LEVELS = {"high": "error", "medium": "warning", "low": "note"}


def ranked(documents: Iterable[DocumentReport]) -> list[DocumentReport]:
    """Lowest (most worrying) score first; inputs that failed come last; ties in input order."""
    return sorted(documents, key=lambda d: (d.score is None, d.score or 0, d.source))


def flat(text: str) -> str:
    """Runs of whitespace (newlines included) as one space."""
    return re.sub(r"\s+", " ", text)


def split_quote(item: Finding | Signal, limit: int = 320) -> tuple[str, str, str]:
    """(before, match, after) of the item's sentence, flattened and cut around the match."""
    s = item.start - item.sentence_start
    e = item.end - item.sentence_start
    sentence = item.sentence
    if not (0 <= s <= e <= len(sentence)) or sentence[s:e] != item.match:
        return "", flat(item.match), ""  # offsets do not line up: quote the match alone
    left, middle, right = flat(sentence[:s]), flat(sentence[s:e]), flat(sentence[e:])
    room = max(40, (limit - len(middle)) // 2)
    if len(left) > room:
        left = "…" + left[-room:].lstrip()
    if len(right) > room:
        right = right[:room].rstrip() + "…"
    return left, middle, right


def end_position(line: int, column: int, match: str) -> tuple[int, int]:
    """1-based line and column just past the end of ``match`` that starts at (line, column)."""
    newlines = match.count("\n")
    if not newlines:
        return line, column + len(match)
    return line + newlines, len(match) - match.rfind("\n")


def points(value: float) -> str:
    """A number of points without a needless ``.0``."""
    return f"{value:g}"


def step_points(step: ScoreLine) -> str:
    """A step of the score arithmetic as it is shown: ``100`` (start), ``-25``, ``+3``, ``= 55``."""
    if step.label == "start":
        return points(step.points)
    if step.label == "score":
        return f"= {points(step.points)}"
    return ("+" if step.points >= 0 else "-") + points(abs(step.points))


def most_serious(doc: DocumentReport, n: int = 4) -> list[Finding]:
    """The counted red flags that weigh most: by severity, then points, then position."""
    counted = [f for f in doc.findings if f.counted]
    return sorted(counted, key=lambda f: (-f.severity.rank, -f.weight, f.start))[:n]


def where(item: Finding | Signal) -> str:
    """Where a finding stands, for a detail line: "line 4, column 12" (and the PDF page)."""
    page = f"page {item.page}, " if item.page is not None else ""
    return f"{page}line {item.line}, column {item.column}"


def step_text(step: ScoreLine, names: dict[str, str]) -> tuple[str, str]:
    """A step of the arithmetic in plain words: (what, detail). ``names`` maps rule ids to
    their plain summaries (see ``plain_names``)."""
    if step.label == "floor":
        return "the score stops at 0", f"{points(step.points)} points below 0 are not counted"
    if step.label == "ceiling":
        return "the score stops at 100", "it cannot go higher"
    if step.label in ("cap", "density cap", "signal cap", "start", "score"):
        return step.label, step.detail
    rule = step.label.split(" ", 1)[0]
    return names.get(rule, step.label), f"{rule}, {step.detail}"


def plain_names(doc: DocumentReport) -> dict[str, str]:
    """Rule id -> what it found, in the words a reader is shown."""
    out = {m.rule: m.message for m in doc.missing}
    out.update({s.rule: s.message or s.name for s in doc.signals})
    for f in doc.findings:
        out.setdefault(f.rule, f.message.split(" (hedged")[0].split(" Here it is ")[0])
    return out


SEVERITY_WORDS = {Severity.HIGH: "serious", Severity.MEDIUM: "notable", Severity.LOW: "minor"}
