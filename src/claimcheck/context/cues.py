"""The cue table: words that change who is claiming what ("not", "be wary of", "may", "?").

Cues are data (``data/cues.yaml``), read with the package's one safe YAML loader. Each cue group
has a type (negated, warning, quoted, question, conditional, hedged; pseudo cues cancel others,
rhetorical ones make a question a sales pitch), a direction, a scope, a window and exceptions.
Its patterns are compiled with the rules' ``PatternSet`` under a key that names the group.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from ..errors import RuleFileError
from ..match import PatternSpec
from ..ruleset.schema import token_pattern
from ..ruleset.yamlio import LINE, load_checked
from ..types import Context

#: strongest first; "asserted" is what is left when nothing covers a match
PRIORITY = (Context.WARNING, Context.QUOTED, Context.NEGATED, Context.QUESTION,
            Context.CONDITIONAL, Context.HEDGED)
SCOPED_TYPES = {c.value for c in PRIORITY}
SPECIAL_TYPES = {"pseudo", "rhetorical"}
_CUES_FILE = "data/cues.yaml"
_GROUP_KEYS = {
    "type", "direction", "scope", "window", "patterns", "not_after", "not_before", "refutes",
    LINE,
}


@dataclass(frozen=True)
class CueGroup:
    """One group of cue patterns that share a type, a direction and a scope."""

    type: str
    direction: str
    scope: str
    window: int
    not_after: frozenset[str]
    not_before: frozenset[str]
    refutes: bool


@dataclass(frozen=True)
class CueTable:
    """The cue groups, their patterns (keyed by group) and the words that end a cue's scope."""

    terminators: frozenset[str]
    groups: dict[str, CueGroup]  # pattern key -> its group
    specs: tuple[PatternSpec, ...]

    def group(self, key: str) -> CueGroup:
        return self.groups[key]


@lru_cache(maxsize=1)
def load_cues() -> CueTable:
    """Read and check the shipped cue table."""
    file = f"claimcheck/{_CUES_FILE}"
    text = resources.files("claimcheck").joinpath(_CUES_FILE).read_text(encoding="utf-8")
    return load_checked(text, file, lambda data: _table(data, file))


def _table(data: Any, file: str) -> CueTable:
    if not isinstance(data, dict) or not isinstance(data.get("cues"), list):
        raise RuleFileError(file, "a cue file is a mapping with 'terminators' and 'cues'")
    groups: dict[str, CueGroup] = {}
    specs: list[PatternSpec] = []
    for n, item in enumerate(data["cues"]):
        key = f"cue{n}"
        groups[key] = _group(item, file, n)
        for entry in item["patterns"]:
            if isinstance(entry, str):
                specs.append(PatternSpec(key, phrase=entry, similarity=100.0, file=file))
            else:
                fail = _failer(file, key)
                tokens = token_pattern(entry.get("tokens"), fail, item.get(LINE))
                specs.append(PatternSpec(key, tokens=tokens, similarity=100.0, file=file))
    terminators = frozenset(str(t).lower() for t in data.get("terminators", []))
    return CueTable(terminators, groups, tuple(specs))


def _failer(file: str, key: str):  # type: ignore[no-untyped-def]
    def fail(k: str, message: str, at: int | None = None) -> RuleFileError:
        return RuleFileError(file, message, rule=key, key=k, line=at)

    return fail


def _group(item: Any, file: str, n: int) -> CueGroup:
    fail = _failer(file, f"cue group #{n + 1}")
    if not isinstance(item, dict):
        raise fail("cues", "each cue group is a mapping")
    unknown = set(item) - _GROUP_KEYS
    if unknown:
        raise fail(sorted(unknown)[0], "unknown key", item.get(LINE))
    kind = item.get("type")
    if kind not in SCOPED_TYPES | SPECIAL_TYPES:
        raise fail("type", f"unknown cue type {kind!r}", item.get(LINE))
    direction = item.get("direction", "forward")
    scope = item.get("scope", "clause")
    if direction not in ("forward", "backward") or scope not in ("clause", "sentence"):
        raise fail("direction", "direction is forward/backward, scope clause/sentence")
    if not isinstance(item.get("patterns"), list) or not item["patterns"]:
        raise fail("patterns", "a cue group needs patterns")
    return CueGroup(
        type=kind, direction=direction, scope=scope, window=int(item.get("window", 8)),
        not_after=frozenset(item.get("not_after", [])),
        not_before=frozenset(item.get("not_before", [])),
        refutes=bool(item.get("refutes", False)),
    )
