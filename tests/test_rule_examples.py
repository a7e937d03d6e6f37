"""The one generic test: every rule's own examples, flag and pass, through the real checker.

``pytest -k CURE001`` runs one rule.
"""

from __future__ import annotations

import pytest

from claimcheck.ruleset import load_rules
from claimcheck.ruleset.examples import example_failures

RULES = load_rules().rules


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_examples(rules_checker, rule):
    failures = example_failures(rules_checker, [rule])
    assert not failures, "\n".join(str(f) for f in failures)
