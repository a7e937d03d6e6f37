"""Run rules' own examples: each ``flag`` example must trigger its rule, each ``pass`` must not.

Used by ``claimcheck rules test`` and by the one generic test in tests/.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..types import DocumentReport, Kind, Rule

if TYPE_CHECKING:
    from ..checker import Checker


@dataclass(frozen=True)
class ExampleFailure:
    rule: str
    kind: str  # "false negative" (a flag example missed) or "false positive" (a pass example hit)
    example: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind.capitalize()} against {self.rule}: {self.example!r} ({self.detail})"


def triggered(report: DocumentReport, rule: Rule) -> bool:
    """Did the rule count in this report (a counted red finding, or a green signal)?"""
    if rule.kind is Kind.GREEN:
        return any(s.rule == rule.id for s in report.signals)
    return any(f.rule == rule.id and f.counted for f in report.findings)


def _detail(report: DocumentReport, rule: Rule) -> str:
    mine = [f for f in report.findings if f.rule == rule.id]
    if mine:
        return "; ".join(f"matched {f.match!r} as {f.context}" for f in mine)
    return "no match"


def example_failures(checker: Checker, rules: Iterable[Rule]) -> list[ExampleFailure]:
    """All example failures of the given rules, checked with ``checker``."""
    failures = []
    for rule in rules:
        for example in rule.examples_flag:
            report = checker.check_text(example)
            if not triggered(report, rule):
                failures.append(ExampleFailure(rule.id, "false negative", example,
                                               _detail(report, rule)))
        for example in rule.examples_pass:
            report = checker.check_text(example)
            if triggered(report, rule):
                failures.append(ExampleFailure(rule.id, "false positive", example,
                                               _detail(report, rule)))
    return failures
