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
#: top-level keys of the cue file
_FILE_KEYS = {"terminators", "words", "cues"}
_GROUP_KEYS = {
    "type", "direction", "scope", "window", "patterns", "not_after", "not_before", "refutes",
    "not_in_voice", LINE,
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
    #: the cue does not count once the writer has spoken as "we", "our", "I" earlier in its
    #: sentence ("Our clinic opened last month, promising ...")
    not_in_voice: bool = False


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
    unknown = sorted(k for k in data if k not in _FILE_KEYS and k != LINE)
    if unknown:
        raise RuleFileError(file, f"unknown key {unknown[0]!r}")
    words = data.get("words", {})
    if not isinstance(words, dict) or not all(
            isinstance(v, list) for k, v in words.items() if k != LINE):
        raise RuleFileError(file, "'words' maps a name to a list of words")
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
                named = _named_lists(entry.get("tokens"), words, fail)
                tokens = token_pattern(named, fail, item.get(LINE))
                specs.append(PatternSpec(key, tokens=tokens, similarity=100.0, file=file))
    terminators = frozenset(str(t).lower() for t in data.get("terminators", []))
    return CueTable(terminators, groups, tuple(specs))


def _named_lists(tokens: Any, words: dict, fail) -> Any:  # type: ignore[no-untyped-def]
    """The token pattern with each ``IN: name`` / ``NOT_IN: name`` replaced by the list that
    ``words`` gives that name, so a long list of words is written once in the file."""
    if not isinstance(tokens, list):
        return tokens  # token_pattern says what is wrong
    out = []
    for token in tokens:
        if isinstance(token, dict):
            token = {attr: _with_lists(value, words, fail) for attr, value in token.items()}
        out.append(token)
    return out


def _with_lists(value: Any, words: dict, fail) -> Any:  # type: ignore[no-untyped-def]
    if not isinstance(value, dict):
        return value
    out = dict(value)
    for op in ("IN", "NOT_IN"):
        name = out.get(op)
        if isinstance(name, str):
            if name not in words or name == LINE:
                raise fail("tokens", f"{op}: {name!r} names no list under 'words'")
            out[op] = list(words[name])
    return out


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
        not_in_voice=bool(item.get("not_in_voice", False)),
    )
