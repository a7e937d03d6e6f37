"""The score arithmetic, step by step, as documented in the README."""

from __future__ import annotations

import pytest

from claimcheck.score.scoring import (
    DENSITY_POINTS,
    HEDGED_FACTOR,
    PROMOTES_CAP,
    SEVERITY_POINTS,
    SIGNAL_CAP,
    UNPROVEN_A,
    Credit,
    Hit,
    grade_for,
    score_document,
)
from claimcheck.types import Severity


def hit(rule="CURE001", severity=Severity.HIGH, context="asserted", counted=True, **kw):
    return Hit(rule, "x.y", severity, context, counted, 1, **kw)


def test_clean_text_scores_100_grade_a():
    result = score_document([], [])
    assert (result.score, result.grade) == (100, "A")


def test_repeats_of_one_rule_count_less_each_time():
    result = score_document([hit(), hit(), hit(), hit()], [])
    high = SEVERITY_POINTS[Severity.HIGH]
    assert result.hit_weights == (high, high / 2, high / 4, round(high / 8, 2))
    assert result.score == round(100 - high * 1.875)  # below the cap's knee: plain arithmetic


def test_hedged_claims_count_for_less_and_mentions_not_at_all():
    result = score_document([hit(context="hedged"), hit("MECH001", context="negated",
                                                        counted=False)], [])
    assert result.hit_weights == (SEVERITY_POINTS[Severity.HIGH] * HEDGED_FACTOR, 0.0)


def test_signals_add_back_once_per_rule_within_a_cap():
    credits = [Credit(f"GRISK00{i}", "r.s", 4.0, 1) for i in range(1, 9)] + [
        Credit("GRISK001", "r.s", 4.0, 2)]
    result = score_document([hit(promotes=False), hit("MECH001", promotes=False)], credits)
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


def test_claims_of_one_kind_count_less_each_time_whichever_rule_or_model_found_them():
    result = score_document([hit("CURE001", category="cure"),
                             hit("RF-CURE", category="cure", probability=0.8),
                             hit("MECH001", category="mechanism")], [])
    high = SEVERITY_POINTS[Severity.HIGH]
    assert result.hit_weights == (high, round(high * 0.8 * 0.5, 2), high)
    assert "2nd cure claim x0.5" in result.arithmetic[2].detail
    assert "model probability x0.8" in result.arithmetic[2].detail


def test_a_page_that_sells_a_treatment_is_never_graded_a_or_b():
    credits = [Credit(f"GRISK00{i}", "r.s", 4.0, 1, f"cat{i}") for i in range(1, 9)]
    claim = hit(severity=Severity.LOW, category="cure", sentence=3)
    call = hit("SALE001", Severity.LOW, promotes=False, sentence=9)
    button = hit("SALE001", Severity.LOW, "heading", counted=False, promotes=False)
    selling = {
        "two claims": [claim, hit("MECH001", Severity.LOW, category="mechanism", sentence=5)],
        "a claim and a call to action": [claim, call],
        "a claim and a booking button": [claim, button],
    }
    for name, hits in selling.items():
        result = score_document(hits, credits)
        assert 55 <= result.score <= PROMOTES_CAP and result.grade == "C", name
        assert any(line.label == "cap" for line in result.arithmetic), name
    # one doubtful sentence on a page that offers nothing costs its points, not the verdict;
    # nor does a call to action alone, or a claim someone else makes
    for hits in ([claim], [claim, hit("MECH001", category="mechanism", sentence=3)], [call],
                 [claim, hit("MECH001", "quoted", counted=False, sentence=5)]):
        result = score_document(hits, credits)
        assert result.grade == "A" and not any(line.label == "cap" for line in result.arithmetic)
    alone = score_document([claim], [])
    assert alone.score == 100 - SEVERITY_POINTS[Severity.LOW]
    # the rules alone miss most claims: for them one found is enough to cap the page
    rules_only = score_document([claim], credits, classifier=False)
    assert rules_only.grade == "C" and any(line.label == "cap" for line in rules_only.arithmetic)


CAREFUL_PRP_PAGE = """Platelet-rich plasma for knee arthritis: what we know
It is not approved by the FDA as a treatment for knee arthritis, and insurers rarely pay for it.
A course of three injections usually costs between $1,500 and $3,000.
Small randomised trials have given mixed results, and larger trials are still under way.
Possible side effects include pain and swelling at the injection site, and rarely infection.
The injections have no side effects.
Ask your own doctor whether exercise therapy or weight loss would suit you better.
"""


def test_with_the_rules_alone_one_claim_caps_a_careful_looking_page(rules_checker):
    report = rules_checker.check_text(CAREFUL_PRP_PAGE)
    assert [f.rule for f in report.findings if f.counted] == ["SAFE001"]
    assert report.grade == "C" and any(line.label == "cap" for line in report.arithmetic)


def test_the_cap_keeps_the_order_of_pages_it_caps():
    # one small claim among many good signs ranks above two big claims with none: clipping
    # both at the cap would tie them
    credits = [Credit(f"GRISK00{i}", "r.s", 4.0, 1, f"cat{i}") for i in range(1, 9)]
    careful = score_document([hit(severity=Severity.LOW, category="cure"),
                              hit("SALE001", Severity.LOW, promotes=False)], credits)
    selling = score_document([hit("CURE001", Severity.MEDIUM, category="cure"),
                              hit("MECH001", Severity.LOW, category="mechanism")], [])
    assert careful.score > selling.score >= 55
    assert careful.grade == selling.grade == "C"
    # the arithmetic still adds up to the score
    assert sum(line.points for line in careful.arithmetic[:-1]) == pytest.approx(
        careful.score, abs=0.5)
    # below the knee the cap changes nothing
    weak = score_document([hit(f"X{i:03d}", category=f"c{i}") for i in range(2)], [])
    assert weak.score < 55 and not any(line.label == "cap" for line in weak.arithmetic)


def test_red_flags_spread_thin_over_a_long_page_cost_at_most_the_density_cap():
    hits = [hit(f"X{i:03d}", category=f"c{i}", sentence=i) for i in range(4)]
    long_page = score_document(hits, [], sentences=100)
    density = [line for line in long_page.arithmetic if line.label == "density cap"]
    assert density and sum(line.points for line in long_page.arithmetic[1:5]) + \
        density[0].points == -DENSITY_POINTS * 4
    assert 55 <= long_page.score <= PROMOTES_CAP
    short_page = score_document(hits, [], sentences=8)
    assert short_page.score == 0


def test_the_verdict_names_the_treatment_and_careful_needs_good_signs():
    bad = score_document([hit(f"X{i:03d}", category=f"c{i}") for i in range(5)], [],
                         treatment="IV drips")
    assert "IV drips" in bad.verdict and "stem" not in bad.verdict
    nothing = score_document([], [])
    assert nothing.grade == "A" and nothing.verdict == UNPROVEN_A
    careful = score_document([], [Credit("GRISK001", "r.s", 4.0, 1)])
    assert "careful" in careful.verdict


@pytest.mark.parametrize("text,treatment", [
    ("Our stem-cell clinic: stem cells for knees. Also PRP.", "stem cell treatment"),
    ("PRP, PRP and more platelet-rich plasma; one stem cell mention.", "PRP injections"),
    ("Book your NAD+ drip. NAD+ boosts energy.", "NAD+ infusions"),
    ("Three minutes in the cryo chamber.", "cryotherapy"),
    ("Vitamin infusions in our relaxed lounge; book a vitamin infusion.", "IV drips"),
    ("Regenerative injections for knees: regenerative medicine at its best.",
     "regenerative injections"),
    ("Stem cells, the heart of regenerative medicine.", "stem cell treatment"),  # tie: listed first
    ("Systemic symptoms, a stemmed glass, preprandial notes.", None),  # inside other words
])
def test_the_page_is_about_the_treatment_it_names_most(text, treatment):
    from claimcheck.score.topic import page_treatment

    assert page_treatment(text) == treatment


def test_the_treatment_words_match_as_the_plain_alternation_would():
    """The trie regex finds, at each place, the longest word, like the alternation of every
    word sorted longest first, and nothing inside a longer word."""
    import re

    from claimcheck.score.topic import _trie

    words = ["stem cell", "stem cells", "stem-cell", "stem", "cell", "iv", "iv drip",
             "iv drips", "nad", "nad+"]
    text = ("stem cells, a stem cell, stem-cells, stemming, iv dripsy, IV drips, iv drip! "
            "nad+ nadir nad").lower()
    plain = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    found = [m.group(0) for m in re.finditer(rf"(?<!\w)(?:{_trie(words)})(?![\w+])", text)]
    assert found == [m.group(0) for m in re.finditer(rf"(?<!\w)(?:{plain})(?![\w+])", text)]
    # "stem-cells": "stem-cell" runs on into a word, "stem" does not; likewise "iv dripsy"
    assert found == ["stem cells", "stem cell", "stem", "iv", "iv drips", "iv drip", "nad+",
                     "nad"]
