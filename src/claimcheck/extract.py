"""Text -> sentences -> assertions, with character offsets kept exact.

This module owns the spaCy pipeline: built once per run, either spaCy's blank English pipeline
(tokenizer + our line-aware sentence splitting + lookup lemmas shipped with the project) or an
installed trained pipeline (``--model``), whose parser then also splits sentences. Lemmas always
come from the same lookup table so that rules match the same way on both paths.
"""

from __future__ import annotations

import gzip
import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy
import spacy
from spacy.attrs import IDX, LEMMA, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .errors import UsageError

#: tokens that end one assertion (clause) inside a sentence
_CLAUSE_PUNCT = {";", "—", "–", "--"}
#: after a comma, these words open a new clause ("..., but our cells ...")
_CLAUSE_CONJ = {"but", "yet", "while", "whereas", "although", "though", "however", "so"}
#: a clause opened by one of these ends at its first comma ("Although X, Y")
_SUBORDINATORS = {"although", "though", "while", "whereas", "if", "unless", "because", "since"}
_BULLETS = {"•", "●", "▪", "◦", "‣", "-", "*", "–", "—", "·"}
_SENT_END = {".", "!", "?", "…", ":"}
#: a sentence ends after one of these (and any closing quotes or brackets after it)
_PUNCT_END = {".", "!", "?", "…", "。", "!!", "!!!", "?!", "...", "?!?"}
_CLOSERS = {'"', "”", "’", "'", ")", "]", "»"}
_CONTINUERS = {",", ";", ":", ")", "%"}
_HEADING_MAX_WORDS = 12
#: longer runs of tokens without sentence punctuation are cut into pieces of at most this
MAX_SENTENCE_TOKENS = 80
#: words a Title Case heading leaves in lower case
_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or",
                "the", "to", "vs", "with", "from", "into", "is", "are"}
#: where the WordNet lookup table is wrong for the contractions spaCy's tokenizer produces
_LEMMA_FIXES = {
    "does": "do", "ca": "can", "wo": "will", "sha": "shall", "'s": "'s", "’s": "'s",
    "n’t": "not", "n't": "not", "’re": "be", "'re": "be", "’m": "be", "'m": "be",
    # comparatives keep their own lemma, so "better than surgery" never matches "well"
    "better": "better", "best": "best", "worse": "worse", "worst": "worst",
    # modal verbs keep theirs, so a hedge cue "could" never matches a confident "can"
    "could": "could", "might": "might", "would": "would", "should": "should",
}
_WRAP_WIDTH = 60


@dataclass(frozen=True)
class Sentence:
    """A sentence as token range [start, end) and char range; ``kind`` is text/heading/question."""

    start: int
    end: int
    char_start: int
    char_end: int
    kind: str


@dataclass(frozen=True)
class Assertion:
    """A clause inside a sentence: token range [start, end) and the sentence it belongs to."""

    start: int
    end: int
    sentence: int


@dataclass
class Analysis:
    """A checked text in plain data: tokens, lemmas, sentences and assertions with offsets."""

    text: str
    doc: Doc
    texts: list[str]
    lower: list[str]
    lemmas: list[str]
    starts: list[int]
    ends: list[int]
    sentences: list[Sentence]
    assertions: list[Assertion]
    line_starts: list[int]
    words: int

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def assertion_at(self, token: int) -> Assertion:
        """The assertion that holds a token (assertions are sorted and cover every sentence)."""
        lo, hi = 0, len(self.assertions) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.assertions[mid].start <= token:
                lo = mid
            else:
                hi = mid - 1
        return self.assertions[lo]



@lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """The English lookup lemma table (from spacy-lookups-data, shipped as package data)."""
    data = resources.files("claimcheck").joinpath("data/en_lemma_lookup.json.gz").read_bytes()
    table: dict[str, str] = json.loads(gzip.decompress(data))
    out = {k.lower(): v.lower() for k, v in table.items()}
    out.update(_LEMMA_FIXES)
    return out


class _Lemmas:
    """Lower-case form -> lemma, applied to a whole Doc through arrays (no per-token objects)."""

    def __init__(self, strings) -> None:  # type: ignore[no-untyped-def]
        self.strings = strings
        self.table = lemma_table()
        self.by_hash: dict[int, int] = {}

    def _lemma_hash(self, lower_hash: int) -> int:
        low = self.strings[lower_hash]
        lemma = self.strings.add(self.table.get(low, low))
        self.by_hash[lower_hash] = lemma
        return lemma

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        by_hash = self.by_hash
        lowers = doc.to_array([LOWER])
        lemmas = numpy.fromiter(
            (by_hash.get(h) or self._lemma_hash(h) for h in lowers.tolist()),
            dtype="uint64", count=len(lowers),
        )
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc


@Language.component("claimcheck_lines")
def _line_breaks(doc: Doc) -> Doc:
    """Before a parser: start a sentence after each line break that is not just a wrap."""
    texts = [t.text for t in doc]
    starts = [t.idx for t in doc]
    for i in _line_starts(doc.text, texts, starts):
        doc[i].is_sent_start = True
    return doc


def _line_starts(text: str, texts: list[str], starts: list[int]) -> list[int]:
    """Tokens that begin a line: after a line break that is not a wrapped line of prose.

    Headings, bullets and one-paragraph-per-line pages need the break; hard-wrapped prose
    (a long line continued in lower case) is left joined.
    """
    out = []
    for i in range(1, len(texts) - 1):
        word = texts[i]
        if "\n" not in word or not word.isspace():
            continue
        line_start = text.rfind("\n", 0, starts[i]) + 1
        wrapped = starts[i] - line_start >= _WRAP_WIDTH and texts[i + 1][:1].islower()
        if word.count("\n") > 1 or not wrapped:
            out.append(i + 1)
    return out


def _segment(text: str, texts: list[str], starts: list[int]) -> list[tuple[int, int]]:
    """Sentences of the blank pipeline: after . ! ? (and closing quotes), and at line starts."""
    n = len(texts)
    breaks = set(_line_starts(text, texts, starts))
    out = []
    begin = 0
    i = 0
    while i < n:
        if i in breaks and i > begin:
            out.append((begin, i))
            begin = i
        if texts[i] in _PUNCT_END:
            j = i + 1
            while j < n and texts[j] in _CLOSERS:
                j += 1
            k = j
            while k < n and texts[k].isspace() and "\n" not in texts[k]:
                k += 1
            # "et al., 2021" and "approx. five" go on: the next word is not a new sentence
            if j < n and not (k < n and (texts[k][:1].islower() or texts[k] in _CONTINUERS)):
                out.append((begin, j))
                begin = j
            i = j
            continue
        i += 1
    if begin < n:
        out.append((begin, n))
    return out


def _bounded(raw: list[tuple[int, int]], texts: list[str]) -> list[tuple[int, int]]:
    """Cut sentences longer than MAX_SENTENCE_TOKENS, at a comma or semicolon where one is
    near the limit, so that no single run-on "sentence" can make matching or context slow."""
    out = []
    for s, e in raw:
        while e - s > MAX_SENTENCE_TOKENS:
            cut = s + MAX_SENTENCE_TOKENS
            for i in range(cut - 1, s + MAX_SENTENCE_TOKENS // 2, -1):
                if texts[i] in (",", ";", ":"):
                    cut = i + 1
                    break
            out.append((s, cut))
            s = cut
        out.append((s, e))
    return out


class Pipeline:
    """The spaCy pipeline for a run; ``analyse`` turns text into an ``Analysis``.

    Blank path: spaCy's tokenizer only; sentences are cut here (punctuation and line breaks)
    and lemmas set from the lookup table. Trained path: the parser cuts sentences, helped by
    line breaks marked before it runs.
    """

    def __init__(self, model: str | None = None) -> None:
        self.model_name = "blank:en"
        self.note = ""
        nlp = None
        if model:
            try:
                nlp = spacy.load(model, exclude=["lemmatizer", "ner"])
                self.model_name = model
            except OSError:
                self.note = f"spaCy pipeline '{model}' is not installed; using the blank pipeline"
            except Exception as exc:  # a broken model package must not stop a check
                self.note = f"spaCy pipeline '{model}' failed to load ({exc}); using blank"
        if nlp is None:
            nlp = spacy.blank("en")
        else:
            if nlp.lang != "en":
                raise UsageError(f"spaCy pipeline '{model}' is not English ({nlp.lang})")
            nlp.add_pipe("claimcheck_lines", first=True)
            if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
                nlp.add_pipe("sentencizer")
        nlp.max_length = 10**8
        self.nlp = nlp
        self.trained = model is not None and self.model_name == model
        self._lemmas = _Lemmas(nlp.vocab.strings)
        self._strings: dict[int, str] = {}

    def make_pattern_doc(self, phrase: str) -> Doc:
        """Tokenize and lemmatize a rule phrase the way checked text is."""
        return self._lemmas(self.nlp.make_doc(phrase))

    def analyse(self, text: str) -> Analysis:
        """Run the pipeline and cut the text into sentences and assertions."""
        doc = self.nlp(text) if self.trained else self.nlp.make_doc(text)
        return self._build(text, self._lemmas(doc))

    def _string_list(self, hashes: list[int]) -> list[str]:
        cache, strings = self._strings, self.nlp.vocab.strings
        out = []
        for h in hashes:
            s = cache.get(h)
            if s is None:
                s = cache[h] = strings[h]
            out.append(s)
        return out

    def _build(self, text: str, doc: Doc) -> Analysis:
        arrays = doc.to_array([ORTH, LOWER, LEMMA, IDX]).tolist() if len(doc) else []
        texts = self._string_list([row[0] for row in arrays])
        lower = self._string_list([row[1] for row in arrays])
        lemmas = self._string_list([row[2] for row in arrays])
        starts = [row[3] for row in arrays]
        ends = [i + len(w) for i, w in zip(starts, texts, strict=True)]
        words = sum(1 for w in texts if w[:1].isalnum())
        if self.trained:
            raw = [(sent.start, sent.end) for sent in doc.sents]
        else:
            raw = _segment(text, texts, starts)
        raw = _bounded(raw, texts)
        sentences: list[Sentence] = []
        assertions: list[Assertion] = []
        bounds = (len(text) - len(text.lstrip()), len(text.rstrip()))
        for s, e in raw:
            while s < e and (texts[s].isspace() or texts[s] in _BULLETS):
                s += 1
            while e > s and texts[e - 1].isspace():
                e -= 1
            if s >= e:
                continue
            kind = _sentence_kind(text, texts, starts, ends, s, e, bounds)
            sentences.append(Sentence(s, e, starts[s], ends[e - 1], kind))
            for a, b in _clauses(lower, s, e):
                assertions.append(Assertion(a, b, len(sentences) - 1))
        if not self.trained and texts:
            _mark_sentence_starts(doc, sentences)
        line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        return Analysis(text, doc, texts, lower, lemmas, starts, ends, sentences, assertions,
                        line_starts, words)


def _mark_sentence_starts(doc: Doc, sentences: list[Sentence]) -> None:
    """Record our sentences on the Doc, so token patterns can use IS_SENT_START."""
    flags = numpy.full((len(doc), 1), numpy.uint64(2**64 - 1), dtype="uint64")  # -1: not a start
    flags[0, 0] = 1
    for sentence in sentences:
        flags[sentence.start, 0] = 1
    doc.from_array([SENT_START], flags)


def _sentence_kind(text: str, texts: list[str], starts: list[int], ends: list[int], s: int,
                   e: int, bounds: tuple[int, int]) -> str:
    """text, question or heading; ``bounds`` are where the text's first and last words are."""
    last = texts[e - 1]
    if last == "?" or (last in _CLOSERS and e - 2 >= s and texts[e - 2] == "?"):
        return "question"
    if last in _SENT_END:
        return "text"
    words = sum(1 for w in texts[s:e] if w[:1].isalnum())
    if words > _HEADING_MAX_WORDS:
        return "text"
    # a short unpunctuated line on its own, in Title Case or of a few words, with text after
    # it, is a heading, a menu item or a button
    if not (_alone_on_line(text, starts[s], -1) and _alone_on_line(text, ends[e - 1], 1)):
        return "text"
    if starts[s] <= bounds[0] and ends[e - 1] >= bounds[1]:
        return "text"  # a lone line of text is the text itself
    alpha = [w for w in texts[s:e] if w[:1].isalpha() and w.lower() not in _SMALL_WORDS]
    title = sum(1 for w in alpha if w[:1].isupper())
    if words <= 4 or (alpha and title / len(alpha) >= 0.6):
        return "heading"
    return "text"


def _alone_on_line(text: str, at: int, step: int) -> bool:
    """Is there only blank space between ``at`` and the line break (or text edge) that way?"""
    i = at - 1 if step < 0 else at
    while 0 <= i < len(text) and text[i] in " \t":
        i += step
    return not 0 <= i < len(text) or text[i] in "\r\n"


def _clauses(lower: list[str], s: int, e: int) -> list[tuple[int, int]]:
    """Split a sentence's tokens into clauses at semicolons, dashes and ", but"-like joints."""
    out = []
    start = s
    subordinate = lower[s] in _SUBORDINATORS
    for i in range(s, e):
        word = lower[i]
        cut_before = None
        if word in _CLAUSE_PUNCT and i > start:
            cut_before = i + 1
        elif word == "," and i + 1 < e and (lower[i + 1] in _CLAUSE_CONJ or subordinate):
            cut_before = i + 1
        elif word == ":" and i + 1 < e and i - start >= 2 and e - i > 3:
            cut_before = i + 1
        if cut_before is not None and cut_before < e:
            out.append((start, cut_before))
            start = cut_before
            subordinate = lower[start] in _SUBORDINATORS
    out.append((start, e))
    return [(a, b) for a, b in out if b > a]
