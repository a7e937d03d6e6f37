"""What a page leaves out: document-level checks for missing risks, status, sources and cost.

Pure functions on plain data. The checks are data (``data/missing.yaml``); each applies only to a
page that makes a counted benefit claim and fires when none of its satisfying signals was found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from ..errors import RuleFileError
from ..ruleset.schema import CATEGORIES
from ..ruleset.yamlio import LINE, load_checked
from ..types import Missing

#: red-flag categories that promote a treatment (a lone call to action does not count)
BENEFIT_CATEGORIES = frozenset({
    "cure", "hype", "panacea", "mechanism", "safety", "testimonial", "statistics", "evidence",
    "root-cause", "regulatory", "pay-to-participate", "provider",
})
_FILE = "data/missing.yaml"
_KEYS = {"id", "name", "satisfied_by", "weight", "message", "why", "ask", LINE}


@dataclass(frozen=True)
class MissingCheck:
    """One check: its id, and the good-sign categories any one of which satisfies it."""

    id: str
    name: str
    satisfied_by: frozenset[str]
    weight: float
    message: str
    why: str
    ask: str

    @property
    def summary(self) -> str:
        return self.message.format(treatment="the treatment")

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "kind": "missing", "summary": self.summary,
                "why": self.why, "ask": self.ask, "weight": self.weight,
                "satisfied_by": sorted(self.satisfied_by)}


@lru_cache(maxsize=1)
def load_checks() -> tuple[MissingCheck, ...]:
    """Read and check the shipped table of missing-disclosure checks."""
    file = f"claimcheck/{_FILE}"
    text = resources.files("claimcheck").joinpath(_FILE).read_text("utf-8")
    return load_checked(text, file, lambda data: _checks(data, file))


def _checks(data: Any, file: str) -> tuple[MissingCheck, ...]:
    checks = []
    for item in data or []:
        line = item.get(LINE)
        unknown = set(item) - _KEYS
        if unknown or not _KEYS - {LINE} <= set(item):
            raise RuleFileError(file, "a check has id, name, satisfied_by, weight, message, "
                                "why and ask", rule=item.get("id"), line=line)
        bad = [c for c in item["satisfied_by"] if c not in CATEGORIES]
        if bad:
            raise RuleFileError(file, f"unknown category {bad[0]!r}", rule=item["id"],
                                key="satisfied_by", line=line)
        checks.append(MissingCheck(
            item["id"], item["name"], frozenset(item["satisfied_by"]), float(item["weight"]),
            " ".join(item["message"].split()), " ".join(item["why"].split()),
            " ".join(item["ask"].split())))
    return tuple(checks)


def missing_disclosures(counted_categories: Iterable[str], signal_categories: Iterable[str],
                        checks: Iterable[MissingCheck] | None = None, *,
                        treatment: str = "this treatment") -> list[Missing]:
    """The checks that fire for a page with these counted red flags and good signs; messages
    name the page's ``treatment``."""
    if not BENEFIT_CATEGORIES.intersection(counted_categories):
        return []
    present = set(signal_categories)
    return [Missing(c.id, c.name, c.message.format(treatment=treatment), c.why, c.ask, c.weight)
            for c in (load_checks() if checks is None else checks)
            if not c.satisfied_by & present]
