"""The classifier's classes as rules a reader can be told about (``data/classes.yaml``).

A model finding carries one of these in place of a rule: the taxonomy id (``RF-CURE``, or
``GF-RISK`` for a sign of careful writing), a name, a severity (red) or weight (green), a plain
why and what to ask, public sources, and examples of our own that must and must not count;
optionally ``needs``, words one of which a sentence must hold for the model to find the class
there (what pay-to-participate needs is something to take part in). The file is read with
the package's one safe YAML loader and checked key by key, like a rule file.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from ..errors import RuleFileError
from ..ruleset.schema import CATEGORIES, parse_examples, parse_sources
from ..ruleset.yamlio import LINE, load_checked
from ..types import Kind, Rule, Severity

CLASSES_FILE = "data/classes.yaml"
_KEYS = {"id", "name", "category", "summary", "why", "ask", "sources", "examples"}
#: keys a class may leave out
_OPTIONAL = {"needs"}
#: taxonomy class -> (category, red or green)
CLASS_CATEGORY = {cls: (cat, kind) for cat, (_, kind, cls) in CATEGORIES.items()}


@lru_cache(maxsize=1)
def load_classes() -> dict[str, Rule]:
    """The shipped class descriptions, by taxonomy id."""
    file = f"claimcheck/{CLASSES_FILE}"
    text = resources.files("claimcheck").joinpath(CLASSES_FILE).read_text(encoding="utf-8")
    return load_checked(text, file, lambda data: _classes(data, file))


def _classes(data: Any, file: str) -> dict[str, Rule]:
    if not isinstance(data, list):
        raise RuleFileError(file, "a class file is a YAML list of classes", line=1)
    out = {}
    for item in data:
        rule = _class(item, file)
        out[rule.id] = rule
    return out


def _class(item: Any, file: str) -> Rule:
    if not isinstance(item, dict):
        raise RuleFileError(file, "each class is a mapping")
    line = item.get(LINE)
    class_id = str(item.get("id", "?"))

    def fail(key: str, message: str, at: int | None = None) -> RuleFileError:
        return RuleFileError(file, message, rule=class_id, key=key, line=at or line)

    category, kind = CLASS_CATEGORY.get(class_id, (None, None))
    if category is None or category != item.get("category"):
        raise fail("category", "id must be a taxonomy class (RF-*, GF-*) and category its "
                   "category")
    # a red flag has a severity; a good sign adds back its weight
    need = _KEYS | ({"severity"} if kind is Kind.RED else {"weight"})
    keys = set(item) - {LINE}
    if not need <= keys <= need | _OPTIONAL:
        key = sorted((keys - need - _OPTIONAL) or (need - keys))[0]
        raise fail(key, "unknown key" if key in keys else "missing key")
    needs = item.get("needs", [])
    if not isinstance(needs, list) or not all(isinstance(w, str) and w.strip() for w in needs):
        raise fail("needs", "must be a list of words")
    severity, weight = Severity.LOW, None
    if kind is Kind.RED:
        try:
            severity = Severity(str(item["severity"]))
        except ValueError:
            raise fail("severity", "must be low, medium or high") from None
    else:
        weight = item["weight"]
        if isinstance(weight, bool) or not isinstance(weight, int | float) or \
                not 0 <= weight <= 50:
            raise fail("weight", "must be a number from 0 to 50")
        weight = float(weight)
    text = {k: " ".join(str(item[k]).split()) for k in ("name", "summary", "why", "ask")}
    flag, passes = parse_examples(item["examples"], fail)
    return Rule(id=class_id, name=text["name"], category=category, kind=kind,
                severity=severity, summary=text["summary"], why=text["why"], ask=text["ask"],
                sources=parse_sources(item["sources"], fail), phrases=(), token_patterns=(),
                examples_flag=flag, examples_pass=passes, weight=weight,
                needs=frozenset(w.strip().lower() for w in needs), file=file, line=line or 0)

