"""Find where patterns occur: exact/lemma matches with spaCy's matchers, typos with rapidfuzz.

A ``PatternSet`` is compiled once per run from keyed phrases and token patterns (rules use it,
and so do the context cues). Phrases match on lemmas through ``PhraseMatcher``; token patterns
through ``Matcher``. Fuzzy matching only looks at phrases that share enough content words with
an assertion (an inverted index), then scores small token windows with rapidfuzz, so a
misspelt "guarenteed cure" is caught without comparing every sentence with every phrase.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import spacy
from rapidfuzz import fuzz
from spacy.attrs import IS_ALPHA, IS_DIGIT, IS_PUNCT, IS_TITLE, LIKE_NUM, LIKE_URL
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import Matcher, PhraseMatcher
from spacy.vocab import Vocab

from .errors import RuleFileError
from .nlp import Analysis, Pipeline
from .ruleset import yamlcache

DEFAULT_SIMILARITY = 90.0
#: short words that change meaning ("no", "not", "all") must be present exactly in fuzzy matches
_MIN_CONTENT_LEN = 4
_MIN_FUZZY_CHARS = 8


#: attribute -> which of a token's strings it compares with
_LITERAL_ATTRS = {"LEMMA": "lemma", "LOWER": "lower", "NORM": "lower", "ORTH": "orth",
                  "TEXT": "orth"}
_ANCHOR_KINDS = ("lemma", "lower", "orth")


#: words too common in clinic text to pick a pattern's candidate sentences by
_COMMON = STOP_WORDS | {
    "cell", "cells", "stem", "treatment", "treatments", "therapy", "therapies", "patient",
    "patients", "pain", "clinic", "clinics", "condition", "conditions", "study", "studies",
}


def _requirements(pattern: list[dict]) -> list[tuple[str, frozenset[str]]]:
    """For each token a match must have, the words one of which it must be (where literal)."""
    out = []
    for spec in pattern:
        if spec.get("OP") in ("?", "*", "!"):
            continue
        for attr, value in spec.items():
            kind = _LITERAL_ATTRS.get(attr)
            if kind is None:
                continue
            if isinstance(value, str):
                values = frozenset([value])
            elif isinstance(value, dict) and set(value) == {"IN"}:
                values = frozenset(str(v) for v in value["IN"])
            else:
                continue
            out.append((kind, frozenset(v.lower() for v in values) if kind == "lower"
                        else values))
    return out


#: boolean token attributes a pattern's outline can test (from the Doc, as the Matcher does)
_FLAGS = {"IS_ALPHA": IS_ALPHA, "IS_DIGIT": IS_DIGIT, "IS_PUNCT": IS_PUNCT,
          "IS_TITLE": IS_TITLE, "LIKE_NUM": LIKE_NUM, "LIKE_URL": LIKE_URL}
_FLAG_IDS = tuple(_FLAGS.values())
_FLAG_COLUMN = {name: n for n, name in enumerate(_FLAGS)}
#: the flags of a word remembered by its text: at most this many, then forgotten at once (a
#: crawl meets new words on every page)
_WORD_FLAGS_CACHE = 50_000


class _TokenFlags:
    """A text's tokens' flags (``_FLAG_IDS``), token by token: ``flags[i][column]``.

    They belong to the word, not the token (spaCy keeps them on the lexeme), so each word's
    are read once (``known``: the pattern set's memory of them) and only for the tokens an
    outline tests: reading all six columns of every token of the Doc was 4% of a check, and
    it was done twice (rules and context cues)."""

    def __init__(self, vocab: Vocab, texts: list[str],
                 known: dict[str, tuple[bool, ...]]) -> None:
        self._vocab, self._texts, self._known = vocab, texts, known

    def __getitem__(self, i: int) -> tuple[bool, ...]:
        word = self._texts[i]
        found = self._known.get(word)
        if found is None:
            if len(self._known) >= _WORD_FLAGS_CACHE:
                self._known.clear()
            lexeme = self._vocab[word]
            found = self._known[word] = tuple(lexeme.check_flag(f) for f in _FLAG_IDS)
        return found


@dataclass(frozen=True)
class _Step:
    """One token of a pattern, loosened to what can be tested cheaply: the words it must be one
    of (per kind of string) and the flags it must have. Anything else is left to the Matcher."""

    optional: bool
    words: tuple[tuple[str, frozenset[str]], ...]
    flags: tuple[tuple[int, bool], ...]  # (column of _FLAG_IDS, value)


@dataclass(frozen=True)
class _Outline:
    """What a sentence must show around a group's anchor word (``kind``: one of ``values``):
    the pattern's steps on either side of the anchor's step, nearest first. Every match holds
    an anchor word with the steps before it fitting the tokens before it, and so on, so the
    Matcher only needs to read where such a run of tokens can be."""

    kind: str
    values: frozenset[str]
    anchor: _Step
    before: tuple[_Step, ...]  # nearest first
    after: tuple[_Step, ...]


def _anchored(steps: tuple[_Step, ...], at: int, kind: str,
              values: frozenset[str]) -> _Outline:
    return _Outline(kind, values, steps[at], steps[:at][::-1], steps[at + 1:])


def _outline(pattern: list[dict]) -> tuple[_Step, ...] | None:
    """A pattern as steps: a token sequence the pattern matches always fits its outline. None
    for a pattern with repeats or negations ("*", "+", "!"), which only the Matcher runs."""
    if any(spec.get("OP") not in (None, "?") for spec in pattern):
        return None
    steps = []
    for spec in pattern:
        words = tuple(_requirements([{k: v for k, v in spec.items() if k != "OP"}]))
        flags = tuple((_FLAG_COLUMN[k], v) for k, v in spec.items()
                      if k in _FLAG_COLUMN and isinstance(v, bool))
        steps.append(_Step(spec.get("OP") == "?", words, flags))
    return tuple(steps)


def _text_prefilter(pattern: list[dict]) -> re.Pattern[str] | None:
    """A regex that must occur in a text for the pattern to match in it, or None.

    A required token REGEX anchored as ``^...$`` also matches the whole text unanchored.
    """
    for spec in pattern:
        if spec.get("OP") in ("?", "*", "!"):
            continue
        for attr in ("TEXT", "ORTH"):
            value = spec.get(attr)
            if isinstance(value, dict) and isinstance(value.get("REGEX"), str):
                loose = value["REGEX"].removeprefix("^").removesuffix("$")
                if "^" not in loose and "$" not in loose:
                    return re.compile(loose)
    return None


def _rarity_cost(values: frozenset[str]) -> int:
    return sum(50 if (v.lower() in _COMMON or not v.isalnum()) else 1 for v in values)


def _compiled(vocab, spec: PatternSpec, match_key: str, pattern: list[dict],  # type: ignore[no-untyped-def]
              validate: bool = True) -> Matcher:
    """A Matcher holding the token pattern, checked by spaCy as it compiles (unless
    ``validate`` is off); a pattern spaCy rejects is a rule-file error naming the rule."""
    matcher = Matcher(vocab, validate=validate)
    try:
        matcher.add(match_key, [pattern], greedy="LONGEST")
    except Exception as exc:  # spaCy raises MatchPatternError / ValueError
        lines = str(exc).strip().splitlines()
        problem = lines[-1] if lines else str(exc)
        raise RuleFileError(spec.file or "patterns", f"token pattern does not compile: "
                            f"{problem}", rule=spec.key, key="patterns.tokens") from None
    return matcher


def _patterns_text(specs: Sequence[PatternSpec]) -> str | None:
    """The token patterns of ``specs`` (and the spaCy that checks them) as one text, or None
    when JSON cannot spell them."""
    patterns = [spec.tokens for spec in specs if spec.tokens is not None]
    try:
        return json.dumps([spacy.__version__, patterns], sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class PatternSpec:
    """One pattern to compile: a phrase or a spaCy token pattern, under a key (rule/cue id)."""

    key: str
    phrase: str | None = None
    tokens: tuple[dict, ...] | None = None
    similarity: float | None = None  # None: the default cut-off; 100: exact only
    file: str = ""

    @cached_property
    def label(self) -> str:
        """How a match names the pattern: the phrase, or the token pattern as JSON (spelt out
        when first needed: most token patterns of a run never match)."""
        if self.phrase is not None:
            return self.phrase
        return json.dumps(list(self.tokens or ()), sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class RawMatch:
    """A pattern found at token range [start, end)."""

    key: str
    start: int
    end: int
    pattern: str
    similarity: float


@dataclass(frozen=True)
class _Fuzzy:
    match_id: int  # whose specs take its matches (see PatternSet._labels)
    lemmas: tuple[str, ...]
    lowers: tuple[str, ...]
    exact_words: frozenset[str]
    need: int
    cutoff: float
    lemma_text: str
    lower_text: str


class PatternSet:
    """Compiled patterns; ``find(analysis)`` returns matches sorted by position."""

    def __init__(self, pipeline: Pipeline, specs: Sequence[PatternSpec]) -> None:
        vocab = pipeline.nlp.vocab
        self._vocab = vocab
        self._word_flags: dict[str, tuple[bool, ...]] = {}  # see _TokenFlags
        self._phrases = PhraseMatcher(vocab, attr="LEMMA")
        # token patterns are grouped by an "anchor": words one of which must be in a sentence
        # for the pattern to match there, so each sentence runs only the patterns it can meet
        self._groups: list[Matcher | None] = []  # None: not compiled yet (see _matcher)
        self._group_patterns: list[tuple[PatternSpec, str, list[dict]]] = []
        # each requirement (kind, words) once, with the words that meet it: a sentence's met
        # requirements are found from its words, and a group runs where all of its are met
        self._requirement_ids: dict[tuple[str, frozenset[str]], int] = {}
        self._meets: dict[str, dict[str, list[int]]] = {k: {} for k in _ANCHOR_KINDS}
        self._needs: list[frozenset[int]] = []
        # each group's outline, its anchor step and the anchor's words: a sentence where no
        # anchor word has the outline around it cannot match, so the Matcher is not called
        self._outlines: list[_Outline | None] = []
        self._by_anchor: dict[int, list[int]] = defaultdict(list)  # requirement id -> groups
        # patterns with no literal word (e.g. a REGEX for DOIs): run where a loosened form of
        # their regex occurs (within the pattern's length of it, when that is bounded), or on
        # the whole text
        self._unanchored: list[tuple[re.Pattern[str] | None, int | None, Matcher]] = []
        # a pattern that several specs hold (ten rule packs sharing a phrase) is compiled and
        # run once, under its first spec's id; each match is then handed to all of them, as
        # (their place in ``specs``, spec), so ties resolve as if each had run on its own
        self._labels: dict[int, list[tuple[int, PatternSpec]]] = {}
        self._fuzzy: list[_Fuzzy] = []
        self._anchors: dict[str, list[tuple[int, int]]] = defaultdict(list)
        # spaCy's own check of token patterns (after ours, in the rule schema) was a fifth of
        # building the rule patterns; a set of patterns it passed before, under the same spaCy,
        # is not checked again (the cache keys it by the patterns' text)
        checked = _patterns_text(specs)
        self._validate = checked is None or not yamlcache.passed("spacy-patterns", checked)
        same_as: dict[tuple, int] = {}  # what a pattern matches -> its first match id
        for n, spec in enumerate(specs):
            match_key = f"{spec.key}\x1f{n}"
            if spec.phrase is not None:
                doc = pipeline.make_pattern_doc(spec.phrase)
                lemmas, lowers = [t.lemma_ for t in doc], [t.lower_ for t in doc]
                # the PhraseMatcher reads lemmas; fuzzy matching lemmas, lowercase and cut-off
                same: tuple | None = ("phrase", tuple(lemmas), tuple(lowers),
                                      spec.similarity)
            else:
                text = _patterns_text([spec])
                same = None if text is None else ("tokens", text)
            first = same_as.get(same) if same is not None else None
            if first is not None:
                self._labels[first].append((n, spec))
                continue
            match_id = vocab.strings.add(match_key)
            if same is not None:
                same_as[same] = match_id
            self._labels[match_id] = [(n, spec)]
            if spec.phrase is not None:
                self._phrases.add(match_key, [doc])
                self._add_fuzzy(spec, match_id, lemmas, lowers)
            else:
                self._add_tokens(spec, match_key)
        # the same as bits of one int per word and group, and the groups each word anchors:
        # a sentence ORs its words' bits and tests each group it anchors with one AND
        # (each word's requirement numbers are distinct and ascending: see _requirement_id)
        anchors = self._by_anchor
        self._bits: dict[str, dict[str, tuple[int, tuple[int, ...]]]] = {
            kind: {word: (sum(1 << r for r in numbers),
                          tuple(g for r in numbers for g in anchors.get(r, ())))
                   for word, numbers in table.items()}
            for kind, table in self._meets.items()}
        self._need_bits = [sum(1 << r for r in needs) for needs in self._needs]
        if self._validate and checked is not None:
            yamlcache.remember("spacy-patterns", checked)

    def _add_tokens(self, spec: PatternSpec, match_key: str) -> None:
        pattern = [dict(t) for t in spec.tokens or ()]
        requires = _requirements(pattern)
        if not requires:
            matcher = _compiled(self._vocab, spec, match_key, pattern, self._validate)
            bounded = all(spec.get("OP") in (None, "?") for spec in pattern)
            self._unanchored.append((_text_prefilter(pattern), len(pattern) if bounded
                                     else None, matcher))
            return
        group = len(self._groups)
        # patterns spaCy has not passed before are compiled (and checked) now, so a bad one
        # is a rule-file error at start-up; the others when a sentence first needs them: a
        # short page runs a few of the hundreds, and compiling was a tenth of start-up
        self._groups.append(_compiled(self._vocab, spec, match_key, pattern)
                            if self._validate else None)
        self._group_patterns.append((spec, match_key, pattern))
        self._needs.append(frozenset(self._requirement_id(r) for r in requires))
        kind, values = min(requires, key=lambda r: _rarity_cost(r[1]))
        self._by_anchor[self._requirement_id((kind, values))].append(group)
        steps = _outline(pattern)
        at = next((n for n, step in enumerate(steps or ()) if not step.optional
                   and (kind, values) in step.words), None)
        self._outlines.append(None if steps is None or at is None
                              else _anchored(steps, at, kind, values))

    def _requirement_id(self, requirement: tuple[str, frozenset[str]]) -> int:
        number = self._requirement_ids.get(requirement)
        if number is None:
            number = self._requirement_ids[requirement] = len(self._requirement_ids)
            kind, values = requirement
            for value in values:
                self._meets[kind].setdefault(value, []).append(number)
        return number

    def _add_fuzzy(self, spec: PatternSpec, match_id: int, lemmas: list[str],
                   lowers: list[str]) -> None:
        cutoff = spec.similarity if spec.similarity is not None else DEFAULT_SIMILARITY
        content = [
            i for i, w in enumerate(lemmas)
            if len(w) >= _MIN_CONTENT_LEN and w.isalpha() and w not in STOP_WORDS
        ]
        if cutoff >= 100 or len(lemmas) < 2 or not content or len(spec.phrase or "") < (
            _MIN_FUZZY_CHARS
        ):
            return
        exact = frozenset(w for i, w in enumerate(lemmas) if i not in content)
        # anchor on the telling words: "cell" or "patient" alone would make every sentence
        # of a clinic page a candidate for every phrase that mentions them
        anchors = [i for i in content if lemmas[i] not in _COMMON] or content
        entry = _Fuzzy(match_id, tuple(lemmas), tuple(lowers), exact, max(1, len(anchors) - 1),
                       cutoff, " ".join(lemmas), " ".join(lowers))
        index = len(self._fuzzy)
        self._fuzzy.append(entry)
        for i in anchors:
            self._anchors[lemmas[i]].append((index, i))

    def find(self, analysis: Analysis, fuzzy: bool = True) -> list[RawMatch]:
        """All matches in the analysed text: exact ones, then fuzzy ones not already covered."""
        doc = analysis.doc
        found: list[RawMatch] = []
        for match_id, start, end in self._token_matches(analysis) + list(self._phrases(doc)):
            for _, spec in self._labels[match_id]:
                found.append(RawMatch(spec.key, start, end, spec.label, 100.0))
        if fuzzy and self._fuzzy:
            covered: dict[str, list[tuple[int, int]]] = defaultdict(list)
            for m in found:
                covered[m.key].append((m.start, m.end))
            for m in self._find_fuzzy(analysis):
                if not any(s < m.end and m.start < e for s, e in covered[m.key]):
                    found.append(m)
                    covered[m.key].append((m.start, m.end))
        found.sort(key=lambda m: (m.start, m.end, m.key, m.pattern))
        return found

    def _token_matches(self, analysis: Analysis) -> list[tuple[int, int, int]]:
        """Run each token pattern only on sentences holding every word it requires."""
        doc = analysis.doc
        out = []
        for prefilter, reach, matcher in self._unanchored:
            if prefilter is None:
                out.extend(matcher(doc))
            elif reach is None:
                if prefilter.search(analysis.text):
                    out.extend(matcher(doc))
            else:
                for lo, hi in _around(prefilter, reach, analysis):
                    out.extend((m, a + lo, b + lo) for m, a, b in matcher(doc[lo:hi]))
        if not self._groups:
            return out
        bits, needs = self._bits, self._need_bits
        flags = _TokenFlags(self._vocab, analysis.texts, self._word_flags)
        strings = {"lemma": analysis.lemmas, "lower": analysis.lower, "orth": analysis.texts}
        for sentence in analysis.sentences:
            s, e = sentence.start, sentence.end
            met, anchored = 0, set()
            for kind, column in strings.items():
                table = bits[kind]
                for word in table.keys() & column[s:e]:
                    word_bits, groups = table[word]
                    met |= word_bits
                    if groups:
                        anchored.update(groups)
            span = None
            # a group is looked up by its anchor's words, and runs only if all are met
            for group in sorted(g for g in anchored if needs[g] & met == needs[g]):
                outline = self._outlines[group]
                if outline is None:  # repeats or negations: the whole sentence
                    span = span if span is not None else doc[s:e]
                    out.extend((m, a + s, b + s) for m, a, b in self._matcher(group)(span))
                    continue
                # every match holds an anchor with the pattern's steps fitting around it
                for lo, hi in _windows(outline, s, e, strings, flags):
                    out.extend((m, a + lo, b + lo) for m, a, b in self._matcher(group)(doc[lo:hi]))
        return out

    def _matcher(self, group: int) -> Matcher:
        """Group ``group``'s Matcher, compiled the first time it is needed."""
        matcher = self._groups[group]
        if matcher is None:
            spec, match_key, pattern = self._group_patterns[group]
            matcher = self._groups[group] = _compiled(self._vocab, spec, match_key, pattern,
                                                      validate=False)
        return matcher

    def _find_fuzzy(self, analysis: Analysis) -> Iterable[RawMatch]:
        """Each sentence's fuzzy matches in the order of the first anchor word each pattern
        meets, patterns meeting it at once in the order they were given."""
        lemmas, lowers, anchors = analysis.lemmas, analysis.lower, self._anchors
        for sentence in analysis.sentences:
            # the sentence's anchor words in one set operation; the loop looks up only those
            present = anchors.keys() & lemmas[sentence.start:sentence.end]
            if not present:
                continue
            hits: dict[int, list[tuple[int, int]]] = defaultdict(list)
            for i in range(sentence.start, sentence.end):
                if lemmas[i] in present:
                    for entry_index, k in anchors[lemmas[i]]:
                        hits[entry_index].append((i, k))
            found: list[tuple[int, int, RawMatch]] = []
            words: set[str] | None = None  # the sentence's lemmas and lowercase words
            for entry_index, positions in hits.items():
                entry = self._fuzzy[entry_index]
                if len({k for _, k in positions}) < entry.need:
                    continue
                # a window only holds the sentence's words: without the exact ones, none fits
                if entry.exact_words:
                    if words is None:
                        s, e = sentence.start, sentence.end
                        words = set(lemmas[s:e]).union(lowers[s:e])
                    if not entry.exact_words <= words:
                        continue
                best = self._best_window(entry, positions, lemmas, lowers, sentence)
                if best is not None:
                    start, end, score = best
                    found.extend((positions[0][0], n, RawMatch(spec.key, start, end, spec.label,
                                                               score))
                                 for n, spec in self._labels[entry.match_id])
            found.sort(key=lambda hit: hit[:2])
            yield from (match for _, _, match in found)

    def _best_window(self, entry: _Fuzzy, positions, lemmas, lowers, sentence):  # type: ignore[no-untyped-def]
        """The best-scoring window of about the phrase's length around the anchor hits, as
        (start, end, similarity)."""
        n = len(entry.lemmas)
        best: tuple[int, int, float] | None = None
        seen: set[tuple[int, int]] = set()
        for i, k in positions:
            start = max(sentence.start, i - k)
            for length in (n, n + 1, n - 1):
                end = min(sentence.end, start + length)
                if end - start < 2 or (start, end) in seen:
                    continue
                seen.add((start, end))
                cutoff = best[2] if best is not None else entry.cutoff
                score = max(
                    fuzz.ratio(entry.lemma_text, " ".join(lemmas[start:end]),
                               score_cutoff=cutoff),
                    fuzz.ratio(entry.lower_text, " ".join(lowers[start:end]),
                               score_cutoff=cutoff),
                )
                if not score or (best is not None and score <= best[2]):
                    continue
                # short words ("no", "not", "100") must be there exactly
                if entry.exact_words.issubset(set(lemmas[start:end]) | set(lowers[start:end])):
                    best = (start, end, round(score, 1))
        return best


def _around(prefilter: re.Pattern[str], reach: int,
            analysis: Analysis) -> list[tuple[int, int]]:
    """Token ranges that hold every match of a pattern of at most ``reach`` tokens whose
    regex token must match ``prefilter``: the tokens each hit of the loosened regex touches,
    ``reach`` more either side, merged where they meet. A token where the regex matches starts
    a hit or lies inside one (hits do not overlap), so no match is left out."""
    starts, n = analysis.starts, len(analysis.starts)
    out: list[tuple[int, int]] = []
    for hit in prefilter.finditer(analysis.text):
        first = bisect_right(starts, hit.start()) - 1
        last = bisect_right(starts, max(hit.start(), hit.end() - 1)) - 1
        _merge(out, max(0, first - reach), min(n, last + reach + 1))
    return out


def _windows(outline: _Outline, first: int, last: int, strings: dict[str, list[str]],
             flags: _TokenFlags) -> list[tuple[int, int]]:
    """Token ranges within [first, last) that hold every match: around each anchor word, from
    the earliest token the steps before it can reach to the last the steps after it can,
    with ranges that overlap or touch merged (so LONGEST still sees every rival)."""
    column = strings[outline.kind]
    spans = []
    for p in range(first, last):
        if column[p] not in outline.values or not _ok(outline.anchor, p, strings, flags):
            continue
        starts = _reach(outline.before, p - 1, -1, first, last, strings, flags)
        ends = starts and _reach(outline.after, p + 1, 1, first, last, strings, flags)
        if ends:
            spans.append((min(starts) + 1, max(ends)))
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):  # a later anchor's steps can reach further back
        _merge(out, lo, hi)
    return out


def _reach(steps: tuple[_Step, ...], cursor: int, step: int, first: int, last: int,
           strings: dict[str, list[str]], flags: _TokenFlags) -> set[int]:
    """Where runs of tokens fitting ``steps`` in turn can stop, read from token ``cursor``
    one ``step`` (-1, +1) at a time within [first, last): the next token each would read. An
    optional step may take its token or not."""
    cursors = {cursor}
    for st in steps:
        taken = {c + step for c in cursors if first <= c < last and _ok(st, c, strings, flags)}
        cursors = cursors | taken if st.optional else taken
        if not cursors:
            break
    return cursors


def _merge(ranges: list[tuple[int, int]], lo: int, hi: int) -> None:
    """Add [lo, hi) to ranges sorted by start, joined with the last one if they meet."""
    if ranges and lo <= ranges[-1][1]:
        ranges[-1] = (ranges[-1][0], max(ranges[-1][1], hi))
    else:
        ranges.append((lo, hi))


def _ok(step: _Step, i: int, strings: dict[str, list[str]], flags: _TokenFlags) -> bool:
    for kind, values in step.words:
        if strings[kind][i] not in values:
            return False
    if step.flags:
        row = flags[i]
        for column, want in step.flags:
            if row[column] is not want:
                return False
    return True
