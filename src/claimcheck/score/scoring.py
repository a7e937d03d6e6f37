"""Findings and signals -> a 0-100 credibility score, a grade, and the arithmetic behind it.

Pure functions on plain data. Start at 100. Every counted red flag takes off its severity's
points: halved when the claim is hedged, times the model's probability for a model finding,
and halved again for each earlier claim of the same kind (category) in the document, so one
claim said ten ways is not ten claims. Red flags together take off at most ``DENSITY_POINTS``
per percent of the page's sentences that make a counted claim. Each disclosure the page never
makes (risks, status...) takes off its points. Each kind (category) of careful-writing signal
adds its points back once, up to a cap. A page that sells a treatment can score at most
``PROMOTES_CAP``: it is never graded A or B. It sells when counted claims (of any kind but a
call to action) stand in ``SELLING_CLAIMS`` of its sentences, or in one beside a call to
action (counted, or a button or menu item). With the claim classifier reading the page that
is two: one doubtful sentence on a page that offers nothing is a slip, and costs its points,
not the whole verdict. The rules alone miss most claims, so for them one found is enough.
The cap compresses rather than clips: the part of such a page's score above ``CAP_KNEE`` is
scaled into the room below the cap, so one doubtful claim among many good signs still ranks
above several claims with none, and every page keeps the grade the cap would give it.
The result is clamped to 0-100. Every step is a ``ScoreLine`` so a user can follow it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..types import Context, ScoreLine, Severity

START = 100.0
SEVERITY_POINTS = {Severity.LOW: 5.0, Severity.MEDIUM: 12.0, Severity.HIGH: 25.0}
HEDGED_FACTOR = 0.5
REPEAT_FACTOR = 0.5
SIGNAL_POINTS = 3.0
SIGNAL_CAP = 25.0
#: red flags take off at most this many points per percent of sentences with a counted claim,
#: so a long, careful page is not sunk by a few claims spread thin (and a page where two
#: sentences in five make claims can lose everything). Was 2.0: a page that made claims in a
#: third of its sentences and hedged the rest got back to a D on its good signs alone (seed
#: 002 scored 44, 17 below the balanced seed 000); 2.25-3.0 rank the development pages alike
DENSITY_POINTS = 2.5
#: the most a page that promotes a treatment with counted claims can score (grade C)
PROMOTES_CAP = 69.0
#: counted claim sentences that make a page a seller without a call to action, by whether
#: the claim classifier read it (with the rules alone, one found stands for several missed)
SELLING_CLAIMS = {True: 2, False: 1}
#: where the cap starts to compress (the lowest grade-C score): a promoting page's points
#: between here and the best possible score are scaled into [CAP_KNEE, PROMOTES_CAP]
CAP_KNEE = 55.0
GRADES = ((85, "A"), (70, "B"), (55, "C"), (40, "D"), (0, "F"))
#: {treatment} is what the page is about ("stem cell treatment", "IV drips"...)
VERDICTS = {
    "A": "Few or no warning signs, and signs of careful writing: this text reads as careful. "
    "Still check any claim with a doctor you trust.",
    "B": "A few warning signs: read the flagged sentences below and ask the clinic about them.",
    "C": "Warning signs: this text makes claims about {treatment} that need evidence before you "
    "rely on them. Ask for published studies.",
    "D": "Many warning signs: this reads like marketing for {treatment} that promises more than "
    "the evidence supports.",
    "F": "Serious warning signs: this text makes promises about {treatment} that the evidence "
    "does not support. Be very careful before paying for it.",
}
#: grade A without a single good sign: nothing wrong found, but nothing shows care either
UNPROVEN_A = ("No warning signs found, but also none of the signs of careful writing (risks, "
              "evidence, approval status): not finding a problem does not make a page reliable.")
EMPTY_VERDICT = "Nothing to check: the text has no sentences."
DEFAULT_TREATMENT = "this treatment"


@dataclass(frozen=True)
class Hit:
    """A red-flag finding as scoring sees it."""

    rule: str
    name: str
    severity: Severity
    context: str
    counted: bool
    line: int
    category: str = ""  # repeats are counted per category ('' = per rule)
    probability: float | None = None  # model findings: scales the points
    promotes: bool = True  # a claim about the treatment (not only a call to action)
    sentence: int = -1  # which sentence it is in, for the density cap


@dataclass(frozen=True)
class Credit:
    """A careful-writing signal as scoring sees it."""

    rule: str
    name: str
    points: float
    line: int
    category: str = ""  # each kind of good sign adds back once ('' = per rule)


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
                   missing: Sequence[tuple[str, str, float]] = (), *,
                   treatment: str | None = None, sentences: int = 0,
                   classifier: bool = True) -> Score:
    """Score one document; ``hits`` and ``credits`` in document order.

    ``missing`` are (id, name, points) of disclosures the page never makes; ``treatment``
    names what the page is about, for the verdict; ``sentences`` is how many it has (0: no
    density cap); ``classifier`` whether the claim classifier read it (see ``sells``).
    """
    lines = [ScoreLine("start", START, "every text starts at 100")]
    hit_weights, deducted = _deductions(hits, lines)
    claimed = len({h.sentence for h in hits if h.counted})
    limit = DENSITY_POINTS * 100 * claimed / sentences if sentences else deducted
    if deducted > limit:
        lines.append(ScoreLine("density cap", round(deducted - limit, 2),
                               f"red flags in {claimed} of {sentences} sentences "
                               f"({100 * claimed / sentences:.0f}%) take off at most "
                               f"{limit:.0f} points"))
        deducted = limit
    for rule, name, points in missing:
        deducted += points
        lines.append(ScoreLine(f"{rule} {name}", -points, "missing from the whole page"))
    credit_weights, bonus = _credits(credits, lines)
    raw = START - deducted + bonus
    if sells(hits, SELLING_CLAIMS[classifier]) and raw > CAP_KNEE:
        capped = _compressed(raw)
        lines.append(ScoreLine("cap", round(capped - raw, 2), "a page that makes counted "
                               f"claims and sells scores at most {PROMOTES_CAP:g}: "
                               f"its {raw - CAP_KNEE:.1f} points above {CAP_KNEE:g} count "
                               f"x{_CAP_SCALE:.2f}"))
        raw = capped
    final = int(round(min(START, max(0.0, raw))))
    if raw > START:
        lines.append(ScoreLine("ceiling", START - raw, "a score cannot exceed 100"))
    elif raw < 0:
        lines.append(ScoreLine("floor", -raw, "a score cannot go below 0"))
    grade = grade_for(final)
    lines.append(ScoreLine("score", float(final), f"grade {grade}"))
    verdict = VERDICTS[grade] if grade != "A" or any(credit_weights) else UNPROVEN_A
    verdict = verdict.format(treatment=treatment or DEFAULT_TREATMENT)
    return Score(final, grade, verdict, tuple(hit_weights), tuple(credit_weights),
                 tuple(lines))


def sells(hits: Sequence[Hit], enough: int) -> bool:
    """Does a page sell a treatment: counted claims in ``enough`` sentences, or in one beside
    a call to action (counted, or in a heading, button or menu item)? A hit without a
    sentence number stands in a sentence of its own."""
    claims = [h for h in hits if h.counted and h.promotes]
    sentences = len({h.sentence for h in claims if h.sentence >= 0}) + \
        sum(1 for h in claims if h.sentence < 0)
    calls = any(not h.promotes and (h.counted or h.context == Context.HEADING) for h in hits)
    return sentences >= enough or (sentences >= 1 and calls)


#: how much of a promoting page's score above the knee is kept: the best possible score
#: (every good sign, nothing deducted) lands exactly on the cap
_CAP_SCALE = (PROMOTES_CAP - CAP_KNEE) / (START + SIGNAL_CAP - CAP_KNEE)


def _compressed(raw: float) -> float:
    """A promoting page's score above the knee, scaled into the room below the cap
    (monotone: a better page still scores higher)."""
    return min(PROMOTES_CAP, CAP_KNEE + (raw - CAP_KNEE) * _CAP_SCALE)


def _deductions(hits: Sequence[Hit], lines: list[ScoreLine]) -> tuple[list[float], float]:
    """Each hit's points (0 when not counted) and their sum; one arithmetic line per count."""
    seen: dict[str, int] = {}
    weights = []
    for hit in hits:
        if not hit.counted:
            weights.append(0.0)
            continue
        points = SEVERITY_POINTS[hit.severity]
        notes = [f"{hit.severity.value} severity {points:g}"]
        if hit.context == "hedged":
            points *= HEDGED_FACTOR
            notes.append(f"hedged x{HEDGED_FACTOR:g}")
        if hit.probability is not None:
            points *= hit.probability
            notes.append(f"model probability x{hit.probability:g}")
        kind = hit.category or hit.rule
        repeat = seen.get(kind, 0)
        if repeat:
            points *= REPEAT_FACTOR**repeat
            notes.append(f"{_ordinal(repeat + 1)} {kind} claim x{REPEAT_FACTOR**repeat:g}")
        seen[kind] = repeat + 1
        points = round(points, 2)
        weights.append(points)
        lines.append(ScoreLine(f"{hit.rule} {hit.name}", -points,
                               f"line {hit.line}: " + ", ".join(notes)))
    return weights, sum(weights)


def _credits(credits: Sequence[Credit], lines: list[ScoreLine]) -> tuple[list[float], float]:
    """Each good sign's points (once per kind, within the cap) and their sum."""
    credited: set[str] = set()
    weights = []
    for credit in credits:
        kind = credit.category or credit.rule
        if kind in credited:
            weights.append(0.0)
            continue
        credited.add(kind)
        weights.append(credit.points)
        lines.append(ScoreLine(f"{credit.rule} {credit.name}", credit.points,
                               f"line {credit.line}: careful-writing signal"))
    bonus = sum(weights)
    if bonus > SIGNAL_CAP:
        lines.append(ScoreLine("signal cap", SIGNAL_CAP - bonus,
                               f"signals add at most {SIGNAL_CAP:g} points"))
        bonus = SIGNAL_CAP
    return weights, bonus


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
