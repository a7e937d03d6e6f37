"""claimcheck: how far to trust a health clinic's marketing.

Public API::

    from claimcheck import check_text
    report = check_text("Our stem cells are a guaranteed cure.")
    print(report.score, report.grade, [f.rule for f in report.findings])
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import Checker, check_documents, check_text  # noqa: E402
from .errors import ClaimcheckError, RuleFileError  # noqa: E402
from .ingest import Document  # noqa: E402
from .models import DocumentReport, Finding, Report, Rule, Severity, Signal  # noqa: E402
from .rules import RuleSet, load_rules  # noqa: E402

__all__ = [
    "Checker", "ClaimcheckError", "Document", "DocumentReport", "Finding", "Report", "Rule",
    "RuleFileError", "RuleSet", "Severity", "Signal", "__version__", "check_documents",
    "check_text", "load_rules",
]
