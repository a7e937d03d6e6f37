"""Property-based tests over arbitrary text: no crash, exact offsets, bounded scores."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PHRASES = [
    "guaranteed cure", "no side effects", "stem cells turn into nerve cells", "FDA approved",
    "Be wary of clinics that promise", "not", "may", "?", "Ask your doctor.", "“miracle”",
    "risks include infection", "doi:10.1000/xyz", "NCT01234567", "Tired of pain?", ",", ".",
    "\n", "\n\n", "• ", "Our clinic", "there is no cure", "patients report", "90% success",
    "PMID: 12345678", "2016;12:45", "https://doi.org/10.1000/abc", "PMC1234567", "doi",
]
FRAGMENTS = st.lists(st.one_of(st.sampled_from(PHRASES), st.text(max_size=12)), max_size=40)
TEXTS = st.one_of(st.text(max_size=400), FRAGMENTS.map(" ".join), FRAGMENTS.map("".join))
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


@SETTINGS
@given(TEXTS)
def test_any_text_checks_with_exact_offsets_and_a_bounded_score(checker, text):
    report = checker.check_text(text)
    assert report.score is not None and 0 <= report.score <= 100
    assert report.grade in {"A", "B", "C", "D", "F"}
    for item in (*report.findings, *report.signals):
        assert text[item.start:item.end] == item.match
        assert (item.line, item.column) == line_col(text, item.start)
        assert item.match and item.match in item.sentence
    for f in report.findings:
        assert f.counted == (f.weight > 0)


@SETTINGS
@given(TEXTS)
def test_the_same_text_gives_the_same_report(checker, text):
    assert checker.check_text(text).to_dict() == checker.check_text(text).to_dict()


def _without_outlines(patterns):  # type: ignore[no-untyped-def]
    import copy

    loose = copy.copy(patterns)
    loose._outlines = [None] * len(patterns._outlines)  # whole sentences
    loose._unanchored = [(pre, None, m) for pre, _, m in patterns._unanchored]  # whole texts
    return loose



def _rule_texts(checker) -> list[str]:  # type: ignore[no-untyped-def]
    return [ex for r in checker.rules.rules for ex in (*r.examples_flag, *r.examples_pass)]


def test_pattern_outlines_never_hide_a_match(checker):
    """The outline check that spares Matcher calls, and the windows around anchors and regex
    hits that the Matcher then reads, are only shortcuts: over every rule example and the cue
    patterns, token matches are the same as on whole sentences and whole texts."""
    for patterns in (checker.detectors[0]._patterns, checker._cues):
        loose = _without_outlines(patterns)
        assert any(o is not None for o in patterns._outlines)
        texts = _rule_texts(checker)
        for text in [*texts, " ".join(texts)]:
            analysis = checker.pipeline.analyse(text)
            assert sorted(patterns._token_matches(analysis)) == sorted(
                loose._token_matches(analysis)), text


@SETTINGS
@given(TEXTS)
def test_pattern_outlines_never_hide_a_match_in_any_text(checker, text):
    patterns = checker.detectors[0]._patterns
    analysis = checker.pipeline.analyse(text)
    assert sorted(patterns._token_matches(analysis)) == sorted(
        _without_outlines(patterns)._token_matches(analysis))


def test_a_pattern_found_by_its_regex_is_read_around_the_hit(checker):
    """A pattern with no literal word runs only near where its regex occurs, but a match
    that starts tokens before the regex token is still found whole."""
    from claimcheck.match import PatternSet, PatternSpec

    spec = PatternSpec("DOSE", tokens=({"LIKE_NUM": True}, {"ORTH": "-", "OP": "?"},
                                       {"TEXT": {"REGEX": "^mg$"}}))
    patterns = PatternSet(checker.pipeline, [spec])
    assert patterns._unanchored and patterns._unanchored[0][1] == 3
    text = "Our drip has 500 mg of vitamin C. Later, 20-mg doses. No dose here.\n" * 3
    analysis = checker.pipeline.analyse(text)
    found = [analysis.text[analysis.starts[m.start]:analysis.ends[m.end - 1]]
             for m in patterns.find(analysis)]
    assert found == ["500 mg", "20-mg"] * 3
    assert sorted(patterns._token_matches(analysis)) == sorted(
        _without_outlines(patterns)._token_matches(analysis))


#: what spaCy's tokenizer treats specially: contractions, abbreviations, emoticons, URLs, odd
#: spaces (each would split a text the wrong way if a piece boundary could reach it)
TOKENIZER_BITS = [
    "it's", "Dr.", "can't", "don't!", "e.g.", "U.S.", "a.m.", ":)", "(Dr.", "’s", "o.O",
    "https://example.com/a?b=1", "10%", "co-op", "\n", "\n\n", "  ", "\xa0", "\t", "cells",
    "Mr. Smith's", "...", "(a)", "5pm", "x", "A", "y'all", "ain't",
]


@SETTINGS
@given(st.lists(st.one_of(st.sampled_from(TOKENIZER_BITS), st.text(max_size=8)),
                max_size=60).map(" ".join))
def test_tokenizing_a_piece_at_a_time_gives_spacys_own_tokens(checker, monkeypatch, text):
    """Long texts reach spaCy's tokenizer a piece at a time (it stops caching after a special
    case, spaCy issue #13950): the tokens, offsets, spaces and norms are those of the whole."""
    import numpy
    from spacy.attrs import IDX, NORM, ORTH, SPACY

    import claimcheck.nlp.pipeline as pipeline_module

    monkeypatch.setattr(pipeline_module, "PIECE_CHARS", 3)  # a piece every few words
    pipeline = checker.pipeline
    whole, pieces = pipeline.nlp.make_doc(text), pipeline._make_doc(text)
    attrs = [ORTH, IDX, SPACY, NORM]
    assert pieces.text == text
    assert numpy.array_equal(pieces.to_array(attrs), whole.to_array(attrs))
