"""What an id or a name stands for: a rule, a claim-classifier class or a missing-information
check, for ``claimcheck explain`` and ``rules show`` (CURE001, cure.guaranteed, RF-CURE,
MISS001, missing.risks)."""

from __future__ import annotations

from typing import Any

from .errors import UsageError
from .types import Rule


def find(wanted: str, ruleset: Any) -> Rule | Any:
    """The rule of ``ruleset``, class or check named by id or name; a UsageError if none."""
    from .classifier.classes import load_classes
    from .score.disclosures import load_checks

    wanted = wanted.strip()
    for item in (*ruleset.rules, *load_classes().values(), *load_checks()):
        if wanted.upper() == item.id or wanted.lower() == item.name:
            return item
    raise UsageError(f"no rule {wanted!r}; see 'claimcheck rules list'")
