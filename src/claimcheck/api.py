"""The product as a library: text or documents in, reports out.

A ``Checker`` builds the spaCy pipeline and compiles the rules and cues once; ``check_text``
and ``check_documents`` then run extract -> match -> context -> score for each document.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from . import __version__
from .context import COUNTED, ContextJudge, Judgement, load_cues
from .disclosures import missing_disclosures
from .extract import Analysis, Pipeline
from .ingest import Document
from .match import PatternSet, PatternSpec
from .models import DocumentReport, ErrorInfo, Finding, Kind, Report, Rule, Signal, Stats
from .rules import RuleSet, load_rules
from .scoring import EMPTY_VERDICT, SIGNAL_POINTS, Credit, Hit, score_document

_SURROGATES = re.compile("[\ud800-\udfff]")
_NOT_COUNTED_LABEL = {
    "negated": "mentioned, not claimed (denied)",
    "warning": "mentioned, not claimed (warned against)",
    "question": "mentioned, not claimed (asked as a question)",
    "quoted": "mentioned, not claimed (someone else's words)",
    "conditional": "mentioned, not claimed (hypothetical)",
    "heading": "in a heading, menu or button, not a sentence of the text",
}


def rule_specs(rules: Iterable[Rule]) -> list[PatternSpec]:
    """The patterns of a rule set, keyed by rule id."""
    specs = []
    for rule in rules:
        for phrase in rule.phrases:
            specs.append(PatternSpec(rule.id, phrase=phrase, similarity=rule.similarity,
                                     file=rule.file))
        for tokens in rule.token_patterns:
            specs.append(PatternSpec(rule.id, tokens=tokens, similarity=rule.similarity,
                                     file=rule.file))
    return specs


class Checker:
    """Checks texts against a rule set; build once, use for many documents."""

    def __init__(self, rules: RuleSet | None = None, *, model: str | None = None) -> None:
        self.rules = rules if rules is not None else load_rules()
        self.pipeline = Pipeline(model)
        self._by_id = {r.id: r for r in self.rules.rules}
        self._patterns = PatternSet(self.pipeline, rule_specs(self.rules.rules))
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
        return self._report(source, self.pipeline.analyse(text))

    def check_document(self, document: Document) -> DocumentReport:
        if document.error is not None:
            return DocumentReport(document.source, None, None,
                                  f"Could not check this input: {document.error.message}",
                                  error=document.error, notes=document.notes)
        report = self.check_text(document.text, document.source)
        if document.pages:
            report = _with_pages(report, document.pages)
        return replace(report, notes=document.notes) if document.notes else report

    def check_documents(self, documents: Iterable[Document]) -> Iterator[DocumentReport]:
        """Check documents in order, yielding each report as soon as it is ready.

        A document that makes the checker fail becomes an error record; the rest go on.
        """
        for document in documents:
            try:
                yield self.check_document(document)
            except Exception as exc:  # a bug must cost one document, not the batch
                error = ErrorInfo("internal", f"internal error: {type(exc).__name__}: {exc}")
                yield DocumentReport(document.source, None, None,
                                     f"Could not check this input: {error.message}",
                                     error=error, notes=document.notes)

    def report(self, documents: Iterable[DocumentReport]) -> Report:
        return Report(tuple(documents), __version__, self.rules.version)

    def _report(self, source: str, analysis: Analysis) -> DocumentReport:
        stats = Stats(analysis.words, len(analysis.sentences), len(analysis.assertions))
        if not analysis.sentences:
            return DocumentReport(source, 100, "A", EMPTY_VERDICT, stats=stats,
                                  text=analysis.text)
        judge = ContextJudge(self._cue_table, analysis, self._cues.find(analysis, fuzzy=False))
        red, green = [], []
        seen: set[tuple[str, int]] = set()
        for m in self._patterns.find(analysis):
            rule = self._by_id[m.key]
            assertion = analysis.assertion_at(m.start)
            unit = (rule.id, assertion.start if rule.kind is Kind.RED else assertion.sentence)
            if unit in seen:
                continue
            seen.add(unit)
            judgement = judge.judge(m.start, m.end)
            if analysis.sentences[assertion.sentence].kind == "heading" and \
                    judgement.context == "asserted":
                judgement = Judgement("heading", "")
            start, end = analysis.starts[m.start], analysis.ends[m.end - 1]
            line, column = analysis.line_col(start)
            sentence = analysis.sentences[assertion.sentence]
            common = dict(sentence=analysis.text[sentence.char_start: sentence.char_end],
                          sentence_start=sentence.char_start, start=start, end=end, line=line,
                          column=column)
            if rule.kind is Kind.GREEN:
                if judgement.context != "negated":
                    green.append((rule, common, analysis.text[start:end]))
                continue
            counted = judgement.context in COUNTED or judgement.context in rule.counts_in
            red.append((rule, common, m, judgement, counted))
        red = _drop_overlaps(red)
        missing = missing_disclosures({r.category for r, _, _, _, c in red if c},
                                      {r.category for r, _, _ in green})
        score = score_document(
            [Hit(r.id, r.name, r.severity, j.context, c, cm["line"]) for r, cm, _, j, c in red],
            [Credit(r.id, r.name, r.weight if r.weight is not None else SIGNAL_POINTS,
                    cm["line"]) for r, cm, _ in green],
            [(m.rule, m.name, m.weight) for m in missing],
        )
        findings = tuple(
            Finding(
                rule=rule.id, name=rule.name, category=rule.category, severity=rule.severity,
                match=analysis.text[common["start"]: common["end"]], pattern=m.pattern,
                similarity=m.similarity, context=j.context, cue=j.cue, counted=counted,
                weight=weight, message=_message(rule, j.context, counted), why=rule.why,
                ask=rule.ask, **common,
            )
            for (rule, common, m, j, counted), weight in zip(red, score.hit_weights, strict=True)
        )
        signals = tuple(
            Signal(rule=rule.id, name=rule.name, match=match, weight=weight, **common)
            for (rule, common, match), weight in zip(green, score.credit_weights, strict=True)
        )
        return DocumentReport(source, score.score, score.grade, score.verdict, findings,
                              signals, tuple(missing), score.arithmetic, stats,
                              text=analysis.text)


def _with_pages(report: DocumentReport, pages: Sequence[int]) -> DocumentReport:
    """Give each finding and signal the (1-based) page its offset falls on."""
    return replace(
        report,
        findings=tuple(replace(f, page=bisect_right(pages, f.start)) for f in report.findings),
        signals=tuple(replace(s, page=bisect_right(pages, s.start)) for s in report.signals),
    )


def _drop_overlaps(red: list) -> list:
    """One claim, one finding: of overlapping matches in the same category keep the longest.

    ("no risk" inside "no risk of rejection" is the same safety claim, not a second one.)
    """
    groups: dict[tuple[str, int], list] = {}
    for item in red:
        groups.setdefault((item[0].category, item[1]["sentence_start"]), []).append(item)

    def rank(item) -> tuple:  # type: ignore[no-untyped-def]
        start, end = item[1]["start"], item[1]["end"]
        return (end - start, -start, item[0].id)

    kept = []
    for item in red:
        start, end = item[1]["start"], item[1]["end"]
        group = groups[(item[0].category, item[1]["sentence_start"])]
        if not any(other[1]["start"] < end and start < other[1]["end"]
                   and rank(other) > rank(item) for other in group):
            kept.append(item)
    return kept


def _message(rule: Rule, context: str, counted: bool) -> str:
    if counted and context == "hedged":
        return f"{rule.summary} (hedged, so it counts for less)"
    if counted:
        return rule.summary
    return f"{rule.summary} Here it is {_NOT_COUNTED_LABEL.get(context, context)}."


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
