"""Findings and signals -> a 0-100 credibility score, a grade, and the arithmetic behind it.

Pure functions on plain data. Start at 100. Every counted red flag takes off its severity's
points, halved when the claim is hedged and halved again for each repeat of the same rule in
the document. Each disclosure the page never makes (risks, status...) takes off its points.
Each kind of careful-writing signal adds its points back once, up to a cap.
The result is clamped to 0-100. Every step is a ``ScoreLine`` so a user can follow it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..types import ScoreLine, Severity

START = 100.0
SEVERITY_POINTS = {Severity.LOW: 5.0, Severity.MEDIUM: 12.0, Severity.HIGH: 25.0}
HEDGED_FACTOR = 0.5
REPEAT_FACTOR = 0.5
SIGNAL_POINTS = 3.0
SIGNAL_CAP = 15.0
GRADES = ((85, "A"), (70, "B"), (55, "C"), (40, "D"), (0, "F"))
VERDICTS = {
    "A": "Few or no warning signs: this text reads as careful. Still check any claim with a "
    "doctor you trust.",
    "B": "Some warning signs: read the flagged sentences below and ask the clinic about them.",
    "C": "Several warning signs: treat these claims with caution and ask for published evidence.",
    "D": "Many warning signs: this reads like marketing that promises more than the evidence "
    "supports.",
    "F": "Serious warning signs: this text makes promises that stem-cell science does not "
    "support. Be very careful before paying for treatment.",
}
EMPTY_VERDICT = "Nothing to check: the text has no sentences."


@dataclass(frozen=True)
class Hit:
    """A red-flag finding as scoring sees it."""

    rule: str
    name: str
    severity: Severity
    context: str
    counted: bool
    line: int


@dataclass(frozen=True)
class Credit:
    """A careful-writing signal as scoring sees it."""

    rule: str
    name: str
    points: float
    line: int


@dataclass(frozen=True)
class Score:
    score: int
    grade: str
    verdict: str
    hit_weights: tuple[float, ...]
    credit_weights: tuple[float, ...]
    arithmetic: tuple[ScoreLine, ...]


def grade_for(score: float) -> str:
    for floor, grade in GRADES:
        if score >= floor:
            return grade
    return "F"


def score_document(hits: Sequence[Hit], credits: Sequence[Credit],
                   missing: Sequence[tuple[str, str, float]] = ()) -> Score:
    """Score one document; ``hits`` and ``credits`` in document order.

    ``missing`` are (id, name, points) of disclosures the page never makes.
    """
    lines = [ScoreLine("start", START, "every text starts at 100")]
    seen: dict[str, int] = {}
    hit_weights = []
    deducted = 0.0
    for hit in hits:
        if not hit.counted:
            hit_weights.append(0.0)
            continue
        points = SEVERITY_POINTS[hit.severity]
        notes = [f"{hit.severity.value} severity {points:g}"]
        if hit.context == "hedged":
            points *= HEDGED_FACTOR
            notes.append(f"hedged x{HEDGED_FACTOR:g}")
        repeat = seen.get(hit.rule, 0)
        if repeat:
            points *= REPEAT_FACTOR**repeat
            notes.append(f"repeat #{repeat + 1} x{REPEAT_FACTOR**repeat:g}")
        seen[hit.rule] = repeat + 1
        points = round(points, 2)
        deducted += points
        hit_weights.append(points)
        lines.append(ScoreLine(f"{hit.rule} {hit.name}", -points,
                               f"line {hit.line}: " + ", ".join(notes)))
    for rule, name, points in missing:
        deducted += points
        lines.append(ScoreLine(f"{rule} {name}", -points, "missing from the whole page"))
    credited: set[str] = set()
    credit_weights = []
    bonus = 0.0
    for credit in credits:
        if credit.rule in credited:
            credit_weights.append(0.0)
            continue
        credited.add(credit.rule)
        credit_weights.append(credit.points)
        bonus += credit.points
        lines.append(ScoreLine(f"{credit.rule} {credit.name}", credit.points,
                               f"line {credit.line}: careful-writing signal"))
    if bonus > SIGNAL_CAP:
        lines.append(ScoreLine("signal cap", SIGNAL_CAP - bonus,
                               f"signals add at most {SIGNAL_CAP:g} points"))
        bonus = SIGNAL_CAP
    raw = START - deducted + bonus
    final = int(round(min(START, max(0.0, raw))))
    if raw > START:
        lines.append(ScoreLine("ceiling", START - raw, "a score cannot exceed 100"))
    elif raw < 0:
        lines.append(ScoreLine("floor", -raw, "a score cannot go below 0"))
    lines.append(ScoreLine("score", float(final), f"grade {grade_for(final)}"))
    grade = grade_for(final)
    return Score(final, grade, VERDICTS[grade], tuple(hit_weights), tuple(credit_weights),
                 tuple(lines))
