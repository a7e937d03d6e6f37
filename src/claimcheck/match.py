"""Find where patterns occur: exact/lemma matches with spaCy's matchers, typos with rapidfuzz.

A ``PatternSet`` is compiled once per run from keyed phrases and token patterns (rules use it,
and so do the context cues). Phrases match on lemmas through ``PhraseMatcher``; token patterns
through ``Matcher``. Fuzzy matching only looks at phrases that share enough content words with
an assertion (an inverted index), then scores small token windows with rapidfuzz, so a
misspelt "guarenteed cure" is caught without comparing every sentence with every phrase.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import Matcher, PhraseMatcher

from .errors import RuleFileError
from .extract import Analysis, Pipeline

DEFAULT_SIMILARITY = 90.0
#: short words that change meaning ("no", "not", "all") must be present exactly in fuzzy matches
_MIN_CONTENT_LEN = 4
_MIN_FUZZY_CHARS = 8


@dataclass(frozen=True)
class PatternSpec:
    """One pattern to compile: a phrase or a spaCy token pattern, under a key (rule/cue id)."""

    key: str
    phrase: str | None = None
    tokens: tuple[dict, ...] | None = None
    similarity: float | None = None  # None: the default cut-off; 100: exact only
    file: str = ""

    @property
    def label(self) -> str:
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
    spec: PatternSpec
    lemmas: tuple[str, ...]
    lowers: tuple[str, ...]
    exact_words: frozenset[str]
    need: int
    cutoff: float


class PatternSet:
    """Compiled patterns; ``find(analysis)`` returns matches sorted by position."""

    def __init__(self, pipeline: Pipeline, specs: Sequence[PatternSpec]) -> None:
        vocab = pipeline.nlp.vocab
        self._phrases = PhraseMatcher(vocab, attr="LEMMA")
        self._tokens = Matcher(vocab, validate=True)
        self._labels: dict[int, tuple[str, str]] = {}
        self._fuzzy: list[_Fuzzy] = []
        self._anchors: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for n, spec in enumerate(specs):
            match_key = f"{spec.key}\x1f{n}"
            match_id = vocab.strings.add(match_key)
            self._labels[match_id] = (spec.key, spec.label)
            if spec.phrase is not None:
                doc = pipeline.make_pattern_doc(spec.phrase)
                self._phrases.add(match_key, [doc])
                self._add_fuzzy(spec, [t.lemma_ for t in doc], [t.lower_ for t in doc])
            else:
                try:
                    self._tokens.add(match_key, [list(spec.tokens or ())])
                except Exception as exc:  # spaCy raises MatchPatternError / ValueError
                    first = str(exc).strip().splitlines()
                    raise RuleFileError(
                        spec.file or "patterns", f"token pattern does not compile: "
                        f"{first[-1] if first else exc}", rule=spec.key, key="patterns.tokens",
                    ) from None

    def _add_fuzzy(self, spec: PatternSpec, lemmas: list[str], lowers: list[str]) -> None:
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
        entry = _Fuzzy(
            spec, tuple(lemmas), tuple(lowers), exact, max(1, len(content) - 1), cutoff
        )
        index = len(self._fuzzy)
        self._fuzzy.append(entry)
        for i in content:
            self._anchors[lemmas[i]].append((index, i))

    def find(self, analysis: Analysis, fuzzy: bool = True) -> list[RawMatch]:
        """All matches in the analysed text: exact ones, then fuzzy ones not already covered."""
        doc = analysis.doc
        found: list[RawMatch] = []
        for match_id, start, end in list(self._phrases(doc)) + list(self._tokens(doc)):
            key, label = self._labels[match_id]
            found.append(RawMatch(key, start, end, label, 100.0))
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

    def _find_fuzzy(self, analysis: Analysis) -> Iterable[RawMatch]:
        lemmas, lowers = analysis.lemmas, analysis.lower
        for sentence in analysis.sentences:
            hits: dict[int, list[tuple[int, int]]] = defaultdict(list)
            for i in range(sentence.start, sentence.end):
                for entry_index, k in self._anchors.get(lemmas[i], ()):
                    hits[entry_index].append((i, k))
            for entry_index, positions in hits.items():
                entry = self._fuzzy[entry_index]
                if len({k for _, k in positions}) < entry.need:
                    continue
                best = self._best_window(entry, positions, lemmas, lowers, sentence)
                if best is not None:
                    yield best

    def _best_window(self, entry: _Fuzzy, positions, lemmas, lowers, sentence):  # type: ignore[no-untyped-def]
        n = len(entry.lemmas)
        phrase_lemmas = " ".join(entry.lemmas)
        phrase_lowers = " ".join(entry.lowers)
        best: RawMatch | None = None
        for i, k in positions:
            for length in (n, n + 1, n - 1):
                start = max(sentence.start, i - k)
                end = min(sentence.end, start + length)
                if end - start < 2:
                    continue
                window = lemmas[start:end]
                if not entry.exact_words.issubset(set(window) | set(lowers[start:end])):
                    continue
                score = max(
                    fuzz.ratio(phrase_lemmas, " ".join(window)),
                    fuzz.ratio(phrase_lowers, " ".join(lowers[start:end])),
                )
                if score >= entry.cutoff and (best is None or score > best.similarity):
                    best = RawMatch(
                        entry.spec.key, start, end, entry.spec.label, round(score, 1)
                    )
        return best
