"""Malformed rule files fail with one line naming the file, the rule, the key and the line."""

from __future__ import annotations

import textwrap

import pytest

from claimcheck.errors import RuleFileError
from claimcheck.ruleset import load_rules

GOOD = """\
- id: CURE901
  name: cure.test-rule
  category: cure
  severity: high
  summary: A test rule.
  why: Because.
  ask: Ask something.
  sources:
    - seed: 000_6d742740db067447.txt
      quote: "promise a guaranteed cure"
  patterns:
    - miracle elixir
  examples:
    flag: [Our miracle elixir works.]
    pass: [Nothing here.]
"""


def write(tmp_path, text, name="user.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_for(tmp_path, text) -> RuleFileError:
    path = write(tmp_path, text)
    with pytest.raises(RuleFileError) as info:
        load_rules([path], builtin=False)
    return info.value


def test_a_good_user_rule_loads(tmp_path):
    rules = load_rules([write(tmp_path, GOOD)], builtin=False)
    assert [r.id for r in rules.rules] == ["CURE901"]
    assert rules.rules[0].line == 1


def test_unknown_key_is_named_with_rule_and_line(tmp_path):
    err = error_for(tmp_path, GOOD.replace("  ask: Ask something.\n",
                                           "  ask: Ask something.\n  colour: red\n"))
    assert "user.yaml:1" in str(err) and "CURE901" in str(err) and "'colour'" in str(err)


def test_duplicate_id_across_files(tmp_path):
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(RuleFileError, match="duplicate rule id"):
        load_rules([tmp_path], builtin=False)


def test_duplicate_of_a_builtin_id(tmp_path):
    with pytest.raises(RuleFileError, match="duplicate rule id"):
        load_rules([write(tmp_path, GOOD.replace("CURE901", "CURE001"))])


@pytest.mark.parametrize("missing", ["sources", "examples", "patterns", "why"])
def test_required_keys(tmp_path, missing):
    lines = GOOD.splitlines(keepends=True)
    kept, skipping = [], False
    for line in lines:
        if line.startswith(f"  {missing}:"):
            skipping = True
            continue
        if skipping and line.startswith("    "):
            continue
        skipping = False
        kept.append(line)
    err = error_for(tmp_path, "".join(kept))
    assert f"'{missing}'" in str(err) and "CURE901" in str(err)


def test_yaml_syntax_error_names_the_line(tmp_path):
    err = error_for(tmp_path, GOOD + "- id: [unclosed\n")
    assert "user.yaml:" in str(err) and "YAML error" in str(err)
    assert err.line is not None and err.line >= 16


def test_alias_bomb_is_refused(tmp_path):
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    bomb += "".join(f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
                    for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    err = error_for(tmp_path, bomb)
    assert "anchors and aliases are not allowed" in str(err)


def test_bad_token_attribute(tmp_path):
    err = error_for(tmp_path, GOOD.replace("    - miracle elixir\n",
                                           "    - tokens: [{POS: NOUN}]\n"))
    assert "'POS' not allowed" in str(err)


def test_token_pattern_that_spacy_rejects(tmp_path):
    from claimcheck.checker import Checker

    path = write(tmp_path, GOOD.replace("    - miracle elixir\n",
                                        "    - tokens: [{LENGTH: {IN: 5}}]\n"))
    with pytest.raises(RuleFileError) as info:
        Checker(load_rules([path], builtin=False))
    assert "CURE901" in str(info.value) and "patterns" in str(info.value)


def test_bad_regex(tmp_path):
    err = error_for(tmp_path, GOOD.replace(
        "    - miracle elixir\n", '    - tokens: [{TEXT: {REGEX: "(unclosed"}}]\n'))
    assert "REGEX does not compile" in str(err)


def test_word_no_is_a_word_not_a_boolean(tmp_path):
    rules = load_rules([write(tmp_path, GOOD.replace(
        "    - miracle elixir\n", "    - tokens: [{LOWER: no}, {LOWER: {IN: [yes, true]}}]\n"))],
        builtin=False)
    assert rules.rules[0].token_patterns[0] == ({"LOWER": "no"}, {"LOWER": {"IN": ["yes", "true"]}})


def test_id_prefix_must_match_category(tmp_path):
    err = error_for(tmp_path, GOOD.replace("CURE901", "SAFE901"))
    assert "must start with CURE" in str(err)


def test_missing_rule_path(tmp_path):
    with pytest.raises(RuleFileError, match="no such rule file"):
        load_rules([tmp_path / "nope.yaml"])


def test_disable_and_severity_overrides():
    rules = load_rules().configured(["hype", "CURE001"], {"SAFE001": "low"})
    assert not any(r.category == "hype" or r.id == "CURE001" for r in rules.rules)
    assert rules.by_id("SAFE001").severity.value == "low"
    with pytest.raises(RuleFileError):
        load_rules().configured(["NOPE999"])


def test_regex_with_a_repeat_inside_a_repeat_is_refused(tmp_path):
    err = error_for(tmp_path, GOOD.replace(
        "    - miracle elixir\n", '    - tokens: [{TEXT: {REGEX: "^(\\\\w+\\\\s?)*$"}}]\n'))
    assert "repeat inside a repeat" in str(err)


def test_qualifies_must_be_a_boolean_on_a_good_sign(tmp_path):
    err = error_for(tmp_path, GOOD.replace("  severity: high\n", "  severity: high\n"
                                           "  qualifies: false\n"))
    assert "CURE901" in str(err) and "qualifies" in str(err) and "good sign" in str(err)
    sign = (GOOD.replace("CURE901", "GHEDGE901").replace("category: cure", "category: hedging")
            .replace("cure.test-rule", "hedging.test-rule").replace("  severity: high\n", ""))
    err = error_for(tmp_path, sign.replace("  why:", "  qualifies: sometimes\n  why:"))
    assert "'qualifies'" in str(err) and "true or false" in str(err)
    rule = load_rules([write(tmp_path, sign.replace("  why:", "  qualifies: false\n  why:"))],
                      builtin=False).rules[0]
    assert rule.qualifies is False
