"""The score arithmetic, step by step, as documented in the README."""

from __future__ import annotations

from claimcheck.score.scoring import (
    HEDGED_FACTOR,
    SEVERITY_POINTS,
    SIGNAL_CAP,
    Credit,
    Hit,
    grade_for,
    score_document,
)
from claimcheck.types import Severity


def hit(rule="CURE001", severity=Severity.HIGH, context="asserted", counted=True):
    return Hit(rule, "x.y", severity, context, counted, 1)


def test_clean_text_scores_100_grade_a():
    result = score_document([], [])
    assert (result.score, result.grade) == (100, "A")


def test_repeats_of_one_rule_count_less_each_time():
    result = score_document([hit(), hit(), hit()], [])
    high = SEVERITY_POINTS[Severity.HIGH]
    assert result.hit_weights == (high, high / 2, high / 4)
    assert result.score == round(100 - high * 1.75)


def test_hedged_claims_count_for_less_and_mentions_not_at_all():
    result = score_document([hit(context="hedged"), hit("MECH001", context="negated",
                                                        counted=False)], [])
    assert result.hit_weights == (SEVERITY_POINTS[Severity.HIGH] * HEDGED_FACTOR, 0.0)


def test_signals_add_back_once_per_rule_within_a_cap():
    credits = [Credit(f"GRISK00{i}", "r.s", 4.0, 1) for i in range(1, 7)] + [
        Credit("GRISK001", "r.s", 4.0, 2)]
    result = score_document([hit(), hit("MECH001")], credits)
    assert result.credit_weights[-1] == 0.0
    expected = 100 - 2 * SEVERITY_POINTS[Severity.HIGH] + SIGNAL_CAP
    assert result.score == round(expected)
    assert any(line.label == "signal cap" for line in result.arithmetic)


def test_score_is_clamped_and_arithmetic_adds_up():
    result = score_document([hit(f"CURE00{i}") for i in range(1, 9)], [])
    assert result.score == 0 and result.grade == "F"
    assert sum(line.points for line in result.arithmetic[:-1]) == 0


def test_grades():
    assert [grade_for(s) for s in (100, 85, 84, 70, 55, 40, 39, 0)] == [
        "A", "A", "B", "B", "C", "D", "F", "F"]
