"""The model as a detector: each sentence scored, each class above its threshold a candidate.

The candidate's words are the model's strongest evidence (the n-grams that contributed most,
joined where they touch), so the report can highlight them. The context judge looks at every
piece of evidence, as it would at a rule match, and the most cautious context wins: a claim the
sentence warns against, denies or reports does not count, wherever its strongest word stands.
Whether it counts is the judge's decision, not the model's.
"""

from __future__ import annotations

from ..detect import Candidate
from ..nlp import Analysis
from ..types import Rule
from .features import token_terms
from .model import ClaimModel, Prediction

#: sentences with fewer words than this are not scored
MIN_WORDS = 2


class ModelDetector:
    """Proposes one candidate per sentence and class the model scores above threshold."""

    name = "model"

    def __init__(self, model: ClaimModel, classes: dict[str, Rule]) -> None:
        self.model = model
        self.classes = classes

    def detect(self, analysis: Analysis) -> list[Candidate]:
        out = []
        terms = token_terms(analysis.lemmas, analysis.lower)
        # a list number or a lone word is no claim, whatever its weights
        ranges = [(s.start, s.end) for s in analysis.sentences
                  if _has_words(terms, s.start, s.end)]
        for (first, last), predictions in zip(ranges, self.model.predict_many(terms, ranges),
                                              strict=True):
            for p in predictions:
                rule = self.classes.get(p.label)
                if rule is None or (rule.needs and not _holds(analysis, first, last, rule.needs)):
                    continue
                start, end = _span(p.spans)
                out.append(Candidate(rule, start, end, _pattern(p), 100.0, self.name,
                                     p.probability, p.evidence, p.spans))
        return out


def _has_words(terms: list[str | None], start: int, end: int) -> bool:
    """Do tokens [start, end) hold ``MIN_WORDS`` words? (Read only until they are found:
    most sentences open with them.)"""
    found = 0
    for i in range(start, end):
        term = terms[i]
        if term and term[:1].isalpha():
            found += 1
            if found >= MIN_WORDS:
                return True
    return False


def _holds(analysis: Analysis, start: int, end: int, words: frozenset[str]) -> bool:
    """Do tokens [start, end) hold one of ``words`` (as a lemma or lower-case form)?"""
    return not words.isdisjoint(analysis.lemmas[start:end]) or \
        not words.isdisjoint(analysis.lower[start:end])


def _span(spans: tuple[tuple[int, int], ...]) -> tuple[int, int]:
    """The strongest term's tokens, widened to the other top terms that touch or overlap it."""
    start, end = spans[0]
    changed = True
    while changed:
        changed = False
        for s, e in spans[1:]:
            if s <= end and e >= start and (s < start or e > end):
                start, end = min(start, s), max(end, e)
                changed = True
    return start, end


def _pattern(p: Prediction) -> str:
    words = ", ".join(f"'{w}'" for w, _ in p.evidence)
    return f"model {p.label} p={p.probability:.2f} (class {p.class_probability:.2f}): {words}"
