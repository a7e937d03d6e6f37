"""Who is claiming what: judge each match in its sentence (negated, warned against, hedged...).

A ConText/NegEx-style algorithm. Cues come from a YAML table (``data/cues.yaml``); each cue
covers a scope of tokens forward or backward from it, bounded by its clause or sentence, a
window and terminator words ("but", "however"). A match covered by cues takes the strongest of
their contexts; a match in a question is a question unless the question is a sales pitch.
Cues inside the matched words never judge that match.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from .errors import RuleFileError
from .extract import Analysis
from .match import PatternSpec, RawMatch
from .rules import LINE, load_yaml, token_pattern

#: strongest first; "asserted" is what is left when nothing covers a match
PRIORITY = ("warning", "quoted", "negated", "question", "conditional", "hedged")
SCOPED_TYPES = set(PRIORITY)
SPECIAL_TYPES = {"pseudo", "rhetorical"}
#: contexts in which a red-flag finding lowers the score (hedged at a reduced weight)
COUNTED = ("asserted", "hedged")
_QUOTES_OPEN = {"“", "«", "„"}
_QUOTES_CLOSE = {"”", "»"}
_QUOTES_BOTH = {'"', "''", "``"}
_SCARE_QUOTE_MAX = 12
#: after "and"/"or", these words begin a new clause with its own subject
_CLAUSE_STARTERS = {
    "the", "a", "an", "this", "these", "those", "that", "it", "they", "we", "you", "our",
    "their", "its", "there", "he", "she", "i", "your", "most", "many", "some", "results",
}
#: a match holding one of these makes a negative claim itself ("zero risk", "side-effect free")
_OWN_NEGATION = {"no", "not", "never", "without", "zero", "free", "none", "nothing", "nor"}
_CUES_FILE = "data/cues.yaml"
_GROUP_KEYS = {
    "type", "direction", "scope", "window", "patterns", "not_after", "not_before", "refutes",
    LINE,
}


@dataclass(frozen=True)
class CueGroup:
    type: str
    direction: str
    scope: str
    window: int
    not_after: frozenset[str]
    not_before: frozenset[str]
    refutes: bool


@dataclass(frozen=True)
class CueTable:
    terminators: frozenset[str]
    groups: tuple[CueGroup, ...]
    specs: tuple[PatternSpec, ...]


@dataclass(frozen=True)
class Judgement:
    context: str
    cue: str


@lru_cache(maxsize=1)
def load_cues() -> CueTable:
    """Read and check the shipped cue table."""
    file = f"claimcheck/{_CUES_FILE}"
    text = resources.files("claimcheck").joinpath(_CUES_FILE).read_text(encoding="utf-8")
    data = load_yaml(text, file)
    if not isinstance(data, dict) or not isinstance(data.get("cues"), list):
        raise RuleFileError(file, "a cue file is a mapping with 'terminators' and 'cues'")
    groups: list[CueGroup] = []
    specs: list[PatternSpec] = []
    for n, item in enumerate(data["cues"]):
        groups.append(_group(item, file, n))
        for entry in item["patterns"]:
            key = f"cue{n}"
            if isinstance(entry, str):
                specs.append(PatternSpec(key, phrase=entry, similarity=100.0, file=file))
            else:
                fail = _failer(file, key)
                tokens = token_pattern(entry.get("tokens"), fail, item.get(LINE))
                specs.append(PatternSpec(key, tokens=tokens, similarity=100.0, file=file))
    terminators = frozenset(str(t).lower() for t in data.get("terminators", []))
    return CueTable(terminators, tuple(groups), tuple(specs))


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


class ContextJudge:
    """Judges matches in one analysed text, given the cue matches found in it."""

    def __init__(self, table: CueTable, analysis: Analysis, cue_matches: list[RawMatch]) -> None:
        self.table = table
        self.a = analysis
        sentence_of = {}
        for assertion in analysis.assertions:
            for t in range(assertion.start, assertion.end):
                sentence_of[t] = assertion.sentence
        self._sentence_of = sentence_of
        self._parsed = analysis.doc.has_annotation("DEP")  # a trained parser ran
        # cues that cancel others, by sentence (so a huge text stays linear)
        pseudo: dict[int, list[RawMatch]] = defaultdict(list)
        excluded: dict[int, list[RawMatch]] = defaultdict(list)
        for m in cue_matches:
            if m.start in sentence_of:
                if self._group(m).type == "pseudo":
                    pseudo[sentence_of[m.start]].append(m)
                elif self._excluded(m):
                    excluded[sentence_of[m.start]].append(m)
        self._cues: dict[int, list[RawMatch]] = defaultdict(list)
        self._rhetorical: set[int] = set()
        for m in cue_matches:
            group = self._group(m)
            if group.type == "pseudo" or m.start not in sentence_of:
                continue
            index = sentence_of[m.start]
            if any(p.start <= m.start and m.end <= p.end for p in pseudo[index]):
                continue
            # "ask" inside an excluded "ask about our" goes with it
            if any(x.key == m.key and x.start <= m.start and m.end <= x.end
                   for x in excluded[index]):
                continue
            if group.type == "rhetorical":
                self._rhetorical.add(index)
            else:
                self._cues[index].append(m)

    def _excluded(self, m: RawMatch) -> bool:
        """A cue right after ``not_after`` words or right before ``not_before`` words."""
        group, lower = self._group(m), self.a.lower
        return (m.start > 0 and lower[m.start - 1] in group.not_after) or (
            m.end < len(lower) and lower[m.end] in group.not_before)

    def _group(self, m: RawMatch) -> CueGroup:
        return self.table.groups[int(m.key[3:])]

    def judge(self, start: int, end: int) -> Judgement:
        """The context of the words at token range [start, end)."""
        index = self._sentence_of.get(start)
        if index is None:
            return Judgement("asserted", "")
        sentence = self.a.sentences[index]
        found: dict[str, str] = {}
        cues = self._cues.get(index, ())
        # "no side effects" carries its own negation: an earlier "no" does not flip it back,
        # though a refutation ("it is not true that ...") still denies it
        self_negated = any(w in _OWN_NEGATION for w in self.a.lemmas[start:end])
        for cue in cues:
            if cue.start < end and start < cue.end:
                continue  # a cue inside the match is part of what is claimed
            group = self._group(cue)
            if group.type == "negated" and self_negated and not group.refutes:
                continue
            if self._covers(group, cue, start, end, sentence):
                found.setdefault(group.type, self._text(cue.start, cue.end))
        quoted = self._in_quotes(start, end, sentence)
        if quoted:
            found.setdefault("quoted", quoted)
        if not found and self._parsed:
            parsed = _from_parse(self.a.doc, start, end, self_negated)
            if parsed:
                found[parsed.context] = parsed.cue
        if sentence.kind == "question" and index not in self._rhetorical:
            found.setdefault("question", "?")
        for kind in PRIORITY:
            if kind in found:
                return Judgement(kind, found[kind])
        return Judgement("asserted", "")

    def _covers(self, group: CueGroup, cue: RawMatch, start: int, end: int, sentence) -> bool:  # type: ignore[no-untyped-def]
        if group.scope == "clause":
            clause = self.a.assertion_at(cue.start)
            lo, hi = clause.start, clause.end
        else:
            lo, hi = sentence.start, sentence.end
        lemmas, terms = self.a.lemmas, self.table.terminators
        if group.direction == "forward":
            if start < cue.end:
                return False
            limit = min(hi, cue.end + group.window)
            for t in range(cue.end, min(start + 1, limit)):
                if lemmas[t] in terms or (group.scope == "clause" and self._new_clause(t)):
                    return False
            return start < limit
        if end > cue.start:
            return False
        limit = max(lo, cue.start - group.window)
        for t in range(end, cue.start):
            if lemmas[t] in terms:
                return False
        return start >= limit

    def _new_clause(self, t: int) -> bool:
        """Does a new clause start at token t ("... and the results vary", ", classifying")?"""
        lower = self.a.lower
        if t + 1 >= len(lower):
            return False
        word, nxt = lower[t], lower[t + 1]
        if word in ("and", "or"):
            return nxt in _CLAUSE_STARTERS
        return word == "," and (nxt in ("which", "who") or (nxt.endswith("ing") and
                                                              len(nxt) > 5))

    def _in_quotes(self, start: int, end: int, sentence) -> str:  # type: ignore[no-untyped-def]
        """The quoted words around a match, when they are a short quotation inside a sentence."""
        lower = self.a.lower
        open_at = None
        for t in range(sentence.start, sentence.end):
            word = lower[t]
            if open_at is None and (word in _QUOTES_OPEN or word in _QUOTES_BOTH):
                open_at = t
            elif open_at is not None and (word in _QUOTES_CLOSE or word in _QUOTES_BOTH):
                short = t - open_at - 1 <= _SCARE_QUOTE_MAX
                whole = open_at == sentence.start and t >= sentence.end - 2
                if open_at < start and end <= t and short and not whole:
                    return self._text(open_at, t + 1)
                open_at = None
        return ""

    def _text(self, start: int, end: int) -> str:
        return self.a.text[self.a.starts[start]: self.a.ends[end - 1]]


#: nouns for someone other than the writer, and verbs for making a claim (parse path)
_THIRD_PARTIES = {
    "clinic", "provider", "business", "company", "practitioner", "center", "centre",
    "website", "site", "ad", "advertisement", "marketer", "seller", "promoter", "operator",
    "defendant", "chiropractor", "firm",
}
_CLAIM_VERBS = {
    "promise", "claim", "offer", "advertise", "tout", "sell", "market", "guarantee", "peddle",
    "purport", "pitch", "boast", "allege", "say", "tell", "assert",
}


def _from_parse(doc, start: int, end: int, self_negated: bool) -> Judgement | None:  # type: ignore[no-untyped-def]
    """With a dependency parse: a negated governing verb, or a claim verb whose subject or
    relative-clause head is a third party ("clinics that promise X", "clinics promise X")."""
    head = doc[start:end].root
    for token in [head, *head.ancestors]:
        if token.pos_ in ("VERB", "AUX") or token.dep_ == "ROOT":
            negs = [c for c in token.children if c.dep_ == "neg"
                    and not start <= c.i < end]
            if negs and not self_negated:
                return Judgement("negated", negs[0].text)
            if token.lemma_.lower() in _CLAIM_VERBS:
                if token.dep_ == "relcl" and token.head.lemma_.lower() in _THIRD_PARTIES:
                    return Judgement("warning", f"{token.head.text} … {token.text}")
                subjects = [c for c in token.children if c.dep_ == "nsubj"]
                if any(c.lemma_.lower() in _THIRD_PARTIES and c.tag_ in ("NNS", "NNPS")
                       and not any(d.lower_ in ("our", "my") for d in c.children)
                       for c in subjects):
                    return Judgement("quoted", f"{subjects[0].text} {token.text}")
        if token.dep_ in ("ROOT", "conj"):
            break  # a coordinated verb has its own claim: "are advertised ... but provide X"
    return None
