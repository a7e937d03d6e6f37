"""The plain data passed between the stages: documents, rules, findings, signals, reports.

Everything here is a frozen dataclass (with a ``to_dict()`` giving the JSON shape documented in
the README) or a small enum, so every stage, renderer and the Python API see the same objects.
Nothing here imports another module of the package.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

#: exit codes of a run (``Report.exit_code``), named as sqlfluff and proselint do
EXIT_OK, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
#: which detectors propose claims (``--detector``)
DETECTORS = ("both", "rules", "model")


class Severity(StrEnum):
    """How much a red flag matters; orders low < medium < high."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return ("low", "medium", "high").index(self.value)


class Context(StrEnum):
    """How a match is framed in its sentence: only the writer's own claims count."""

    ASSERTED = "asserted"
    HEDGED = "hedged"
    NEGATED = "negated"
    WARNING = "warning"
    QUESTION = "question"
    QUOTED = "quoted"
    CONDITIONAL = "conditional"
    HEADING = "heading"
    REFERENCE = "reference"  # an entry of a reference list: a source's title, not a claim
    QUALIFIED = "qualified"  # hedged, and the same sentence says the evidence is limited
    ANSWERED = "answered"  # its own sentence shows the good sign that answers it

    @property
    def counted(self) -> bool:
        """Does a red flag in this context lower the score (hedged at a reduced weight)?"""
        return self in (Context.ASSERTED, Context.HEDGED)

    @property
    def label(self) -> str:
        """Plain words for a context that does not count ("mentioned, not claimed (denied)")."""
        return _CONTEXT_LABELS.get(self, self.value)


_CONTEXT_LABELS = {
    Context.NEGATED: "mentioned, not claimed (denied)",
    Context.WARNING: "mentioned, not claimed (warned against)",
    Context.QUESTION: "mentioned, not claimed (asked as a question)",
    Context.QUOTED: "mentioned, not claimed (someone else's words)",
    Context.CONDITIONAL: "mentioned, not claimed (hypothetical)",
    Context.HEADING: "in a heading, menu or button, not a sentence of the text",
    Context.REFERENCE: "in a reference list entry (a source's title), not a claim of the text",
    Context.QUALIFIED: "mentioned, not claimed (hedged, and the sentence says the evidence is "
    "limited)",
    Context.ANSWERED: "not counted (the same sentence says the careful thing: the limits of the "
    "evidence, the approval status or a trial's registration, or to ask your own doctor)",
}
#: the cue recorded for a match inside a question: the question mark, which is no words to show
QUESTION_MARK = "?"


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
    #: good signs: red-flag categories that void it when counted in the same sentence
    void_with: tuple[str, ...] = ()
    #: good signs of a qualifying category (hedging, evidence quality, no guarantee): whether
    #: it makes a hedged claim in its sentence honest uncertainty ("results may vary" does not)
    qualifies: bool = True
    #: classifier classes: words (lemmas or lower-case forms) one of which a sentence must hold
    #: for the model to find the class in it (empty: any sentence)
    needs: frozenset[str] = frozenset()
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
            "void_with": list(self.void_with),
            "qualifies": self.qualifies,
            "examples": {"flag": list(self.examples_flag), "pass": list(self.examples_pass)},
            "file": self.file,
        }


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
    detector: str = "rules"  # "rules" or "model"
    probability: float | None = None  # model findings: the class's probability
    evidence: tuple[tuple[str, float, int, int], ...] = ()  # model: (words, weight, start, end)

    @property
    def cue_words(self) -> str:
        """The cue as words to show a reader ('' for a bare question mark)."""
        return "" if self.cue == QUESTION_MARK else self.cue

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
            "detector": self.detector,
            "probability": self.probability,
            "evidence": [{"words": w, "weight": x, "start": s, "end": e}
                         for w, x, s, e in self.evidence],
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
    detector: str = "rules"  # "rules" or "model"
    message: str = ""  # what the sign is, in plain words

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "name": self.name,
            "message": self.message,
            "detector": self.detector,
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
class Missing:
    """A disclosure the page never makes (risks, status, sources, cost) and what it costs."""

    rule: str
    name: str
    message: str
    why: str
    ask: str
    weight: float

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "name": self.name, "message": self.message,
                "why": self.why, "ask": self.ask, "weight": self.weight}


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
    """How much text a document held."""

    words: int = 0
    sentences: int = 0
    assertions: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"words": self.words, "sentences": self.sentences, "assertions": self.assertions}


@dataclass(frozen=True)
class ErrorInfo:
    """Why an input could not be checked: a type (``decode``, ``http``...) and one plain line."""

    type: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "message": self.message}


@dataclass(frozen=True)
class Document:
    """One input: its text (as checked) or the error that stopped it being read."""

    source: str
    text: str = ""
    error: ErrorInfo | None = None
    notes: tuple[str, ...] = ()
    pages: tuple[int, ...] = ()  # PDF: the character offset where each page starts
    fields: tuple[tuple[str, str], ...] = ()  # CSV/JSONL: the record's other columns


@dataclass(frozen=True)
class DocumentReport:
    """Everything claimcheck says about one input document."""

    source: str
    score: int | None
    grade: str | None
    verdict: str
    findings: tuple[Finding, ...] = ()
    signals: tuple[Signal, ...] = ()
    missing: tuple[Missing, ...] = ()
    arithmetic: tuple[ScoreLine, ...] = ()
    stats: Stats = field(default_factory=Stats)
    error: ErrorInfo | None = None
    notes: tuple[str, ...] = ()  # e.g. "line and column refer to the text extracted from HTML"
    fields: tuple[tuple[str, str], ...] = ()  # CSV/JSONL: the record's other columns
    text: str = field(default="", repr=False, compare=False)  # the checked text, for renderers

    @property
    def counted_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.counted)

    def slim(self, keep: str) -> DocumentReport:
        """What a run keeps of this report once it is written, for the renderer's last word
        (``Renderer.keeps``): ``all`` of it; ``findings``: all but the checked text; ``summary``:
        what a ranked summary row shows (score, grade, verdict, words, fields, and how many
        findings, signs and missing items of each severity, as shared blank stand-ins); or
        ``none``: what the summary line and the exit code read (score, error and the most
        severe counted finding; without the source, so that the reports of a batch that
        share a score, a grade and a worst severity are one object: a crawl keeps a reference
        per page, not a report)."""
        if keep == "all":
            return self
        if keep == "findings":
            return replace(self, text="")
        if keep == "summary":
            return DocumentReport(
                self.source, self.score, self.grade, self.verdict,
                tuple(_stand_in(f, (f.severity, f.counted)) for f in self.findings),
                tuple(_stand_in(s, "signal") for s in self.signals),
                tuple(_stand_in(m, "missing") for m in self.missing),
                stats=self.stats, error=self.error, fields=self.fields)
        worst = max(self.counted_findings, key=lambda f: f.severity.rank, default=None)
        light = () if worst is None else (_stand_in(worst, (worst.severity, True)),)
        if self.error is not None:
            return DocumentReport(self.source, self.score, self.grade, "", light,
                                  error=self.error)
        key = ("none", self.score, self.grade, worst and worst.severity)
        found = _STAND_INS.get(key)
        if found is None:
            found = _STAND_INS[key] = DocumentReport("", self.score, self.grade, "", light)
        return found

    @classmethod
    def failed(cls, source: str, error: ErrorInfo, notes: tuple[str, ...] = (),
               fields: tuple[tuple[str, str], ...] = ()) -> DocumentReport:
        """The report of an input that could not be checked."""
        return cls(source, None, None, f"Could not check this input: {error.message}",
                   error=error, notes=notes, fields=fields)

    def fails(self, fail_under: int, fail_on: Severity | None = None) -> bool:
        """Does this document cross the failure threshold (score below, or a counted flag of
        at least ``fail_on`` severity)?"""
        if self.score is not None and self.score < fail_under:
            return True
        return fail_on is not None and any(f.severity.rank >= fail_on.rank
                                           for f in self.counted_findings)

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
            "fields": dict(self.fields),
            "error": self.error.to_dict() if self.error else None,
        }


@dataclass(frozen=True)
class Report:
    """The result of one run: a report per document, in input order."""

    documents: tuple[DocumentReport, ...]
    tool_version: str
    rules_version: str
    model_version: str = ""  # the claim classifier's file hash ('' when it is off)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.documents if d.error is not None)

    @property
    def mean_score(self) -> float | None:
        scores = [d.score for d in self.documents if d.score is not None]
        return round(sum(scores) / len(scores), 1) if scores else None

    def exit_code(self, fail_under: int, fail_on: Severity | None = None) -> int:
        """0 all checked and none failed; 1 a document failed (see ``fails``); 2 an input could
        not be checked."""
        if self.errors:
            return EXIT_ERROR
        if any(d.fails(fail_under, fail_on) for d in self.documents):
            return EXIT_FAIL
        return EXIT_OK

    def summary_dict(self) -> dict[str, Any]:
        return {
            "documents": len(self.documents),
            "errors": self.errors,
            "mean_score": self.mean_score,
        }


#: blank findings, signs and missing items standing in for real ones in kept reports, and
#: the "none" reports themselves (see ``DocumentReport.slim``): one shared object per kind, so
#: a batch keeps only references
_STAND_INS: dict[object, Any] = {}


def _stand_in(item: Any, kind: object) -> Any:
    found = _STAND_INS.get(kind)
    if found is None:
        blank = {f.name: "" for f in fields(item) if f.type in ("str", str)}
        if isinstance(item, Finding):
            blank["evidence"] = ()
        found = _STAND_INS[kind] = replace(item, **blank)
    return found
