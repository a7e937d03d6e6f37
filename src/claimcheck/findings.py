"""Candidates + judgements -> findings and signals: one claim, one finding.

Each candidate (from the rules or the claim classifier) is placed in its sentence (offsets,
line, column) and judged by the context judge. A rule counts once per clause (red flags) or
sentence (good signs); a rule and the model on the same claim are one finding, the rule's; of
overlapping red flags of one category in one sentence the longest is kept; a denied good sign
is no good sign; a hedged claim its own sentence qualifies ("more research is needed") does not
count; a good sign a red flag voids ("study fee") does not add back. After scoring,
``to_findings``/``to_signals`` build the frozen objects a report carries.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import NamedTuple

from .context import ContextJudge, Judgement
from .detect import Candidate
from .nlp import Analysis
from .types import Context, DocumentReport, Finding, Kind, Rule, Signal


class Placed(NamedTuple):
    """A judged candidate with its place in the checked text. (A named tuple, as candidates
    and judgements are: one per candidate.)"""

    candidate: Candidate
    judgement: Judgement
    counted: bool
    sentence: str
    sentence_start: int
    start: int  # character offsets
    end: int
    line: int
    column: int

    @property
    def rule(self) -> Rule:
        return self.candidate.rule

    def where(self) -> dict:
        return dict(sentence=self.sentence, sentence_start=self.sentence_start,
                    start=self.start, end=self.end, line=self.line, column=self.column)


def place(candidates: Iterable[Candidate], analysis: Analysis,
          judge: ContextJudge) -> tuple[list[Placed], list[Placed]]:
    """Judge candidates; (red flags, good signs) in document order, one per claim.

    The rules' candidates are placed first, so that a model candidate one of their findings
    makes redundant (``RuleFound.covers``) is dropped before it is judged.
    """
    ordered = list(enumerate(candidates))
    seen: set[tuple[str, int]] = set()
    placed = [(i, p) for i, c in ordered
              if c.detector == "rules" and (p := _placed(c, analysis, judge, seen)) is not None]
    found = RuleFound(placed, analysis)
    placed += [(i, p) for i, c in ordered if c.detector != "rules"
               and (p := _placed(c, analysis, judge, seen, found.covers)) is not None]
    placed.sort(key=lambda item: item[0])
    red = [p for _, p in placed if p.rule.kind is Kind.RED]
    green = [p for _, p in placed if p.rule.kind is not Kind.RED]
    red = answered(qualified(drop_overlaps(red), green), green)
    return red, unvoided(green, red)


def _placed(c: Candidate, analysis: Analysis, judge: ContextJudge, seen: set[tuple[str, int]],
            covered: Callable[[Candidate, int, int], bool] | None = None) -> Placed | None:
    """A candidate judged and placed in its sentence; None when its rule was already placed
    in its clause (red flags) or sentence (good signs), when ``covered(candidate, clause
    start, sentence start)`` says it is a claim found already, and for a denied good sign."""
    assertion = analysis.assertion_at(c.start)
    unit = (c.rule.id, assertion.start if c.rule.kind is Kind.RED else assertion.sentence)
    if unit in seen:
        return None
    seen.add(unit)
    sentence = analysis.sentences[assertion.sentence]
    if covered is not None and covered(c, assertion.start, sentence.char_start):
        return None
    judgement = (judge.judge_spans([(c.start, c.end), *c.spans]) if c.spans
                 else judge.judge(c.start, c.end))
    if c.rule.kind is Kind.GREEN and judgement.context is Context.NEGATED:
        return None  # "we do not disclose the risks" is no disclosure
    start, end = analysis.starts[c.start], analysis.ends[c.end - 1]
    line, column = analysis.line_col(start)
    counted = c.rule.kind is Kind.RED and (judgement.context.counted
                                            or judgement.context in c.rule.counts_in)
    return Placed(c, judgement, counted, analysis.text[sentence.char_start:sentence.char_end],
                  sentence.char_start, start, end, line, column)


class RuleFound:
    """What the rules found, by category: the clauses of their red flags, the sentences where
    one of them counts, and the sentences of their good signs.

    A rule and the model on the same claim are one finding, the rule's (it has a citation):
    a model red flag of a category a rule also found in the same clause, or that a rule counted
    anywhere in the same sentence, is the same claim; a good sign a rule found in a sentence
    makes the model's of the same kind redundant.
    """

    def __init__(self, placed: Iterable[tuple[int, Placed]], analysis: Analysis) -> None:
        self.clauses: set[tuple[str, int]] = set()
        self.counted: set[tuple[str, int]] = set()
        self.signs: set[tuple[str, int]] = set()
        for _, p in placed:
            if p.rule.kind is not Kind.RED:
                self.signs.add((p.rule.category, p.sentence_start))
                continue
            self.clauses.add((p.rule.category, analysis.assertion_at(p.candidate.start).start))
            if p.counted:
                self.counted.add((p.rule.category, p.sentence_start))

    def covers(self, c: Candidate, clause: int, sentence_start: int) -> bool:
        """Is a candidate at this clause and sentence a claim or sign the rules found?"""
        category = c.rule.category
        if c.rule.kind is not Kind.RED:
            return (category, sentence_start) in self.signs
        return (category, clause) in self.clauses or (category, sentence_start) in self.counted


#: good signs that turn a hedged claim in their sentence into honest uncertainty, unless their
#: rule says ``qualifies: false`` (rules/hedging.yaml: "results may vary" is the stock
#: disclaimer under a claim, not a word about the evidence)
QUALIFIERS = frozenset({"hedging", "evidence-quality", "no-guarantee"})


def qualified(red: list[Placed], green: list[Placed]) -> list[Placed]:
    """A hedged claim whose own sentence says the evidence is limited ("may help, but more
    research is needed") is careful writing, not a sales hedge: it does not count."""
    sentences = {g.sentence_start for g in green
                 if g.rule.category in QUALIFIERS and g.rule.qualifies}
    return _demoted(red, Context.QUALIFIED, lambda p: (
        p.judgement.context is Context.HEDGED and p.sentence_start in sentences
        and "qualified" not in p.rule.counts_in))


#: a model red flag's category -> the good signs that answer it: found in the same sentence,
#: they say the model read careful words as the claim ("more research is needed" is no claim
#: of evidence, "consult your own doctor" no call to buy, "not approved by the FDA" or a trial's
#: registration number no claim of approval). Not safety by risks: "side effects are rare" is
#: how a risk sentence opens and how a safety claim minimises
ANSWERS = {
    "evidence": frozenset({"hedging", "evidence-quality", "trial"}),
    "sales": frozenset({"consult"}),
    "regulatory": frozenset({"status", "trial"}),
}


#: a rule's appeal to evidence ("studies show that", "has been shown to") is vague by what it
#: leaves out; a sentence that also says how good or how limited the evidence is ("small
#: randomised trials have found that ..., but the effect fades") is not: the good signs that
#: answer a rule finding, found by either detector outside the finding's own words, unless
#: their rule says ``qualifies: false`` ("results may vary")
RULE_ANSWERS = {"evidence": frozenset({"hedging", "evidence-quality"})}
#: words of certainty no caveat answers: "studies have proven that ..." stays a claim
CERTAIN = ("prove", "confirm", "establish", "conclusive", "definitive", "clearly")


def answered(red: list[Placed], green: list[Placed]) -> list[Placed]:
    """A counted finding whose own sentence shows a good sign that answers its category does
    not count. A model finding is answered by a rule's sign (``ANSWERS``); a rule finding,
    whose rule matched the claim's own words, only in the categories of ``RULE_ANSWERS``, by
    a sign outside those words."""
    by_rules = {(g.rule.category, g.sentence_start) for g in green
                if g.candidate.detector == "rules"}

    def applies(p: Placed) -> bool:
        if not p.counted:
            return False
        if p.candidate.detector == "model":
            return any((sign, p.sentence_start) in by_rules
                       for sign in ANSWERS.get(p.rule.category, ()))
        answers = RULE_ANSWERS.get(p.rule.category)
        if not answers:
            return False
        words = p.sentence[p.start - p.sentence_start:p.end - p.sentence_start].lower()
        return not any(w in words for w in CERTAIN) and any(
            g.rule.category in answers and g.rule.qualifies
            and g.sentence_start == p.sentence_start and (g.end <= p.start or g.start >= p.end)
            for g in green)
    return _demoted(red, Context.ANSWERED, applies)


def _demoted(red: list[Placed], context: Context,
             applies: Callable[[Placed], bool]) -> list[Placed]:
    """The red flags, those ``applies`` picks judged anew as ``context`` (keeping their cue)
    and not counted."""
    return [p._replace(judgement=Judgement(context, p.judgement.cue), counted=False)
            if applies(p) else p for p in red]


def unvoided(green: list[Placed], red: list[Placed]) -> list[Placed]:
    """Good signs, less those a counted red flag of their ``void_with`` voids in the same
    sentence (a "study fee" is no cost disclosure: it is the pay-to-participate flag)."""
    if not any(p.rule.void_with for p in green):
        return green
    counted = {(p.rule.category, p.sentence_start) for p in red if p.counted}
    return [g for g in green
            if not any((cat, g.sentence_start) in counted for cat in g.rule.void_with)]


def drop_overlaps(red: list[Placed]) -> list[Placed]:
    """One claim, one finding: of overlapping matches in the same category keep the longest.

    ("no risk" inside "no risk of rejection" is the same safety claim, not a second one.)
    """
    groups: dict[tuple[str, int], list[Placed]] = {}
    for item in red:
        groups.setdefault((item.rule.category, item.sentence_start), []).append(item)

    def rank(item: Placed) -> tuple:
        return (item.end - item.start, -item.start, item.rule.id)

    return [item for item in red
            if not any(other.start < item.end and item.start < other.end
                       and rank(other) > rank(item)
                       for other in groups[(item.rule.category, item.sentence_start)])]


def to_findings(red: Sequence[Placed], weights: Sequence[float],
             analysis: Analysis) -> tuple[Finding, ...]:
    """The report's findings, with the points each one took off."""
    return tuple(
        Finding(rule=p.rule.id, name=p.rule.name, category=p.rule.category,
                severity=p.rule.severity, match=analysis.text[p.start:p.end],
                pattern=p.candidate.pattern, similarity=p.candidate.similarity,
                context=p.judgement.context, cue=p.judgement.cue, counted=p.counted,
                weight=weight, message=message(p.rule, p.judgement.context, p.counted),
                why=p.rule.why, ask=p.rule.ask, detector=p.candidate.detector,
                probability=p.candidate.probability, evidence=_evidence(p.candidate, analysis),
                **p.where())
        for p, weight in zip(red, weights, strict=True)
    )


def _evidence(c: Candidate, analysis: Analysis) -> tuple[tuple[str, float, int, int], ...]:
    """A model's evidence with the character offsets of its words."""
    return tuple((words, weight, analysis.starts[s], analysis.ends[e - 1])
                 for (words, weight), (s, e) in zip(c.evidence, c.spans, strict=True))


def to_signals(green: Sequence[Placed], weights: Sequence[float],
            analysis: Analysis) -> tuple[Signal, ...]:
    """The report's good signs, with the points each one added back."""
    return tuple(
        Signal(rule=p.rule.id, name=p.rule.name, match=analysis.text[p.start:p.end],
               weight=weight, detector=p.candidate.detector, message=p.rule.summary,
               **p.where())
        for p, weight in zip(green, weights, strict=True)
    )


def message(rule: Rule, context: Context, counted: bool) -> str:
    """What a finding says in one line: the rule's summary, and why it does or doesn't count."""
    if counted and context is Context.HEDGED:
        return f"{rule.summary} (hedged, so it counts for less)"
    if counted:
        return rule.summary
    return f"{rule.summary} Here it is {context.label}."


def with_pages(report: DocumentReport, pages: Sequence[int]) -> DocumentReport:
    """Give each finding and signal the (1-based) page its offset falls on."""
    return replace(
        report,
        findings=tuple(replace(f, page=bisect_right(pages, f.start)) for f in report.findings),
        signals=tuple(replace(s, page=bisect_right(pages, s.start)) for s in report.signals),
    )
