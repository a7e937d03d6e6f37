"""The product as a library: text or documents in, reports out.

A ``Checker`` builds each stage once (spaCy pipeline, detectors, cue table) and runs them for
every document:

    ingest -> nlp.Pipeline.analyse -> detectors (rules; later a classifier) -> context judge
           -> findings.place -> score (disclosures + arithmetic) -> DocumentReport

``check_text`` and ``check_documents`` are the one-call forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from .context import ContextJudge, load_cues
from .detect import Candidate, Detector, RuleDetector
from .errors import UsageError
from .findings import place, to_findings, to_signals, with_pages
from .match import PatternSet
from .nlp import Analysis, Pipeline
from .ruleset import RuleSet, load_rules
from .score.disclosures import BENEFIT_CATEGORIES, missing_disclosures
from .score.scoring import (
    DEFAULT_TREATMENT,
    EMPTY_VERDICT,
    SIGNAL_POINTS,
    Credit,
    Hit,
    score_document,
)
from .score.topic import page_treatment
from .types import DETECTORS, Document, DocumentReport, ErrorInfo, Report, Stats
from .version import __version__

_SURROGATES = re.compile("[\ud800-\udfff]")



class Checker:
    """Checks texts against a rule set; build once, use for many documents."""

    def __init__(self, rules: RuleSet | None = None, *, model: str | None = None,
                 detector: str = "both") -> None:
        """``model``: an installed spaCy pipeline (default: blank English); ``detector``:
        which detectors propose claims, "rules", "model" (the claim classifier) or "both"."""
        if detector not in DETECTORS:
            raise UsageError(f"unknown detector {detector!r}; use one of: "
                             + ", ".join(DETECTORS))
        self.rules = rules if rules is not None else load_rules()
        self.pipeline = Pipeline(model)
        self.detector = detector
        self.detectors: list[Detector] = []
        if detector in ("rules", "both"):
            self.detectors.append(RuleDetector(self.pipeline, self.rules.rules))
        if detector in ("model", "both"):
            self.detectors.append(_model_detector(self.rules))
        self._cue_table = load_cues()
        self._cues = PatternSet(self.pipeline, self._cue_table.specs)

    @property
    def note(self) -> str:
        """A one-line note about the pipeline (e.g. a missing model), or ''."""
        return self.pipeline.note

    def check_text(self, text: str, source: str = "<text>") -> DocumentReport:
        """Check one text and return its report."""
        # a lone surrogate (from a broken decoder upstream) cannot be tokenized or printed;
        # U+FFFD takes its place one for one, so offsets stay the same
        text = _SURROGATES.sub("\ufffd", text)
        with self.pipeline.zone():  # the report holds plain data only: nothing of spaCy's
            return self._report(source, self.pipeline.analyse(text))

    def check_document(self, document: Document) -> DocumentReport:
        """Check one input document (an unreadable one becomes its error record)."""
        if document.error is not None:
            return DocumentReport.failed(document.source, document.error, document.notes,
                                         document.fields)
        report = self.check_text(document.text, document.source)
        if document.pages:
            report = with_pages(report, document.pages)
        if document.notes or document.fields:
            report = replace(report, notes=document.notes, fields=document.fields)
        return report

    def check_documents(self, documents: Iterable[Document]) -> Iterator[DocumentReport]:
        """Check documents in order, yielding each report as soon as it is ready.

        A document that makes the checker fail becomes an error record; the rest go on.
        """
        for document in documents:
            try:
                yield self.check_document(document)
            except Exception as exc:  # a bug must cost one document, not the batch
                error = ErrorInfo("internal", f"internal error: {type(exc).__name__}: {exc}")
                yield DocumentReport.failed(document.source, error, document.notes,
                                            document.fields)

    @property
    def model_version(self) -> str:
        """The claim classifier's version (a hash of its file), or '' when it is off."""
        return next((d.model.version for d in self.detectors if hasattr(d, "model")), "")

    def report(self, documents: Iterable[DocumentReport]) -> Report:
        """The run's report over these document reports."""
        return Report(tuple(documents), __version__, self.rules.version, self.model_version)

    def candidates(self, analysis: Analysis) -> list[Candidate]:
        """Every detector's candidates, in document order."""
        if len(self.detectors) == 1:
            return self.detectors[0].detect(analysis)
        out = [c for d in self.detectors for c in d.detect(analysis)]
        out.sort(key=lambda c: (c.start, c.end))  # stable: detectors keep their own order
        return out

    def _report(self, source: str, analysis: Analysis) -> DocumentReport:
        stats = Stats(analysis.words, len(analysis.sentences), len(analysis.assertions))
        if not analysis.sentences:
            return DocumentReport(source, 100, "A", EMPTY_VERDICT, stats=stats,
                                  text=analysis.text)
        judge = ContextJudge(self._cue_table, analysis, self._cues.find(analysis, fuzzy=False))
        red, green = place(self.candidates(analysis), analysis, judge)
        treatment = page_treatment(analysis.text)
        missing = missing_disclosures({p.rule.category for p in red if p.counted},
                                      {p.rule.category for p in green},
                                      treatment=treatment or DEFAULT_TREATMENT)
        score = score_document(
            [Hit(p.rule.id, p.rule.name, p.rule.severity, p.judgement.context, p.counted,
                 p.line, p.rule.category, p.candidate.probability,
                 p.rule.category in BENEFIT_CATEGORIES, p.sentence_start) for p in red],
            [Credit(p.rule.id, p.rule.name,
                    p.rule.weight if p.rule.weight is not None else SIGNAL_POINTS, p.line,
                    p.rule.category) for p in green],
            [(m.rule, m.name, m.weight) for m in missing], treatment=treatment,
            sentences=len(analysis.sentences), classifier=self.detector != "rules",
        )
        return DocumentReport(
            source, score.score, score.grade, score.verdict,
            to_findings(red, score.hit_weights, analysis),
            to_signals(green, score.credit_weights, analysis),
            tuple(missing), score.arithmetic, stats, text=analysis.text)


def _model_detector(rules: RuleSet) -> Detector:
    """The claim classifier, without the classes whose id or category the run turned off."""
    from .classifier.classes import load_classes
    from .classifier.detector import ModelDetector
    from .classifier.model import shipped_model

    classes = {k: r for k, r in load_classes().items()
               if k not in rules.disabled and r.category not in rules.disabled}
    return ModelDetector(shipped_model(), classes)


@lru_cache(maxsize=4)
def _default_checker(model: str | None) -> Checker:
    return Checker(model=model)


def check_text(text: str, source: str = "<text>", *, checker: Checker | None = None,
               model: str | None = None) -> DocumentReport:
    """Check one text with the built-in rules (or the given checker)."""
    return (checker or _default_checker(model)).check_text(text, source)


def check_documents(documents: Sequence[Document | str | Path], *,
                    checker: Checker | None = None, model: str | None = None) -> Report:
    """Check many documents (Document objects, texts, or paths) and return one report."""
    from .ingest import iter_documents

    checker = checker or _default_checker(model)
    docs: list[Document] = []
    for n, item in enumerate(documents):
        if isinstance(item, Document):
            docs.append(item)
        elif isinstance(item, Path):
            docs.extend(iter_documents([str(item)], skipped={}))
        else:
            docs.append(Document(f"<text {n + 1}>", item))
    return checker.report(checker.check_documents(docs))
