"""claimcheck: how far to trust a health clinic's marketing.

Public API::

    from claimcheck import check_text
    report = check_text("Our stem cells are a guaranteed cure.")
    print(report.score, report.grade, [f.rule for f in report.findings])

Names are imported when first used, so ``import claimcheck`` (and ``claimcheck --version``)
does not load spaCy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .version import __version__

#: public name -> the module that defines it
_EXPORTS = {
    "Checker": "checker", "check_documents": "checker", "check_text": "checker",
    "ClaimcheckError": "errors", "RuleFileError": "errors",
    "Document": "types", "DocumentReport": "types", "Finding": "types", "Report": "types",
    "Rule": "types", "Severity": "types", "Signal": "types", "Context": "types",
    "RuleSet": "ruleset", "load_rules": "ruleset",
}

__all__ = [
    "Checker", "ClaimcheckError", "Context", "Document", "DocumentReport", "Finding", "Report",
    "Rule", "RuleFileError", "RuleSet", "Severity", "Signal", "__version__", "check_documents",
    "check_text", "load_rules",
]

if TYPE_CHECKING:
    from .checker import Checker, check_documents, check_text
    from .errors import ClaimcheckError, RuleFileError
    from .ruleset import RuleSet, load_rules
    from .types import Context, Document, DocumentReport, Finding, Report, Rule, Severity, Signal


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'claimcheck' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
