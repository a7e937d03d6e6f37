"""Validate rule files: every key, type and token pattern is checked before anything runs.

Rules are data, never code. An error names the file, the rule id, the key and the line.
Token patterns are checked here for shape (spaCy compiles them in ``match.py``); regexes with a
repeat inside a repeat are refused, so a rule cannot stall a batch.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from typing import Any

from ..errors import RuleFileError
from ..types import Context, Kind, Rule, Severity, Source
from .yamlio import LINE, load_checked, load_yaml

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

#: contexts a finding can have (see context/judge.py); ``counts_in`` may name any of them
CONTEXTS = tuple(c.value for c in Context)

_RULE_KEYS = {
    "id": "required", "name": "required", "category": "required", "severity": "optional",
    "summary": "required", "why": "required", "ask": "required", "sources": "required",
    "patterns": "required", "examples": "required", "similarity": "optional",
    "weight": "optional", "counts_in": "optional", "void_with": "optional",
    "qualifies": "optional",
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
_MAX_REGEX = 200
#: where each rule's id stands, for line numbers when the fast loader kept none
_ID_LINE = re.compile(r"^\s*-?\s*id:\s*[\"']?([A-Z]+[0-9]{3})", re.MULTILINE)


def parse_rule_file(raw: bytes, file: str) -> list[Rule]:
    """Parse and validate one rule file's bytes; raise ``RuleFileError`` on the first problem."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RuleFileError(file, f"not UTF-8 text (byte {exc.start})") from None
    return load_checked(text, file, lambda data: _rules(data, file, text))


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


def _rule(item: Any, file: str, index: int) -> Rule:
    if not isinstance(item, dict):
        raise RuleFileError(file, f"rule #{index + 1} is not a mapping")
    line = item.get(LINE)
    rule_id = item.get("id") if isinstance(item.get("id"), str) else f"#{index + 1}"

    def fail(key: str, message: str, at: int | None = None) -> RuleFileError:
        return RuleFileError(file, message, rule=rule_id, key=key, line=at or line)

    for key in item:
        if key != LINE and key not in _RULE_KEYS:
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
    flag, passes = parse_examples(item["examples"], fail)
    return Rule(
        id=rule_id, name=name, category=category, kind=kind, severity=severity,
        summary=text("summary"), why=text("why"), ask=text("ask"),
        sources=parse_sources(item["sources"], fail), phrases=phrases, token_patterns=tokens,
        examples_flag=flag, examples_pass=passes,
        similarity=_number(item, "similarity", 50, 100, fail),
        weight=_number(item, "weight", 0, 50, fail),
        counts_in=_counts_in(item.get("counts_in", []), fail),
        void_with=_void_with(item.get("void_with", []), kind, fail),
        qualifies=_qualifies(item.get("qualifies", True), kind, fail),
        file=file, line=line or 0,
    )


def _number(item: dict, key: str, low: float, high: float, fail) -> float | None:  # type: ignore[no-untyped-def]
    if key not in item:
        return None
    value = item[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise fail(key, f"must be a number from {low} to {high}")
    return float(value)


def _void_with(value: Any, kind: Kind, fail) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    if not isinstance(value, list) or any(v not in CATEGORIES for v in value):
        raise fail("void_with", "must be a list of categories")
    if value and kind is not Kind.GREEN:
        raise fail("void_with", "only a good sign can be voided by a red flag")
    return tuple(value)


def _qualifies(value: Any, kind: Kind, fail) -> bool:  # type: ignore[no-untyped-def]
    if not isinstance(value, bool):
        raise fail("qualifies", "must be true or false")
    if not value and kind is not Kind.GREEN:
        raise fail("qualifies", "only a good sign qualifies a hedged claim")
    return value


def _counts_in(value: Any, fail) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    if not isinstance(value, list) or any(v not in CONTEXTS for v in value):
        raise fail("counts_in", "must be a list of contexts: " + ", ".join(CONTEXTS))
    return tuple(value)


@lru_cache(maxsize=1)
def seed_titles() -> dict[str, str]:
    """Seed file name -> the article's title and site (data/seeds.yaml), which a reader can
    look up; the file name alone they cannot open."""
    text = resources.files("claimcheck").joinpath("data/seeds.yaml").read_text("utf-8")
    data = load_yaml(text, "claimcheck/data/seeds.yaml", fast=True)
    return {str(k): str(v) for k, v in (data or {}).items()}


def parse_sources(value: Any, fail) -> tuple[Source, ...]:  # type: ignore[no-untyped-def]
    if not isinstance(value, list) or not value:
        raise fail("sources", "a rule must cite at least one source (seed or public document)")
    out = []
    for src in value:
        if not isinstance(src, dict):
            raise fail("sources", "each source is a mapping with seed or url, and quote")
        at = src.get(LINE)
        for key in src:
            if key != LINE and key not in _SOURCE_KEYS:
                raise fail(f"sources.{key}", "unknown key (allowed: seed, url, title, quote)", at)
        if not (src.get("seed") or src.get("url")):
            raise fail("sources", "each source needs a seed file name or a url", at)
        for key in ("seed", "url", "title"):
            if key in src and not isinstance(src[key], str):
                raise fail(f"sources.{key}", "must be text", at)
        quote = src.get("quote")
        if not isinstance(quote, str) or not quote.strip():
            raise fail("sources.quote", "each source quotes a few words", at)
        seed = src.get("seed")
        out.append(Source(
            quote=" ".join(quote.split()), seed=seed, url=src.get("url"),
            title=src.get("title") or (seed_titles().get(seed) if seed else None),
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
        elif isinstance(entry, dict) and set(entry) - {LINE} == {"tokens"}:
            tokens.append(token_pattern(entry["tokens"], fail, entry.get(LINE)))
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
        spec = {k: v for k, v in spec.items() if k != LINE}
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
        if pred == LINE:
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
    val.pop(LINE, None)


def parse_examples(value: Any, fail) -> tuple[tuple[str, ...], tuple[str, ...]]:  # type: ignore[no-untyped-def]
    if not isinstance(value, dict):
        raise fail("examples", "must be a mapping with 'flag' and 'pass' lists")
    for key in value:
        if key not in ("flag", "pass", LINE):
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
