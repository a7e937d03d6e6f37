"""Sentences, assertions and offsets: every finding points at the exact words in the input."""

from __future__ import annotations

from claimcheck.nlp import Pipeline

PAGE = (
    "Renewal Stem Cells\n"
    "\n"
    "Why Choose Us?\n"
    "Our stem cells are a guaranteed cure.   They turn into new nerve cells!\n"
    "  • No side effects\n"
    "  • Café-style recovery rooms with no risk of rejection\n"
    "Although there is no cure for arthritis, our cells repair damaged cartilage; results vary.\n"
)


def test_sentences_follow_headings_bullets_and_punctuation():
    analysis = Pipeline().analyse(PAGE)
    texts = [PAGE[s.char_start:s.char_end] for s in analysis.sentences]
    assert texts[:4] == ["Renewal Stem Cells", "Why Choose Us?",
                         "Our stem cells are a guaranteed cure.", "They turn into new nerve cells!"]
    assert "No side effects" in texts
    kinds = {PAGE[s.char_start:s.char_end]: s.kind for s in analysis.sentences}
    assert kinds["Renewal Stem Cells"] == "heading"
    assert kinds["Why Choose Us?"] == "question"


def test_clauses_split_at_subordinate_commas_and_semicolons():
    analysis = Pipeline().analyse(PAGE)
    clauses = [PAGE[analysis.starts[a.start]:analysis.ends[a.end - 1]]
               for a in analysis.assertions]
    assert "Although there is no cure for arthritis," in clauses
    assert "our cells repair damaged cartilage;" in clauses


def test_hard_wrapped_prose_stays_one_sentence():
    text = ("This clinic page was written with hard line breaks in the middle of its\n"
            "sentences, the way old plain-text files often are.\n")
    analysis = Pipeline().analyse(text)
    assert len(analysis.sentences) == 1


def test_finding_offsets_lines_and_columns(checker):
    report = checker.check_text(PAGE)
    assert report.findings
    lines = PAGE.split("\n")
    for f in report.findings:
        assert PAGE[f.start:f.end] == f.match
        assert lines[f.line - 1][f.column - 1:].startswith(f.match.split("\n")[0])
        assert f.match in f.sentence
    for s in report.signals:
        assert PAGE[s.start:s.end] == s.match


def test_lemmas_make_inflections_match(checker):
    a = checker.check_text("We guarantee cures.")
    b = checker.check_text("They guaranteed a cure.")
    assert [f.rule for f in a.findings if f.counted] == [f.rule for f in b.findings if f.counted]


def test_typo_is_matched_fuzzily_with_a_similarity_below_100(checker):
    report = checker.check_text("Our clinic offers a guarenteed cure.")
    fuzzy = [f for f in report.findings if f.similarity < 100]
    assert fuzzy and fuzzy[0].counted


def test_empty_and_blank_text(checker):
    for text in ("", "   \n\n  "):
        report = checker.check_text(text)
        assert report.score == 100 and report.findings == () and report.stats.sentences == 0
