"""Safe YAML for every data file the package reads: rules, context cues, disclosure checks.

One loader for all of them, so a malformed file fails the same way everywhere: with one line
naming the file and the line. Anchors and aliases are refused (no "billion laughs"), each mapping
records its line under ``LINE``, and YAML 1.1's bare no/yes/on/off and dates stay words (in a rule
"no" is a word). libyaml is used, without line numbers, when a text cannot hold an alias.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import yaml

from ..errors import RuleFileError
from . import yamlcache

T = TypeVar("T")


class _LineKey(str):
    """The key under which the loader records a mapping's line: YAML cannot write this object,
    so a user's own "__line__" key is just an unknown key."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return other is self

    def __ne__(self, other: object) -> bool:
        return other is not self

    def __hash__(self) -> int:
        return id(self)


LINE = _LineKey("__line__")


class _LineLoader(yaml.SafeLoader):
    """Safe loader that records each mapping's line and refuses anchors and aliases."""

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(
                problem="anchors and aliases are not allowed in rule files",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


# YAML 1.1 reads bare no/yes/on/off as booleans; in rule files "no" is a word ({LOWER: no}).
# Dates stay text too (PyYAML would build datetime objects, and fail on 2001-02-30).
_WORD_TAGS = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _WORD_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


_CSafeLoader = getattr(yaml, "CSafeLoader", None)
if _CSafeLoader is not None:

    class _FastLoader(_CSafeLoader):  # type: ignore[valid-type, misc]
        """libyaml's safe loader with the same booleans; used when no alias can be present."""

    _FastLoader.yaml_implicit_resolvers = _LineLoader.yaml_implicit_resolvers
else:  # PyYAML built without libyaml
    _FastLoader = None  # type: ignore[assignment, misc]

#: "&name" or "*name" where YAML could read an anchor or alias; such files take the slow,
#: alias-refusing loader (a false alarm, like "&" in a quoted string, only costs time)
_MAYBE_ALIAS = re.compile(r"(?:^|[\s\[{,:-])[&*][^\s,\]}]")


def may_hold_alias(text: str) -> bool:
    """Could this YAML text hold an anchor or alias? (If not, the fast loader is safe.)"""
    return _FastLoader is None or _MAYBE_ALIAS.search(text) is not None

def load_checked(text: str, file: str, build: Callable[[Any], T]) -> T:
    """``build(data)`` for the YAML ``text``: parsed with libyaml (no line numbers, several
    times faster) when it cannot hold an alias, or read back from the JSON cache of an
    earlier parse of the same text; when ``build`` then fails without saying where, the text
    is parsed again with lines, so the error names its line."""
    fast = not may_hold_alias(text)
    try:
        if not fast:
            return build(load_yaml(text, file))
        data = yamlcache.get(text)
        if data is None:
            data = load_yaml(text, file, fast=True)
            yamlcache.put(text, data)
        return build(data)
    except RuleFileError as exc:
        if not fast or exc.line:
            raise
    return build(load_yaml(text, file))


def load_yaml(text: str, file: str, *, fast: bool = False) -> Any:
    """Parse YAML safely (no anchors, no aliases), recording each mapping's line.

    ``fast`` uses libyaml and records no lines; only for text with no possible alias.
    """
    try:
        if fast:
            return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a SafeLoader subclass
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or "invalid YAML"
        raise RuleFileError(file, f"YAML error: {problem}", line=line) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise RuleFileError(file, f"YAML error: {exc.reason} (character {exc.character!r})",
                            line=line) from None
    except yaml.YAMLError as exc:
        raise RuleFileError(file, "YAML error: " + " ".join(str(exc).split())) from None
    except RecursionError:
        raise RuleFileError(file, "YAML error: nested too deeply") from None
