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
