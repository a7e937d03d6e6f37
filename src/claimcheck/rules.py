"""Load and validate rule files (YAML) into ``Rule`` objects.

Rules are data, never code: YAML is read with a safe loader that refuses anchors and aliases
(no "billion laughs"), every key is checked, and an error names the file, the rule id, the key
and the line. Token patterns are checked here for shape; spaCy compiles them in ``match.py``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from .errors import RuleFileError
from .models import Kind, Rule, Severity, Source

#: category -> (id prefix, red/green, taxonomy class in ../shared/TAXONOMY.md)
CATEGORIES: dict[str, tuple[str, Kind, str]] = {
    "cure": ("CURE", Kind.RED, "RF-CURE"),
    "hype": ("HYPE", Kind.RED, "RF-HYPE"),
    "panacea": ("PANA", Kind.RED, "RF-PANACEA"),
    "mechanism": ("MECH", Kind.RED, "RF-MECH"),
    "safety": ("SAFE", Kind.RED, "RF-SAFE"),
    "regulatory": ("REG", Kind.RED, "RF-REG"),
    "pay-to-participate": ("PAY", Kind.RED, "RF-PAY"),
    "testimonial": ("ANEC", Kind.RED, "RF-ANEC"),
    "statistics": ("STAT", Kind.RED, "RF-STATS"),
    "evidence": ("EVID", Kind.RED, "RF-EVID"),
    "root-cause": ("ROOT", Kind.RED, "RF-ROOT"),
    "sales": ("SALE", Kind.RED, "RF-SALES"),
    "provider": ("PROV", Kind.RED, "RF-PROVIDER"),
    "risks": ("GRISK", Kind.GREEN, "GF-RISK"),
    "status": ("GSTAT", Kind.GREEN, "GF-STATUS"),
    "citation": ("GCITE", Kind.GREEN, "GF-CITE"),
    "trial": ("GTRIAL", Kind.GREEN, "GF-TRIAL"),
    "hedging": ("GHEDGE", Kind.GREEN, "GF-HEDGE"),
    "no-guarantee": ("GNOGUAR", Kind.GREEN, "GF-NOGUAR"),
    "consult": ("GCONS", Kind.GREEN, "GF-CONSULT"),
    "cost": ("GCOST", Kind.GREEN, "GF-COST"),
    "alternatives": ("GALT", Kind.GREEN, "GF-ALT"),
    "evidence-quality": ("GEVQ", Kind.GREEN, "GF-EVQUAL"),
    "warning": ("GWARN", Kind.GREEN, "GF-WARN"),
}

#: contexts a finding can have (see context.py); ``counts_in`` may name any of them
CONTEXTS = (
    "asserted", "hedged", "negated", "warning", "question", "quoted", "conditional", "heading",
)

_RULE_KEYS = {
    "id": "required", "name": "required", "category": "required", "severity": "optional",
    "summary": "required", "why": "required", "ask": "required", "sources": "required",
    "patterns": "required", "examples": "required", "similarity": "optional",
    "weight": "optional", "counts_in": "optional",
}
_SOURCE_KEYS = {"seed", "url", "title", "quote"}
_TOKEN_ATTRS = {
    "ORTH", "TEXT", "LOWER", "LEMMA", "NORM", "SHAPE", "LENGTH", "IS_ALPHA", "IS_ASCII",
    "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT", "IS_SPACE", "IS_STOP",
    "IS_SENT_START", "LIKE_NUM", "LIKE_URL", "OP",
}
_TOKEN_OPERATORS = {"!", "?", "+", "*"}
#: attributes whose values are words: a bare YAML true/1 there means the word "true"/"1"
_STRING_ATTRS = {"ORTH", "TEXT", "LOWER", "LEMMA", "NORM", "SHAPE"}
_VALUE_PREDICATES = {"IN", "NOT_IN", "REGEX", "==", ">=", "<=", ">", "<", "!="}
_ID_RE = re.compile(r"^[A-Z]+[0-9]{3}$")
_NAME_RE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
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
_LINE = LINE
_MAX_REGEX = 200


@dataclass(frozen=True)
class RuleSet:
    """The rules in force for a run, and a version string that changes with their content."""

    rules: tuple[Rule, ...]
    version: str

    def by_id(self, rule_id: str) -> Rule | None:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        return None

    @property
    def red(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.kind is Kind.RED)

    @property
    def green(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.kind is Kind.GREEN)

    def configured(
        self, disable: Iterable[str] = (), severities: dict[str, str] | None = None
    ) -> RuleSet:
        """Return a copy without disabled rules/categories and with severities overridden."""
        disable = {d.strip() for d in disable if d.strip()}
        known = {r.id for r in self.rules} | {r.category for r in self.rules}
        unknown = sorted(disable - known)
        if unknown:
            raise RuleFileError("--disable", f"no rule or category named {', '.join(unknown)}")
        rules = [r for r in self.rules if r.id not in disable and r.category not in disable]
        for rule_id, level in (severities or {}).items():
            if rule_id not in {r.id for r in self.rules}:
                raise RuleFileError("--severity", f"no rule named {rule_id}")
            try:
                sev = Severity(level.lower())
            except ValueError:
                raise RuleFileError(
                    "--severity", f"severity for {rule_id} must be low, medium or high"
                ) from None
            rules = [replace(r, severity=sev) if r.id == rule_id else r for r in rules]
        return RuleSet(tuple(rules), self.version)


def builtin_rules_dir() -> Path:
    """The shipped rules: inside the installed package, or ``rules/`` in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise RuleFileError(str(here / "rules"), "built-in rules not found (broken installation?)")


def rule_files(paths: Sequence[Path]) -> list[Path]:
    """Expand files and folders into a sorted list of ``.yaml``/``.yml`` rule files."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")))
        elif path.is_file():
            files.append(path)
        else:
            raise RuleFileError(str(path), "no such rule file or folder")
    return files


def load_rules(extra: Sequence[str | Path] = (), *, builtin: bool = True) -> RuleSet:
    """Load the built-in rules (unless ``builtin=False``) plus any extra files or folders."""
    paths = ([builtin_rules_dir()] if builtin else []) + [Path(p) for p in extra]
    files = rule_files(paths)
    digest = hashlib.sha256()
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for file in files:
        raw = _read(file)
        digest.update(file.name.encode() + b"\0" + raw + b"\0")
        for rule in parse_rule_file(raw, str(file)):
            if rule.id in seen:
                raise RuleFileError(
                    str(file), f"duplicate rule id (also in {seen[rule.id]})",
                    rule=rule.id, key="id", line=rule.line,
                )
            seen[rule.id] = str(file)
            rules.append(rule)
    return RuleSet(tuple(rules), digest.hexdigest()[:12])


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise RuleFileError(str(file), f"cannot read: {exc.strerror or exc}") from None


def parse_rule_file(raw: bytes, file: str) -> list[Rule]:
    """Parse and validate one rule file's bytes; raise ``RuleFileError`` on the first problem."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RuleFileError(file, f"not UTF-8 text (byte {exc.start})") from None
    fast = _FastLoader is not None and not _MAYBE_ALIAS.search(text)
    try:
        return _rules(load_yaml(text, file, fast=fast), file, text)
    except RuleFileError as exc:
        if not fast or exc.line:
            raise
    # the fast loader keeps no line numbers: read again, slowly, to say where the error is
    return _rules(load_yaml(text, file), file, text)


def _rules(data: Any, file: str, text: str) -> list[Rule]:
    if data is None:
        return []
    if not isinstance(data, list):
        raise RuleFileError(file, "a rule file is a YAML list of rules", line=1)
    rules = [_rule(item, file, index) for index, item in enumerate(data)]
    if rules and not rules[0].line:
        lines = {m.group(1): text.count("\n", 0, m.start()) + 1 for m in _ID_LINE.finditer(text)}
        rules = [replace(r, line=lines.get(r.id, 0)) for r in rules]
    return rules


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
        mapping[_LINE] = node.start_mark.line + 1
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
_ID_LINE = re.compile(r"^\s*-?\s*id:\s*[\"']?([A-Z]+[0-9]{3})", re.MULTILINE)


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


def _rule(item: Any, file: str, index: int) -> Rule:
    if not isinstance(item, dict):
        raise RuleFileError(file, f"rule #{index + 1} is not a mapping")
    line = item.get(_LINE)
    rule_id = item.get("id") if isinstance(item.get("id"), str) else f"#{index + 1}"

    def fail(key: str, message: str, at: int | None = None) -> RuleFileError:
        return RuleFileError(file, message, rule=rule_id, key=key, line=at or line)

    for key in item:
        if key != _LINE and key not in _RULE_KEYS:
            raise fail(str(key), "unknown key (allowed: " + ", ".join(_RULE_KEYS) + ")")
    for key, need in _RULE_KEYS.items():
        if need == "required" and key not in item:
            raise fail(key, "missing required key")

    def text(key: str) -> str:
        value = item[key]
        if not isinstance(value, str) or not value.strip():
            raise fail(key, "must be non-empty text")
        return " ".join(value.split())

    if not _ID_RE.match(text("id")):
        raise fail("id", "must be capital letters then three digits, e.g. CURE001")
    name = text("name")
    if not _NAME_RE.match(name):
        raise fail("name", "must be dotted lower-case words, e.g. cure.guaranteed")
    category = text("category")
    if category not in CATEGORIES:
        raise fail("category", "unknown category (known: " + ", ".join(CATEGORIES) + ")")
    prefix, kind, _ = CATEGORIES[category]
    if not rule_id.startswith(prefix) or not rule_id[len(prefix):].isdigit():
        raise fail("id", f"id of a '{category}' rule must start with {prefix}")
    if kind is Kind.RED and "severity" not in item:
        raise fail("severity", "missing required key (red-flag rules need low, medium or high)")
    try:
        severity = Severity(str(item.get("severity", "low")).lower())
    except ValueError:
        raise fail("severity", "must be low, medium or high") from None
    phrases, tokens = _patterns(item["patterns"], fail)
    flag, passes = _examples(item["examples"], fail)
    return Rule(
        id=rule_id, name=name, category=category, kind=kind, severity=severity,
        summary=text("summary"), why=text("why"), ask=text("ask"),
        sources=_sources(item["sources"], fail), phrases=phrases, token_patterns=tokens,
        examples_flag=flag, examples_pass=passes,
        similarity=_number(item, "similarity", 50, 100, fail),
        weight=_number(item, "weight", 0, 50, fail),
        counts_in=_counts_in(item.get("counts_in", []), fail),
        file=file, line=line or 0,
    )


def _number(item: dict, key: str, low: float, high: float, fail) -> float | None:  # type: ignore[no-untyped-def]
    if key not in item:
        return None
    value = item[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise fail(key, f"must be a number from {low} to {high}")
    return float(value)


def _counts_in(value: Any, fail) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    if not isinstance(value, list) or any(v not in CONTEXTS for v in value):
        raise fail("counts_in", "must be a list of contexts: " + ", ".join(CONTEXTS))
    return tuple(value)


def _sources(value: Any, fail) -> tuple[Source, ...]:  # type: ignore[no-untyped-def]
    if not isinstance(value, list) or not value:
        raise fail("sources", "a rule must cite at least one source (seed or public document)")
    out = []
    for src in value:
        if not isinstance(src, dict):
            raise fail("sources", "each source is a mapping with seed or url, and quote")
        at = src.get(_LINE)
        for key in src:
            if key != _LINE and key not in _SOURCE_KEYS:
                raise fail(f"sources.{key}", "unknown key (allowed: seed, url, title, quote)", at)
        if not (src.get("seed") or src.get("url")):
            raise fail("sources", "each source needs a seed file name or a url", at)
        for key in ("seed", "url", "title"):
            if key in src and not isinstance(src[key], str):
                raise fail(f"sources.{key}", "must be text", at)
        quote = src.get("quote")
        if not isinstance(quote, str) or not quote.strip():
            raise fail("sources.quote", "each source quotes a few words", at)
        out.append(Source(
            quote=" ".join(quote.split()), seed=src.get("seed"), url=src.get("url"),
            title=src.get("title"),
        ))
    return tuple(out)


def _patterns(value: Any, fail) -> tuple[tuple[str, ...], tuple[tuple[dict, ...], ...]]:  # type: ignore[no-untyped-def]
    if not isinstance(value, list) or not value:
        raise fail("patterns", "must be a non-empty list of phrases or {tokens: [...]} entries")
    phrases: list[str] = []
    tokens: list[tuple[dict, ...]] = []
    for entry in value:
        if isinstance(entry, str):
            phrase = " ".join(entry.split())
            if not phrase:
                raise fail("patterns", "empty phrase")
            if phrase.lower() in (p.lower() for p in phrases):
                raise fail("patterns", f"phrase listed twice: {phrase!r}")
            phrases.append(phrase)
        elif isinstance(entry, dict) and set(entry) - {_LINE} == {"tokens"}:
            tokens.append(token_pattern(entry["tokens"], fail, entry.get(_LINE)))
        else:
            raise fail("patterns", "each pattern is a phrase or a mapping with only 'tokens'")
    return tuple(phrases), tuple(tokens)


def token_pattern(value: Any, fail, at: int | None) -> tuple[dict, ...]:  # type: ignore[no-untyped-def]
    if not isinstance(value, list) or not value:
        raise fail("patterns.tokens", "must be a non-empty list of token specs", at)
    specs = []
    for spec in value:
        if not isinstance(spec, dict):
            raise fail("patterns.tokens", "each token spec is a mapping like {LOWER: cure}", at)
        spec = {k: v for k, v in spec.items() if k != _LINE}
        for attr, val in spec.items():
            if attr not in _TOKEN_ATTRS:
                raise fail(
                    "patterns.tokens",
                    f"attribute {attr!r} not allowed (rules must work without a trained "
                    f"pipeline; allowed: {', '.join(sorted(_TOKEN_ATTRS))})", at,
                )
            if attr == "OP" and (not isinstance(val, str) or val not in _TOKEN_OPERATORS):
                raise fail("patterns.tokens", f"OP must be one of ! ? + * (got {val!r})", at)
            if isinstance(val, dict):
                _check_predicates(attr, val, fail, at)
            if attr in _STRING_ATTRS:
                spec[attr] = _as_text(val)
        specs.append(spec)
    if all(s.get("OP") in ("?", "*") for s in specs):
        raise fail("patterns.tokens", "a token pattern must require at least one token", at)
    return tuple(specs)


def _nested_repeat(pattern: str) -> bool:
    """Does a regex repeat something that itself repeats? (the classic catastrophic form)"""
    try:
        from re import _parser as sre_parse  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - older layout
        import sre_parse  # type: ignore[no-redef]

    def walk(items, inside: bool) -> bool:  # type: ignore[no-untyped-def]
        for op, arg in items:
            name = str(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                low, high, sub = arg
                repeats = high is sre_parse.MAXREPEAT or high > 1
                if repeats and inside:
                    return True
                if walk(sub, inside or repeats):
                    return True
            elif name == "SUBPATTERN":
                if walk(arg[-1], inside):
                    return True
            elif name == "BRANCH":
                if any(walk(branch, inside) for branch in arg[1]):
                    return True
            elif name in ("ASSERT", "ASSERT_NOT"):
                if walk(arg[1], inside):
                    return True
        return False

    return walk(sre_parse.parse(pattern), False)


def _as_text(value: Any) -> Any:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    if isinstance(value, dict):
        return {k: (_as_text(v) if k in ("IN", "NOT_IN", "==", "!=") else v)
                for k, v in value.items()}
    return value


def _check_predicates(attr: str, val: dict, fail, at: int | None) -> None:  # type: ignore[no-untyped-def]
    for pred, arg in val.items():
        if pred == _LINE:
            continue
        if pred not in _VALUE_PREDICATES:
            raise fail("patterns.tokens", f"{attr}: unknown predicate {pred!r}", at)
        if pred == "REGEX":
            if not isinstance(arg, str) or len(arg) > _MAX_REGEX:
                raise fail("patterns.tokens", f"{attr}: REGEX must be text under 200 chars", at)
            try:
                re.compile(arg)
            except re.error as exc:
                message = f"{attr}: REGEX does not compile: {exc}"
                raise fail("patterns.tokens", message, at) from None
            if _nested_repeat(arg):
                raise fail("patterns.tokens", f"{attr}: REGEX has a repeat inside a repeat "
                           "(like (a+)+), which can take forever on some text", at)
        if pred in ("IN", "NOT_IN") and not isinstance(arg, list):
            raise fail("patterns.tokens", f"{attr}: {pred} takes a list", at)
    val.pop(_LINE, None)


def _examples(value: Any, fail) -> tuple[tuple[str, ...], tuple[str, ...]]:  # type: ignore[no-untyped-def]
    if not isinstance(value, dict):
        raise fail("examples", "must be a mapping with 'flag' and 'pass' lists")
    for key in value:
        if key not in ("flag", "pass", _LINE):
            raise fail(f"examples.{key}", "unknown key (allowed: flag, pass)")
    out = []
    for key in ("flag", "pass"):
        items = value.get(key)
        if not isinstance(items, list) or not items or not all(
            isinstance(i, str) and i.strip() for i in items
        ):
            raise fail(f"examples.{key}", "must be a non-empty list of example sentences")
        out.append(tuple(" ".join(i.split()) for i in items))
    return out[0], out[1]
