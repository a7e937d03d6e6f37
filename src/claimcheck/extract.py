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

import spacy
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
_HEADING_MAX_WORDS = 12
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


@Language.component("claimcheck_lemmas")
def _lemmatize(doc: Doc) -> Doc:
    """Set each token's lemma from the lookup table, lower-cased, whatever the pipeline."""
    table = lemma_table()
    for token in doc:
        low = token.lower_
        token.lemma_ = table.get(low, low)
    return doc


@Language.component("claimcheck_lines")
def _line_breaks(doc: Doc) -> Doc:
    """Start a sentence after a line break, unless it only wraps a long line of prose.

    Headings, bullets and one-paragraph-per-line pages need the break; hard-wrapped prose
    (a long line continued in lower case) is left joined.
    """
    text = doc.text
    for i in range(1, len(doc) - 1):
        space = doc[i]
        if not (space.is_space and "\n" in space.text):
            continue
        nxt = doc[i + 1]
        line_start = text.rfind("\n", 0, space.idx) + 1
        wrapped = space.idx - line_start >= _WRAP_WIDTH and nxt.text[:1].islower()
        if space.text.count("\n") > 1 or not wrapped:
            nxt.is_sent_start = True
    return doc


class Pipeline:
    """The spaCy pipeline for a run; ``analyse`` turns text into an ``Analysis``."""

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
            nlp.add_pipe("claimcheck_lines", first=True)
            nlp.add_pipe("sentencizer", config={"punct_chars": [".", "!", "?", "…", "。"]})
        else:
            if nlp.lang != "en":
                raise UsageError(f"spaCy pipeline '{model}' is not English ({nlp.lang})")
            nlp.add_pipe("claimcheck_lines", first=True)
            if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
                nlp.add_pipe("sentencizer")
        nlp.add_pipe("claimcheck_lemmas", last=True)
        nlp.max_length = 10**8
        self.nlp = nlp
        self.parsed = "parser" in nlp.pipe_names

    def make_pattern_doc(self, phrase: str) -> Doc:
        """Tokenize and lemmatize a rule phrase the way checked text is."""
        doc = self.nlp.make_doc(phrase)
        return _lemmatize(doc)

    def analyse(self, text: str) -> Analysis:
        """Run the pipeline and cut the text into sentences and assertions."""
        return self._build(text, self.nlp(text))

    def analyse_many(self, texts: list[str]) -> list[Analysis]:
        return [self._build(t, d) for t, d in zip(texts, self.nlp.pipe(texts), strict=True)]

    def _build(self, text: str, doc: Doc) -> Analysis:
        texts, lower, lemmas, starts, ends = [], [], [], [], []
        words = 0
        for t in doc:
            word = t.text
            texts.append(word)
            lower.append(t.lower_)
            lemmas.append(t.lemma_)
            starts.append(t.idx)
            ends.append(t.idx + len(word))
            words += word[:1].isalnum()
        sentences: list[Sentence] = []
        assertions: list[Assertion] = []
        for sent in doc.sents:
            s, e = sent.start, sent.end
            while s < e and (doc[s].is_space or doc[s].text in _BULLETS):
                s += 1
            while e > s and doc[e - 1].is_space:
                e -= 1
            if s >= e:
                continue
            kind = _sentence_kind(doc, s, e, text)
            sentences.append(Sentence(s, e, starts[s], ends[e - 1], kind))
            for a, b in _clauses(lower, doc, s, e):
                assertions.append(Assertion(a, b, len(sentences) - 1))
        line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        return Analysis(text, doc, texts, lower, lemmas, starts, ends, sentences, assertions,
                        line_starts, words)


def _sentence_kind(doc: Doc, s: int, e: int, text: str) -> str:
    last = doc[e - 1].text
    if last == "?" or (last in ('"', "”", "’", ")") and e - 2 >= s and doc[e - 2].text == "?"):
        return "question"
    words = sum(1 for t in doc[s:e] if not t.is_punct)
    if last in _SENT_END or words > _HEADING_MAX_WORDS:
        return "text"
    # a short unpunctuated line on its own is a heading, a menu item or a button
    before = text[: doc[s].idx].rstrip(" \t")
    after = text[doc[e - 1].idx + len(doc[e - 1]):].lstrip(" \t")
    if (not before or before.endswith("\n")) and (not after or after.startswith("\n")):
        return "heading"
    return "text"


def _clauses(lower: list[str], doc: Doc, s: int, e: int) -> list[tuple[int, int]]:
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
