"""The claim classifier: shipped and used by default, judged in context, rebuilt reproducibly."""

from __future__ import annotations

import json
from pathlib import Path

import numpy
import pytest
from conftest import ROOT, run_cli

from claimcheck.checker import Checker
from claimcheck.classifier.classes import load_classes
from claimcheck.classifier.model import read_model, shipped_model
from claimcheck.classifier.train import TrainConfig, train
from claimcheck.errors import UsageError

MINI_CORPUS = ROOT / "tests" / "data"
#: claims no rule phrase covers: only the model can find them
UNCOVERED = "Most of our clients leave their very first session completely pain-free."


def counted(report, detector=None):  # type: ignore[no-untyped-def]
    return [f for f in report.findings if f.counted and detector in (None, f.detector)]


def test_the_shipped_model_loads_and_is_used_by_default(checker):
    model = shipped_model()
    assert model.classes == tuple(load_classes())
    assert model.coef.shape == (len(model.vocab), len(model.classes) + 1)  # + the gate
    assert [d.name for d in checker.detectors] == ["rules", "model"]
    finding = [f for f in counted(checker.check_text(UNCOVERED), "model")
               if f.rule == "RF-CURE"][0]
    assert finding.context == "asserted"
    assert 0.5 <= finding.probability <= 1 and finding.evidence
    # the highlighted words are the model's evidence, and offsets point at them
    assert UNCOVERED[finding.start:finding.end] == finding.match
    words, weight, start, end = finding.evidence[0]
    assert weight > 0 and finding.start <= start < end <= finding.end
    assert words.split()[0][:4] in UNCOVERED[start:end].lower()


def test_the_rules_alone_miss_what_the_model_finds(rules_checker):
    assert not counted(rules_checker.check_text(UNCOVERED))


@pytest.mark.parametrize("context,text", [
    ("warning", "Be wary of any clinic that says its clients leave their first session "
                "completely pain-free."),
    ("negated", "It is not true that clients leave their first session completely pain-free."),
    ("quoted", "The clinic told her that most clients leave their first session completely "
               "pain-free."),
    ("question", "Do most clients really leave their first session completely pain-free?"),
    ("conditional", "If a clinic says most clients leave their first session completely "
                    "pain-free, ask for the data."),
])
def test_model_findings_go_through_the_context_judge(checker, context, text):
    report = checker.check_text(text)
    assert not counted(report, "model"), [(f.rule, f.context) for f in report.findings]


def test_a_denial_must_cover_the_claim_not_one_word_of_its_evidence(checker):
    """The model's evidence is judged piece by piece; a warning or a report around any piece
    wins, but a negation only counts when it covers the claim itself (the first span)."""
    from claimcheck.context import ContextJudge

    text = "Our partner clinic abroad offers what doctors at home are not allowed to."
    analysis = checker.pipeline.analyse(text)
    judge = ContextJudge(checker._cue_table, analysis,
                         checker._cues.find(analysis, fuzzy=False))
    at = {w: analysis.texts.index(w) for w in ("partner", "allowed")}
    partner, allowed = (at["partner"], at["partner"] + 1), (at["allowed"], at["allowed"] + 1)
    assert judge.judge_spans([allowed]).context.value == "negated"
    assert judge.judge_spans([partner, allowed]).context.value == "asserted"
    assert judge.judge_spans([allowed, partner]).context.value == "negated"
    warned = "Be wary of clinics abroad that offer what doctors at home are not allowed to."
    analysis = checker.pipeline.analyse(warned)
    judge = ContextJudge(checker._cue_table, analysis,
                         checker._cues.find(analysis, fuzzy=False))
    clinics, offer = analysis.texts.index("abroad"), analysis.texts.index("offer")
    assert judge.judge_spans([(clinics, clinics + 1), (offer, offer + 1)]).context.value \
        == "warning"


def test_a_plain_sentence_is_judged_at_once_as_every_piece_would_be(checker):
    """A model claim in a sentence with no cue, quotation or open question is judged once,
    not piece by piece: the short cut must give what judging every piece gives."""
    from claimcheck.context import ContextJudge

    text = ("Our clinic offers stem cell therapy for knees. Is it right for you? "
            "Many clinics say \"miracle\" results, but studies may not agree.\n\n"
            "Fast Relief Today\n\nPatients do not always respond; we never promise a cure. "
            "Our doctors believe this treatment may help with pain. "
            "Be wary of any clinic that promises to cure arthritis.")
    analysis = checker.pipeline.analyse(text)
    judge = ContextJudge(checker._cue_table, analysis, checker._cues.find(analysis, fuzzy=False))
    full = ContextJudge(checker._cue_table, analysis, checker._cues.find(analysis, fuzzy=False))
    full._plain = lambda index: False  # the long way: every piece judged on its own
    plain = 0
    for index, sentence in enumerate(analysis.sentences):
        plain += judge._plain(index)
        tokens = range(sentence.start, sentence.end)
        for spans in ([(t, t + 1) for t in tokens], [(t, t + 2) for t in tokens][::-1][:3],
                      [(sentence.start, sentence.end)]):
            spans = [(s, min(e, sentence.end)) for s, e in spans]
            assert judge.judge_spans(spans) == full.judge_spans(spans), (sentence, spans)
    assert 0 < plain < len(analysis.sentences)  # both ways were taken


def test_a_model_finding_in_a_heading_does_not_count(checker):
    text = "Pain-Free After One Visit\n\nOur clinic opened in 2019 and has six treatment rooms."
    heading = [f for f in checker.check_text(text).findings
               if f.detector == "model" and f.sentence == "Pain-Free After One Visit"]
    assert heading and all(f.context == "heading" and not f.counted for f in heading)


CLASS_EXAMPLES = [(r.id, True, ex) for r in load_classes().values() for ex in r.examples_flag] + [
    (r.id, False, ex) for r in load_classes().values() for ex in r.examples_pass]


@pytest.mark.parametrize("class_id,flag,text", CLASS_EXAMPLES,
                         ids=[f"{c}-{'flag' if f else 'pass'}-{i}"
                              for i, (c, f, _) in enumerate(CLASS_EXAMPLES)])
def test_class_examples(checker, class_id, flag, text):
    """Each class's own examples: flag ones count a claim (or show a good sign) of that kind,
    pass ones do not."""
    rule = load_classes()[class_id]
    report = checker.check_text(text)
    if rule.kind.value == "green":
        from claimcheck.ruleset.schema import CATEGORIES

        kinds = {s.name.split(".", 1)[1] if s.name.startswith("model.") else
                 next(c for c, (prefix, _, _) in CATEGORIES.items() if s.rule.startswith(prefix))
                 for s in report.signals}
        assert (rule.category in kinds) == flag, [(s.rule, s.match) for s in report.signals]
        return
    found = [f for f in counted(report) if f.category == rule.category]
    assert bool(found) == flag, [(f.rule, f.context, f.probability) for f in found]


def test_a_rule_and_the_model_on_one_claim_are_one_finding(checker):
    report = checker.check_text("Our stem cells are a guaranteed cure for arthritis.")
    cure = [f for f in report.findings if f.category == "cure"]
    assert len(cure) == 1 and cure[0].detector == "rules"


def test_detector_option_chooses_what_finds_claims():
    assert [d.name for d in Checker(detector="rules").detectors] == ["rules"]
    assert [d.name for d in Checker(detector="model").detectors] == ["model"]
    with pytest.raises(UsageError):
        Checker(detector="crystal-ball")


def test_disabling_a_category_turns_off_its_model_class_too():
    from claimcheck.ruleset import load_rules

    rules = load_rules().configured(["cure"])
    report = Checker(rules).check_text(UNCOVERED)
    assert not [f for f in report.findings if f.category == "cure"]


def test_cli_detector_flag_and_json_fields(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(UNCOVERED + "\n", encoding="utf-8")
    both = json.loads(run_cli("check", "-f", "json", str(page)).stdout)["documents"][0]
    model = [f for f in both["findings"] if f["detector"] == "model"]
    assert model and model[0]["probability"] > 0.5 and model[0]["evidence"][0]["words"]
    assert {"words", "weight", "start", "end"} == set(model[0]["evidence"][0])
    rules = json.loads(run_cli("check", "-f", "json", "--detector", "rules",
                               str(page)).stdout)["documents"][0]
    assert all(f["detector"] == "rules" for f in rules["findings"])
    assert rules["score"] > both["score"]


def _mini(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "mini.jsonl").write_bytes((MINI_CORPUS / "mini-corpus.jsonl").read_bytes())
    return folder


def test_retraining_is_deterministic(tmp_path):
    corpus = _mini(tmp_path)
    config = TrainConfig(min_df=1, validation_percent=0)
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    train(corpus, config).model.save(first)
    train(corpus, config).model.save(second)
    assert first.read_bytes() == second.read_bytes()
    model = read_model(first)
    assert model.meta["sentences"] == 30 and model.meta["validation"] == 0
    # it learnt its corpus: a positive scores higher for its class than its negative twin
    from claimcheck.nlp import Pipeline

    a = Pipeline().analyse("Our patients leave the clinic pain-free after a single visit.")
    b = Pipeline().analyse("No clinic can promise that patients leave pain-free after a "
                           "single visit.")
    cure = model.classes.index("RF-CURE")
    assert (model.probabilities(a.lemmas, a.lower, 0, len(a.lemmas))[cure]
            > model.probabilities(b.lemmas, b.lower, 0, len(b.lemmas))[cure])


def test_train_refuses_a_corpus_with_problems(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bad.jsonl").write_text('{"text": "x", "labels": ["RF-MAGIC"]}\n')
    with pytest.raises(UsageError, match="problems"):
        train(corpus, TrainConfig())


def test_a_model_file_with_pickled_objects_is_refused(tmp_path):
    path = tmp_path / "evil.npz"
    numpy.savez(path, classes=numpy.array([object()], dtype=object))
    with pytest.raises(ValueError):
        read_model(path)


def test_scoring_looks_up_the_n_grams_training_spells_out(checker):
    """Checking looks n-grams up by their words' ids, for all sentences of a text at once (a
    known pair is spelt out once per process); that must give exactly the ids of the n-grams
    training spells out, sentence by sentence, never one across two sentences."""
    from claimcheck.classifier.features import grams, token_terms
    from claimcheck.classifier.model import _gram_spans

    model = shipped_model()
    texts = [ex for r in checker.rules.rules for ex in (*r.examples_flag, *r.examples_pass)]
    texts += ["Zyxq flurbo our stem cells cure arthritis qwv, and no side effects zork.",
              " ".join(texts[:40]), "Cure.", ""]
    for text in texts + texts:  # the second time round, from remembered pairs
        a = checker.pipeline.analyse(text)
        terms = token_terms(a.lemmas, a.lower)
        ranges = [(s.start, s.end) for s in a.sentences]
        flat, sizes, positions = model._term_ids(terms, ranges)
        spelt = [grams(terms, s, e) for s, e in ranges]
        assert flat.tolist() == [model.vocab.get(t, -1) for g in spelt for t in g.texts]
        assert sizes.tolist() == [len(g.texts) for g in spelt]
        flat_positions, counts = positions
        assert flat_positions.tolist() == [i for g in spelt for i in g.pos]
        assert counts.tolist() == [len(g.pos) for g in spelt]
        # every n-gram's token range, worked out for arrays, is the one training spells out
        sentence = numpy.repeat(numpy.arange(len(ranges)), sizes)
        index = numpy.arange(len(flat)) - numpy.repeat(numpy.cumsum(sizes) - sizes, sizes)
        starts, ends = _gram_spans(positions, sentence, index)
        assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == [
            g.span(k) for g in spelt for k in range(len(g.texts))]


def _placed_with_model_claim(checker, text, class_id, word):  # type: ignore[no-untyped-def]
    """The text's rule candidates and one model candidate of ``class_id`` on ``word``, placed
    and judged as a report would be."""
    from claimcheck.context import ContextJudge
    from claimcheck.detect import Candidate
    from claimcheck.findings import place

    analysis = checker.pipeline.analyse(text)
    judge = ContextJudge(checker._cue_table, analysis, checker._cues.find(analysis, fuzzy=False))
    at = analysis.texts.index(word)
    model = Candidate(load_classes()[class_id], at, at + 1, "model", detector="model",
                      probability=0.9, evidence=((word, 1.0),), spans=((at, at + 1),))
    rules = [c for c in checker.candidates(analysis) if c.detector == "rules"]
    red, _ = place(sorted([*rules, model], key=lambda c: (c.start, c.end)), analysis, judge)
    return [p for p in red if p.candidate.detector == "model"]


@pytest.mark.parametrize("answered,plain,class_id,word", [
    ("Consult with your own physician for recommendations.",
     "Call our front desk for recommendations.", "RF-SALES", "recommendations"),
    ("More research is needed before the results can be trusted.",
     "Our results can be trusted.", "RF-EVID", "results"),
    ("Exosome products are not approved by the FDA; our lab follows strict standards.",
     "Our lab follows strict standards.", "RF-REG", "standards"),
])
def test_a_model_flag_its_own_sentence_answers_does_not_count(checker, answered, plain,
                                                              class_id, word):
    """The model can read careful words as the claim they answer ("consult your own doctor"
    as a call to buy, "more research is needed" as a claim of evidence). When a rule finds
    the answering good sign in the same sentence, the model's finding does not count."""
    [model] = _placed_with_model_claim(checker, answered, class_id, word)
    assert model.judgement.context.value == "answered" and not model.counted
    [model] = _placed_with_model_claim(checker, plain, class_id, word)
    assert model.counted


def test_a_risk_sentence_does_not_answer_a_safety_claim(checker):
    """'Side effects are rare' opens risk disclosures and minimises them too: a model safety
    claim beside it still counts."""
    [model] = _placed_with_model_claim(
        checker, "Side effects are rare, and our protocol is gentle enough for children.",
        "RF-SAFE", "gentle")
    assert model.counted


def test_a_rule_finding_is_not_answered_away(checker):
    """A rule matched the claim's own words: a good sign beside it does not cancel it."""
    report = checker.check_text("Book your free consultation today, and talk to your own "
                                "doctor too.")
    assert any(f.category == "sales" and f.detector == "rules" and f.counted
               for f in report.findings)
    assert any(s.rule.startswith("GCONS") for s in report.signals)


@pytest.mark.parametrize("careful,selling", [
    ("Two small trials have found that the injections ease knee pain, though the benefit "
     "faded by six months.",
     "Trials have found that the injections ease knee pain for years."),
    ("Small pilot studies have shown that the infusions ease fatigue, but none had a control "
     "group.",
     "Studies have shown that the infusions ease fatigue in almost every patient."),
])
def test_an_appeal_to_evidence_its_sentence_qualifies_is_not_vague(checker, careful, selling):
    """'Trials have found that ...' is a vague appeal to evidence; said of small trials whose
    benefit faded it is a careful summary, and the rule's finding does not count."""
    def evidence(text):  # type: ignore[no-untyped-def]
        return [f for f in checker.check_text(text).findings if f.category == "evidence"]
    [careful_finding] = evidence(careful)
    assert careful_finding.context.value == "answered" and not careful_finding.counted
    assert any(f.counted for f in evidence(selling))


@pytest.mark.parametrize("text", [
    "Studies show that ozone kills viruses, although individual results may differ.",
    "Numerous studies have proven that PRP heals tendons faster than surgery, even in small "
    "trials.",
])
def test_a_stock_disclaimer_or_a_proof_keeps_the_evidence_claim(checker, text):
    """'Results may vary' is the disclaimer under a sales claim, and 'proven' is no summary
    of limited evidence: the claim still counts."""
    assert any(f.category == "evidence" and f.counted for f in checker.check_text(text).findings)


def test_numbers_in_words_are_figures_like_any_other():
    from claimcheck.classifier.features import term

    assert term("three", "three") == term("3", "3") == "<num>"
    assert term("dozen", "dozen") == "<num>"
    assert term("one", "one") == "one"  # as often a pronoun: "one of those women"
    assert term("first", "first") == "first"


def test_fragments_are_pieces_of_plain_negatives_drawn_the_same_way_each_time():
    from claimcheck.classifier.train import fragments

    rows = [json.loads(line) for line in
            (MINI_CORPUS / "mini-corpus.jsonl").read_text().splitlines() if line.strip()]
    pieces = fragments(rows, 2, (2, 6))
    assert pieces == fragments(rows, 2, (2, 6))
    plain = [r["text"] for r in rows if not r["labels"] and r["context"] == "plain"]
    assert len(pieces) == 2 * sum(1 for t in plain if len(t.split()) > 2)
    for piece in pieces:
        assert 2 <= len(piece.split()) <= 6
        assert any(f" {piece} " in f" {t} " for t in plain)
    # never a piece of a claim, nor of a denied, warned-against or reported one
    assert fragments([r for r in rows if r["labels"] or r["context"] != "plain"], 2, (2, 6)) \
        == []


def test_a_page_written_whole_is_split_whole_and_its_id_is_checked():
    from claimcheck.classifier.corpus import split_of, validate

    line = {"labels": [], "kind": "iv-drips", "voice": "landing", "context": "plain"}
    pages = {f"page-{n}": [dict(line, text=f"Line {k} of page {n}.", page=f"page-{n}")
                           for k in range(30)] for n in range(40)}
    sides = {pid: {split_of(row) for row in rows} for pid, rows in pages.items()}
    assert all(len(s) == 1 for s in sides.values())  # never a page in both splits
    assert {"train", "validation"} == set().union(*sides.values())  # yet pages go to both
    assert validate(pages["page-0"][0]) == []
    assert validate(dict(line, text="A line.", page="")) == ["page must be a non-empty string"]
    assert validate(dict(line, text="A line.", page=3)) == ["page must be a non-empty string"]


def test_retraining_with_fragments_is_deterministic_and_fragments_are_negatives(tmp_path):
    corpus = _mini(tmp_path)
    plain = train(corpus, TrainConfig(min_df=1, validation_percent=0)).model
    config = TrainConfig(min_df=1, validation_percent=0, fragments=3)
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    train(corpus, config).model.save(first)
    train(corpus, config).model.save(second)
    assert first.read_bytes() == second.read_bytes()
    cut = read_model(first)
    assert cut.vocab == plain.vocab  # pieces add examples, not words
    # the gate learnt that the words of plain sentences, cut short, claim nothing
    from claimcheck.classifier.train import fragments
    from claimcheck.nlp import Pipeline

    rows = [json.loads(line) for line in
            (MINI_CORPUS / "mini-corpus.jsonl").read_text().splitlines() if line.strip()]
    gate = len(cut.classes)
    lower = 0
    pieces = fragments(rows, 3, (2, 6))
    for piece in pieces:
        a = Pipeline().analyse(piece)
        lower += (cut.probabilities(a.lemmas, a.lower, 0, len(a.lemmas))[gate]
                  < plain.probabilities(a.lemmas, a.lower, 0, len(a.lemmas))[gate])
    assert lower > len(pieces) / 2


def test_a_careful_trial_page_reads_as_careful(checker):
    """A registered trial recruiting volunteers (risks, placebo, no fee, 'we do not know
    whether it will help') is what careful looks like: the model's reading of its FDA and
    ClinicalTrials.gov sentence as a regulatory claim is answered by the registration."""
    text = (ROOT / "samples" / "batch" / "ad-03-hospital-trial.txt").read_text()
    report = checker.check_text(text)
    assert report.grade == "A", [(f.rule, f.context, f.sentence[:60])
                                 for f in report.findings if f.counted]


@pytest.mark.parametrize("value", ["[3, 2]", "[0, 4]", "4", '["a", "b"]', "[2, 3, 4]"])
def test_a_bad_fragment_setting_is_a_clear_error(tmp_path, value):
    config = tmp_path / "config.toml"
    config.write_text(f"fragments = 1\nfragment_words = {value}\n")
    with pytest.raises(UsageError, match="fragment_words"):
        TrainConfig.read(config)


def test_a_class_that_needs_words_is_found_only_where_one_is():
    """``needs`` in the class file: pay-to-participate needs something to take part in, so a
    price alone is no such claim; a malformed list is a clear error naming the class."""
    from claimcheck.classifier.classes import _classes
    from claimcheck.errors import RuleFileError

    pay = load_classes()["RF-PAY"]
    assert {"study", "trial", "registry"} <= pay.needs
    item = {"id": "RF-PAY", "name": "model.pay", "category": "pay-to-participate",
            "severity": "high", "summary": "s", "why": "w", "ask": "a",
            "sources": [{"url": "https://example.org", "title": "t", "quote": "q"}],
            "examples": {"flag": ["Pay to join our study."], "pass": ["A price."]}}
    assert _classes([{**item, "needs": ["Study "]}], "f.yaml")["RF-PAY"].needs == {"study"}
    assert not _classes([item], "f.yaml")["RF-PAY"].needs
    with pytest.raises(RuleFileError, match="needs"):
        _classes([{**item, "needs": "study"}], "f.yaml")
