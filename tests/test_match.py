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
