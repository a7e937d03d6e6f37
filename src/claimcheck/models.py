"""Plain data passed between the stages: rules, assertions, findings, signals and reports.

Everything here is a frozen dataclass with a ``to_dict()`` that gives the JSON shape documented
in the README, so renderers and the Python API see exactly the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How much a red flag matters; orders low < medium < high."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return ("low", "medium", "high").index(self.value)


class Kind(StrEnum):
    """A rule either flags a red-flag claim or recognises a sign of careful writing."""

    RED = "red"
    GREEN = "green"


@dataclass(frozen=True)
class Source:
    """Where a rule comes from: a seed file or a public document, with a few quoted words."""

    quote: str
    seed: str | None = None
    url: str | None = None
    title: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in ("seed", "title", "url"):
            value = getattr(self, key)
            if value:
                out[key] = value
        out["quote"] = self.quote
        return out


@dataclass(frozen=True)
class Rule:
    """One red flag (kind=red) or one sign of careful writing (kind=green), with its own proof."""

    id: str
    name: str
    category: str
    kind: Kind
    severity: Severity
    summary: str
    why: str
    ask: str
    sources: tuple[Source, ...]
    phrases: tuple[str, ...]
    token_patterns: tuple[tuple[dict[str, Any], ...], ...]
    examples_flag: tuple[str, ...]
    examples_pass: tuple[str, ...]
    similarity: float | None = None
    weight: float | None = None
    counts_in: tuple[str, ...] = ()
    file: str = ""
    line: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "category": self.category,
            "kind": self.kind.value,
            "severity": self.severity.value,
            "summary": self.summary,
            "why": self.why,
            "ask": self.ask,
            "sources": [s.to_dict() for s in self.sources],
            "patterns": list(self.phrases) + [{"tokens": list(p)} for p in self.token_patterns],
            "similarity": self.similarity,
            "weight": self.weight,
            "counts_in": list(self.counts_in),
            "examples": {"flag": list(self.examples_flag), "pass": list(self.examples_pass)},
            "file": self.file,
        }


@dataclass(frozen=True)
class Position:
    """Character offsets into the checked text plus the 1-based line and column of ``start``."""

    start: int
    end: int
    line: int
    column: int


@dataclass(frozen=True)
class Finding:
    """A red-flag rule matched inside one assertion, judged in its context."""

    rule: str
    name: str
    category: str
    severity: Severity
    sentence: str
    match: str
    pattern: str
    start: int
    end: int
    line: int
    column: int
    similarity: float
    context: str
    cue: str
    counted: bool
    weight: float
    message: str
    why: str
    ask: str
    sentence_start: int = 0  # offset of ``sentence`` in the text, for renderers
    page: int | None = None  # PDF inputs: the 1-based page

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "name": self.name,
            "category": self.category,
            "severity": self.severity.value,
            "sentence": self.sentence,
            "match": self.match,
            "pattern": self.pattern,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "page": self.page,
            "similarity": self.similarity,
            "context": self.context,
            "cue": self.cue,
            "counted": self.counted,
            "weight": self.weight,
            "message": self.message,
            "why": self.why,
            "ask": self.ask,
        }


@dataclass(frozen=True)
class Signal:
    """A sign of careful writing (risks disclosed, sources cited...) that adds back points."""

    rule: str
    name: str
    sentence: str
    match: str
    start: int
    end: int
    line: int
    column: int
    weight: float
    sentence_start: int = 0
    page: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "name": self.name,
            "sentence": self.sentence,
            "match": self.match,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "page": self.page,
            "weight": self.weight,
        }


@dataclass(frozen=True)
class ScoreLine:
    """One line of the score arithmetic: what changed the score, by how much."""

    label: str
    points: float
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "points": self.points, "detail": self.detail}


@dataclass(frozen=True)
class Stats:
    words: int = 0
    sentences: int = 0
    assertions: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"words": self.words, "sentences": self.sentences, "assertions": self.assertions}


@dataclass(frozen=True)
class ErrorInfo:
    type: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "message": self.message}


@dataclass(frozen=True)
class DocumentReport:
    """Everything claimcheck says about one input document."""

    source: str
    score: int | None
    grade: str | None
    verdict: str
    findings: tuple[Finding, ...] = ()
    signals: tuple[Signal, ...] = ()
    missing: tuple[Any, ...] = ()  # disclosures.Missing
    arithmetic: tuple[ScoreLine, ...] = ()
    stats: Stats = field(default_factory=Stats)
    error: ErrorInfo | None = None
    notes: tuple[str, ...] = ()  # e.g. "line and column refer to the text extracted from HTML"
    text: str = field(default="", repr=False, compare=False)  # the checked text, for renderers

    @property
    def counted_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.counted)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "score": self.score,
            "grade": self.grade,
            "verdict": self.verdict,
            "findings": [f.to_dict() for f in self.findings],
            "signals": [s.to_dict() for s in self.signals],
            "missing": [m.to_dict() for m in self.missing],
            "arithmetic": [a.to_dict() for a in self.arithmetic],
            "stats": self.stats.to_dict(),
            "notes": list(self.notes),
            "error": self.error.to_dict() if self.error else None,
        }


@dataclass(frozen=True)
class Report:
    """The result of one run: a report per document, in input order."""

    documents: tuple[DocumentReport, ...]
    tool_version: str
    rules_version: str

    @property
    def errors(self) -> int:
        return sum(1 for d in self.documents if d.error is not None)

    @property
    def mean_score(self) -> float | None:
        scores = [d.score for d in self.documents if d.score is not None]
        return round(sum(scores) / len(scores), 1) if scores else None

    def summary_dict(self) -> dict[str, Any]:
        return {
            "documents": len(self.documents),
            "errors": self.errors,
            "mean_score": self.mean_score,
        }
