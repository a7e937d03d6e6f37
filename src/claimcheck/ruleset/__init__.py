"""The rule set: rule files found, read and validated into ``Rule`` objects, and a version.

``load_rules`` reads the shipped rules (``rules/`` in a checkout, ``claimcheck/rules`` in the
wheel) plus any user files; ``schema`` validates each file, ``yamlio`` reads it safely and
``examples`` runs every rule's own flag/pass examples.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import RuleFileError
from ..rulefiles import builtin_rules_dir, read, rule_files, version
from ..types import Kind, Rule, Severity
from .schema import CATEGORIES, parse_rule_file

#: the claim classifier's classes (taxonomy ids), which --disable may name too
MODEL_CLASSES = frozenset(cls for _, kind, cls in CATEGORIES.values() if kind is Kind.RED)

__all__ = ["CATEGORIES", "RuleSet", "builtin_rules_dir", "load_rules", "parse_rule_file",
           "rule_files"]


@dataclass(frozen=True)
class RuleSet:
    """The rules in force for a run, and a version string that changes with their content."""

    rules: tuple[Rule, ...]
    version: str
    disabled: frozenset[str] = frozenset()  # ids and categories turned off (also for the model)

    def by_id(self, rule_id: str) -> Rule | None:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        return None

    def configured(
        self, disable: Iterable[str] = (), severities: dict[str, str] | None = None
    ) -> RuleSet:
        """Return a copy without disabled rules/categories and with severities overridden."""
        disable = {d.strip() for d in disable if d.strip()}
        known = {r.id for r in self.rules} | {r.category for r in self.rules} | MODEL_CLASSES
        unknown = sorted(disable - known)
        if unknown:
            raise RuleFileError("--disable", f"no rule or category named {', '.join(unknown)}")
        rules = [r for r in self.rules if r.id not in disable and r.category not in disable]
        for rule_id, level in (severities or {}).items():
            if rule_id not in {r.id for r in self.rules}:
                raise RuleFileError("--severity", f"no rule named {rule_id}")
            try:
                sev = Severity(level.lower())
            except ValueError:
                raise RuleFileError(
                    "--severity", f"severity for {rule_id} must be low, medium or high"
                ) from None
            rules = [replace(r, severity=sev) if r.id == rule_id else r for r in rules]
        return RuleSet(tuple(rules), self.version, self.disabled | frozenset(disable))


def load_rules(extra: Sequence[str | Path] = (), *, builtin: bool = True) -> RuleSet:
    """Load the built-in rules (unless ``builtin=False``) plus any extra files or folders."""
    paths = ([builtin_rules_dir()] if builtin else []) + [Path(p) for p in extra]
    contents = [(file, read(file)) for file in rule_files(paths)]
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for file, raw in contents:
        for rule in parse_rule_file(raw, str(file)):
            if rule.id in seen:
                raise RuleFileError(
                    str(file), f"duplicate rule id (also in {seen[rule.id]})",
                    rule=rule.id, key="id", line=rule.line,
                )
            seen[rule.id] = str(file)
            rules.append(rule)
    return RuleSet(tuple(rules), version(contents))

