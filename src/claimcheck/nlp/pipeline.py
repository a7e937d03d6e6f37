"""The spaCy pipeline of a run: text -> ``Analysis``.

Built once per run: spaCy's blank English pipeline (tokenizer, our line-aware sentence cutting,
lookup lemmas) or an installed trained pipeline (``--model``), whose parser then splits
sentences, helped by line breaks marked before it runs. Lemmas always come from the same lookup
table, so rules match the same way on both paths.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import numpy
import spacy
from spacy.attrs import IDX, LEMMA, LOWER, NORM, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from ..errors import UsageError
from .analysis import Analysis, Assertion, Sentence
from .lemmas import Lemmatizer
from .segment import BULLETS, bounded, clauses, line_starts, segment, sentence_kind
from .tables import TableKeeper

#: the strings of token hashes remembered (at most this many, then forgotten at once)
STRING_CACHE = 20_000
#: words analysed before texts are checked in memory zones (see ``Pipeline.zone``): their
#: vocabulary, most of any later page's words, stays for good (36,000 strings in all when
#: a fifth of those words are made up; a few thousand for ordinary prose)
WARM_WORDS = 100_000
#: characters of text spaCy's tokenizer is given at a time, at least (see ``_make_doc``)
PIECE_CHARS = 200


@Language.component("claimcheck_lines")
def _line_breaks(doc: Doc) -> Doc:
    """Before a parser: start a sentence after each line break that is not just a wrap."""
    texts = [t.text for t in doc]
    starts = [t.idx for t in doc]
    for i in line_starts(doc.text, texts, starts):
        doc[i].is_sent_start = True
    return doc


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
        self._lemmas = Lemmatizer(nlp.vocab.strings)
        self._strings: dict[int, str] = {}
        self._tables = TableKeeper(nlp.vocab)
        self.words_seen = 0  # words analysed so far (see ``zone``)
        self.warm_words = WARM_WORDS

    def zone(self) -> contextlib.AbstractContextManager:
        """Once ``warm_words`` words were analysed, a spaCy memory zone: the words a text adds
        to the vocabulary are dropped when it ends, so a crawl meeting new words on every page
        runs in flat memory. The first texts' words stay: a word first met inside a zone is
        made anew in every text that has it (and spaCy's tokenizer caches nothing inside one),
        which made a batch of known words 1.4-1.8x slower. Nothing spaCy made inside (a Doc,
        an Analysis's ``doc``) may be used after it."""
        if self.words_seen < self.warm_words:
            return contextlib.nullcontext()
        return self._zone()

    @contextlib.contextmanager
    def _zone(self) -> Iterator[None]:
        self._lemmas.zone_open = True
        try:
            with self.nlp.memory_zone():
                yield
        finally:
            # a lemma whose string the zone dropped must not be remembered (even when the text
            # failed), and the words it dropped must not keep table cells
            self._lemmas.zone_closed()
        self._tables.after_zone()

    def make_pattern_doc(self, phrase: str) -> Doc:
        """Tokenize and lemmatize a rule phrase the way checked text is."""
        return self._lemmas(self.nlp.make_doc(phrase))

    def analyse(self, text: str) -> Analysis:
        """Run the pipeline and cut the text into sentences and assertions."""
        doc = self.nlp(text) if self.trained else self._make_doc(text)
        analysis = self._build(text, self._lemmas(doc))
        self.words_seen += analysis.words
        return analysis

    def _make_doc(self, text: str) -> Doc:
        """spaCy's tokens for the text, tokenized a piece at a time and joined into one Doc.

        Once spaCy's tokenizer meets a special case in a text ("it's", "Dr."), it caches no
        more of that text's words (spaCy issue #13950), so a page was split character by
        character again on every visit: half of all tokenizing time. Each call starts afresh,
        so pieces of ``PIECE_CHARS`` or so keep the cache working. A piece ends at a single
        space between two letters or digits, where the tokenizer splits anyway and no special
        case reaches across (every one's own tokens meet at punctuation): the tokens,
        their offsets, spaces and norms are the same as those of the whole text."""
        pieces = _pieces(text) if 2 * PIECE_CHARS < len(text) <= self.nlp.max_length else []
        if len(pieces) < 2:
            return self.nlp.make_doc(text)  # short, nowhere to cut, or too long (an error)
        tokenizer = self.nlp.tokenizer
        parts = [tokenizer(piece).to_array([ORTH, SPACY, NORM]) for piece in pieces]
        columns = numpy.concatenate(parts)
        doc = Doc(self.nlp.vocab, words=self._string_list(columns[:, 0].tolist()),
                  spaces=columns[:, 1].astype(bool).tolist())
        doc.from_array([NORM], columns[:, 2:3])
        return doc

    def _string_list(self, hashes: list[int]) -> list[str]:
        cache, strings = self._strings, self.nlp.vocab.strings
        if len(cache) >= STRING_CACHE:
            cache.clear()  # a crawl meets new words on every page
        out = list(map(cache.get, hashes))  # one pass in C; the misses filled in after
        if None in out:
            for i, s in enumerate(out):
                if s is None:
                    out[i] = cache[hashes[i]] = strings[hashes[i]]
        return out

    def _build(self, text: str, doc: Doc) -> Analysis:
        # column by column: four lists, not a small list per token for the collector to track
        columns = doc.to_array([ORTH, LOWER, LEMMA, IDX]).T.tolist() if len(doc) else [[]] * 4
        texts, lower, lemmas = (self._string_list(c) for c in columns[:3])
        starts = columns[3]
        ends = [i + len(w) for i, w in zip(starts, texts, strict=True)]
        words = sum(1 for w in texts if w[:1].isalnum())
        if self.trained:
            raw = [(sent.start, sent.end) for sent in doc.sents]
        else:
            raw = segment(text, texts, starts)
        raw = bounded(raw, texts)
        sentences: list[Sentence] = []
        assertions: list[Assertion] = []
        bounds = (len(text) - len(text.lstrip()), len(text.rstrip()))
        for s, e in raw:
            while s < e and (texts[s].isspace() or texts[s] in BULLETS):
                s += 1
            while e > s and texts[e - 1].isspace():
                e -= 1
            if s >= e:
                continue
            kind = sentence_kind(text, texts, starts, ends, s, e, bounds)
            sentences.append(Sentence(s, e, starts[s], ends[e - 1], kind))
            for a, b in clauses(lower, s, e):
                assertions.append(Assertion(a, b, len(sentences) - 1))
        if not self.trained and texts:
            _mark_sentence_starts(doc, sentences)
        line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        return Analysis(text, doc, texts, lower, lemmas, starts, ends, sentences, assertions,
                        line_starts, words)


def _pieces(text: str) -> list[str]:
    """The text cut after a single space between two letters or digits, every
    ``PIECE_CHARS`` characters or so (the last piece takes what is left)."""
    out, start, end = [], 0, len(text)
    while end - start > 2 * PIECE_CHARS:
        cut = text.find(" ", start + PIECE_CHARS)
        while cut > 0 and not (text[cut - 1].isalnum() and text[cut + 1:cut + 2].isalnum()):
            cut = text.find(" ", cut + 1)
        if cut < 0:
            break
        out.append(text[start:cut + 1])
        start = cut + 1
    out.append(text[start:])
    return out


def _mark_sentence_starts(doc: Doc, sentences: list[Sentence]) -> None:
    """Record our sentences on the Doc, so token patterns can use IS_SENT_START."""
    flags = numpy.full((len(doc), 1), numpy.uint64(2**64 - 1), dtype="uint64")  # -1: not a start
    flags[0, 0] = 1
    for sentence in sentences:
        flags[sentence.start, 0] = 1
    doc.from_array([SENT_START], flags)
