"""The one error family: what went wrong, said in one line a user can act on.

The CLI prints ``str(error)`` and exits 2; ``--verbose`` adds the traceback.
"""

from __future__ import annotations


class ClaimcheckError(Exception):
    """Base class for every error claimcheck reports to a user."""

    kind = "error"


class RuleFileError(ClaimcheckError):
    """A rule or cue file is malformed; the message names the file, rule id, key and line."""

    kind = "rule_file"

    def __init__(
        self, file: str, message: str, *, rule: str | None = None, key: str | None = None,
        line: int | None = None,
    ) -> None:
        self.file, self.rule, self.key, self.line = file, rule, key, line
        where = file + (f":{line}" if line else "")
        parts = [where]
        if rule:
            parts.append(f"rule {rule}")
        if key:
            parts.append(f"key '{key}'")
        super().__init__(": ".join(parts) + ": " + message)


class UsageError(ClaimcheckError):
    """The command line asks for something that cannot be done."""

    kind = "usage"
