"""Parsed rule and data files are kept as JSON keyed by their text: same rules, never stale."""

from __future__ import annotations

import os

import pytest
from conftest import USER_RULE

from claimcheck.errors import RuleFileError
from claimcheck.match import PatternSet, PatternSpec
from claimcheck.ruleset import load_rules


def _rules(folder):  # type: ignore[no-untyped-def]
    return [(r.to_dict(), r.phrases, r.token_patterns, r.examples_flag, r.examples_pass)
            for r in load_rules([folder], builtin=False).rules]


@pytest.fixture
def cache(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    where = tmp_path / "cache"
    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(where))
    monkeypatch.delenv("CLAIMCHECK_NO_CACHE", raising=False)
    return where


def test_a_cached_rule_file_loads_the_same_rules_and_an_edit_is_never_stale(tmp_path, cache):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "mine.yaml").write_text(USER_RULE, encoding="utf-8")
    fresh = _rules(rules)
    assert len(list(cache.glob("yaml-*.json"))) == 1
    assert _rules(rules) == fresh  # read back from the cache
    (rules / "mine.yaml").write_text(USER_RULE.replace('"quantum healing" language',
                                                       '"quantum cure" talk'), encoding="utf-8")
    edited = _rules(rules)
    assert edited != fresh and "quantum cure" in edited[0][0]["summary"]
    assert len(list(cache.glob("yaml-*.json"))) == 2


def test_a_damaged_cache_file_is_parsed_again(tmp_path, cache):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "mine.yaml").write_text(USER_RULE, encoding="utf-8")
    fresh = _rules(rules)
    for f in cache.glob("yaml-*.json"):
        f.write_text('{"not": "a rule list"', encoding="utf-8")
    assert _rules(rules) == fresh


def test_a_cached_file_is_still_checked_and_errors_name_their_line(tmp_path, cache,
                                                                  monkeypatch):
    rules = tmp_path / "rules"
    rules.mkdir()
    second = USER_RULE.replace("HYPE950", "HYPE951").replace("quantum-healing", "other")
    (rules / "bad.yaml").write_text(USER_RULE + second.replace("severity: medium",
                                                               "severity: huge"),
                                    encoding="utf-8")
    messages = []
    for no_cache in ("1", "", ""):  # uncached, then written, then read from the cache
        monkeypatch.setenv("CLAIMCHECK_NO_CACHE", no_cache)
        with pytest.raises(RuleFileError) as err:
            load_rules([rules], builtin=False)
        messages.append((str(err.value), err.value.line))
    assert messages[0] == messages[1] == messages[2]
    assert err.value.line and err.value.line > 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_an_unwritable_cache_folder_only_costs_time(tmp_path, cache):
    cache.mkdir()
    cache.chmod(0o500)
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "mine.yaml").write_text(USER_RULE, encoding="utf-8")
    assert _rules(rules)
    assert not list(cache.glob("yaml-*.json"))


def test_a_cache_folder_that_is_a_file_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(blocker / "cache"))
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "mine.yaml").write_text(USER_RULE, encoding="utf-8")
    assert _rules(rules)


def test_caching_can_be_turned_off(tmp_path, cache, monkeypatch):
    monkeypatch.setenv("CLAIMCHECK_NO_CACHE", "1")
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "mine.yaml").write_text(USER_RULE, encoding="utf-8")
    assert _rules(rules)
    assert not cache.exists()


def test_token_patterns_spacy_passed_are_not_checked_again_but_an_edited_one_is(cache,
                                                                                checker):
    good = [PatternSpec("HYPE950", tokens=({"LEMMA": "quantum"}, {"LOWER": "healing"}))]
    first = PatternSet(checker.pipeline, good)
    assert first._validate and len(list(cache.glob("spacy-patterns-*.json"))) == 1
    again = PatternSet(checker.pipeline, good)
    assert not again._validate  # the same patterns under the same spaCy: passed before
    analysis = checker.pipeline.analyse("Try quantum healing today.")
    assert ([(m.key, m.pattern) for m in again.find(analysis)]
            == [(m.key, m.pattern) for m in first.find(analysis)]
            == [("HYPE950", '[{"LEMMA": "quantum"}, {"LOWER": "healing"}]')])
    # a value spaCy rejects (our schema lets LENGTH through): a new text, checked again
    edited = [PatternSpec("HYPE950", tokens=({"LEMMA": "quantum"}, {"LENGTH": "long"}))]
    with pytest.raises(RuleFileError, match="token pattern does not compile"):
        PatternSet(checker.pipeline, edited)
    assert len(list(cache.glob("spacy-patterns-*.json"))) == 1  # a failure is not remembered
