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
