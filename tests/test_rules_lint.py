"""Lint the shipped rule files: the rule set is data with its own proof."""

from __future__ import annotations

from collections import Counter

from claimcheck.ruleset import CATEGORIES, load_rules

SEEDS = {
    "000_6d742740db067447.txt", "001_1925c3b31389807e.txt", "002_d90d5da2f32bdc8e.txt",
    "003_78ff0df0cc1cf59d.txt", "004_2856971da7c63e60.txt",
}
RULES = load_rules().rules


def test_at_least_twenty_red_flag_rules_over_the_required_classes():
    red = [r for r in RULES if r.kind.value == "red"]
    assert len(red) >= 20
    required = {"cure", "mechanism", "safety", "root-cause", "regulatory",
                "pay-to-participate", "testimonial", "evidence"}
    assert required <= {r.category for r in red}


def test_ids_are_unique_and_prefixed_by_category():
    assert len({r.id for r in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.id.startswith(CATEGORIES[rule.category][0]), rule.id


def test_names_are_unique():
    names = Counter(r.name for r in RULES)
    assert [n for n, c in names.items() if c > 1] == []


def test_no_phrase_is_shared_by_two_rules():
    owner: dict[str, str] = {}
    for rule in RULES:
        for phrase in rule.phrases:
            key = phrase.lower()
            assert key not in owner or owner[key] == rule.id, (
                f"{phrase!r} is in {owner.get(key)} and {rule.id}")
            owner[key] = rule.id


def test_every_rule_has_three_examples_each_way_and_cites_a_source():
    for rule in RULES:
        assert len(rule.examples_flag) >= 3, rule.id
        assert len(rule.examples_pass) >= 3, rule.id
        assert rule.sources, rule.id


def test_seed_citations_name_real_seed_files():
    for rule in RULES:
        for source in rule.sources:
            if source.seed:
                assert source.seed in SEEDS, (rule.id, source.seed)
            else:
                assert source.url and source.url.startswith("http"), rule.id


def test_plain_language_fields_are_sentences():
    for rule in RULES:
        for text in (rule.summary, rule.why, rule.ask):
            assert text.lstrip('"“‘\'')[0].isupper() and text.rstrip()[-1] in ".?!", (rule.id, text)


def test_seed_quotes_are_verbatim_in_the_seed():
    """A citation must point at words the seed really contains (when the seeds are present)."""
    import re
    from pathlib import Path

    import pytest

    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")

    def norm(text: str) -> str:
        text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
        return re.sub(r"\s+", " ", text).lower()

    bodies = {p.name: norm(p.read_text(encoding="utf-8")) for p in seeds.glob("*.txt")}
    for rule in RULES:
        for source in rule.sources:
            if source.seed:
                assert norm(source.quote) in bodies[source.seed], (rule.id, source.quote)
