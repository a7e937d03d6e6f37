"""The matcher's shortcuts skip only work that cannot match: cases they must not drop."""

from __future__ import annotations

from claimcheck.match import PatternSet, PatternSpec


def _found(checker, specs: list[PatternSpec], text: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    analysis = checker.pipeline.analyse(text)
    return [(m.key, analysis.text[analysis.starts[m.start]:analysis.ends[m.end - 1]])
            for m in PatternSet(checker.pipeline, specs).find(analysis)]


def test_a_misspelt_phrase_with_its_short_words_is_found(checker):
    """Fuzzy windows are only scored in sentences that hold the phrase's short words ("not")."""
    specs = [PatternSpec("HYPE", phrase="not a miracle cure")]
    assert _found(checker, specs, "It is not a miracel cure.") == [("HYPE", "not a miracel cure")]
    assert _found(checker, specs, "It is a miracel cure.") == []


def test_optional_tokens_and_word_sets_around_the_anchor_still_match(checker):
    """The Matcher reads only where the steps around an anchor word can fit; a match that
    takes or skips optional tokens on either side, or any word of an IN set, is found whole."""
    specs = [PatternSpec("PROMISE", tokens=(
        {"LOWER": {"IN": ["fully", "totally"]}, "OP": "?"}, {"LEMMA": "guarantee"},
        {"IS_PUNCT": True, "OP": "?"}, {"LOWER": {"IN": ["cure", "results"]}}))]
    text = ("We totally guarantee, results. We guarantee a cure. We guarantee cure. "
            "Results we guarantee. Fully guaranteed results!")
    assert _found(checker, specs, text) == [
        ("PROMISE", "totally guarantee, results"), ("PROMISE", "guarantee cure"),
        ("PROMISE", "Fully guaranteed results")]


def test_a_pattern_several_keys_share_matches_for_each_as_if_alone(checker):
    """A phrase or token pattern held by several rules (rule packs that overlap) runs once,
    and every rule still gets its own exact and misspelt matches, the ones it gets alone."""
    phrase = "guaranteed cure"
    tokens = ({"LEMMA": "reverse"}, {"LOWER": "aging"})
    text = "A guaranteed cure. A guarenteed cure. We reverse aging. A cure that is guaranteed."
    alone = {key: _found(checker, [PatternSpec(key, phrase=phrase),
                                   PatternSpec(key, tokens=tokens)], text)
             for key in ("CURE001", "CURE101")}
    together = _found(checker, [PatternSpec("CURE001", phrase=phrase),
                                PatternSpec("CURE101", phrase=phrase),
                                PatternSpec("CURE001", tokens=tokens),
                                PatternSpec("CURE101", tokens=tokens)], text)
    assert [hit for hit in together if hit[0] == "CURE001"] == alone["CURE001"]
    assert [hit for hit in together if hit[0] == "CURE101"] == alone["CURE101"]
    assert alone["CURE001"] == [("CURE001", "guaranteed cure"), ("CURE001", "guarenteed cure"),
                                ("CURE001", "reverse aging")]
    # a different cut-off is a different pattern: exact only finds no misspelling
    strict = _found(checker, [PatternSpec("CURE001", phrase=phrase),
                              PatternSpec("CURE101", phrase=phrase, similarity=100)], text)
    assert strict.count(("CURE101", "guarenteed cure")) == 0
    assert strict.count(("CURE001", "guarenteed cure")) == 1


def test_patterns_spacy_passed_before_are_compiled_when_first_needed_and_match_the_same(checker):
    """Once spaCy has checked a set of token patterns, a new PatternSet compiles each one
    only when a sentence needs it (start-up), and finds exactly what the checked set finds."""
    specs = [PatternSpec("REVERSE", tokens=({"LEMMA": "reverse"}, {"IS_ALPHA": True, "OP": "?"},
                                            {"LOWER": {"IN": ["aging", "ageing", "arthritis"]}})),
             PatternSpec("HEAL", tokens=({"LOWER": "heal"}, {"LOWER": "itself"})),
             PatternSpec("NEVER", tokens=({"LOWER": "zebra"}, {"LOWER": "crossing"}))]
    text = "We reverse your arthritis. The body can heal itself. Reversing ageing is our aim."
    analysis = checker.pipeline.analyse(text)
    first = PatternSet(checker.pipeline, specs)  # checked by spaCy (or cached from before)
    later = PatternSet(checker.pipeline, specs)  # the cache says these patterns passed
    assert later._groups == [None, None, None]
    assert later.find(analysis) == first.find(analysis)
    assert [g is not None for g in later._groups] == [True, True, False]
    assert [m.key for m in later.find(analysis)] == ["REVERSE", "HEAL", "REVERSE"]


def test_a_tokens_flags_are_the_ones_spacy_gives_it(checker):
    """The outlines read each word's flags (alpha, digit, punctuation, title, number, URL) once
    and remember them: they are what the Doc says of every token, in every text."""
    from claimcheck.match import _FLAG_IDS, _TokenFlags

    known: dict = {}
    for text in ("Call 555-0101 today! Visit www.example.com, 3 for 1.",
                 "Dr. Ann Lee: ten SESSIONS, 20% off; https://x.org/a?b=1 ... twenty"):
        analysis = checker.pipeline.analyse(text)
        flags = _TokenFlags(checker.pipeline.nlp.vocab, analysis.texts, known)
        spacy_says = analysis.doc.to_array(list(_FLAG_IDS)).tolist()
        assert [list(map(int, flags[i])) for i in range(len(analysis.texts))] == spacy_says
