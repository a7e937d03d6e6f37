"""Detectors: where candidate claims come from, before anyone judges them.

A detector looks at an analysed text and proposes ``Candidate``s: a rule (red flag or good
sign) at a token range, with the pattern that matched. ``RuleDetector`` runs the rule set's
phrases and token patterns (``match.py``). A second detector (a trained claim classifier) plugs
in beside it by implementing the same ``detect``; the checker hands every detector's candidates
to the same context judge and findings stage, so no detector decides on its own what counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple, Protocol

from .match import PatternSet, PatternSpec
from .nlp import Analysis, Pipeline
from .types import Rule


class Candidate(NamedTuple):
    """A possible red flag or good sign at token range [start, end), not yet judged. (A named
    tuple: a text makes thousands, and a tuple is built in a third of a frozen dataclass's
    time.)"""

    rule: Rule
    start: int
    end: int
    pattern: str  # what matched: a phrase, a token pattern, or the detector's own evidence
    similarity: float = 100.0  # < 100 for a fuzzy match
    detector: str = "rules"
    probability: float | None = None  # model candidates: the class's probability
    evidence: tuple[tuple[str, float], ...] = ()  # model: (words, weight), strongest first
    spans: tuple[tuple[int, int], ...] = ()  # model: token ranges of the evidence, all judged


class Detector(Protocol):
    """Anything that proposes candidates for an analysed text, in document order."""

    name: str

    def detect(self, analysis: Analysis) -> list[Candidate]: ...


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


class RuleDetector:
    """The rule set's patterns: exact, lemma and fuzzy matches, compiled once."""

    name = "rules"

    def __init__(self, pipeline: Pipeline, rules: Iterable[Rule]) -> None:
        rules = tuple(rules)
        self._by_id = {r.id: r for r in rules}
        self._patterns = PatternSet(pipeline, rule_specs(rules))

    def detect(self, analysis: Analysis) -> list[Candidate]:
        return [Candidate(self._by_id[m.key], m.start, m.end, m.pattern, m.similarity)
                for m in self._patterns.find(analysis)]
