"""The claim classifier: a linear model over a sentence's lemma n-grams.

Each sentence becomes a tf-idf vector of its terms (``features.sentence_terms``: sublinear term
frequency, smoothed idf, unit length). A gate (one more logistic regression, trained on "makes
any red-flag claim") decides whether the sentence is a claim at all; each red-flag class has its
own weights and threshold and says which kind of claim it is (the classes at or above their
threshold, or else the most likely one). Learning "is this a claim" from every positive at once
separates claims from careful sentences better than the best single class does. Because the
model is linear, the words behind a decision are exact: a term's contribution is its weight
times its value.

The shipped model is a ``.npz`` of plain arrays (no pickle) written with fixed timestamps, so
rebuilding it from the same corpus gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy

from . import MODEL_FILE
from .features import PLAIN_WORDS, Grams, grams, token_terms

#: with the gate open and no class at its threshold, the likeliest class is taken if it reaches
#: this share of its threshold (below that, the model cannot say which claim it is)
FALLBACK = 0.5
_ARRAYS = ("classes", "vocab", "idf", "coef", "intercept", "thresholds", "meta")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Evidence:
    """A term that pushed a sentence towards a class, with its token range and weight."""

    words: str
    start: int
    end: int
    weight: float


@dataclass(frozen=True)
class Prediction:
    """One kind of claim (or good sign) in one sentence: the probability that the sentence
    makes it (for a red flag, the gate's), the class's own probability, and the terms behind
    the class."""

    label: str
    probability: float
    class_probability: float
    evidence: tuple[Evidence, ...]


@dataclass
class ClaimModel:
    """Weights over terms for each class and, in the last column, the claim gate."""

    classes: tuple[str, ...]
    vocab: dict[str, int]
    idf: numpy.ndarray
    coef: numpy.ndarray  # (terms, classes + 1): red classes, green classes, then the gate
    intercept: numpy.ndarray
    thresholds: numpy.ndarray
    meta: dict[str, Any] = field(default_factory=dict)
    version: str = ""  # sha256 of the model file, 12 hex digits

    def probabilities(self, lemmas: Sequence[str], lowers: Sequence[str], start: int,
                      end: int) -> numpy.ndarray:
        """The probability of each class, then of the gate, for tokens [start, end)."""
        terms = token_terms(lemmas, lowers)
        return self._score([grams(terms, start, end)])[0][0]

    def predict(self, lemmas: Sequence[str], lowers: Sequence[str], start: int, end: int,
                top: int = 3) -> list[Prediction]:
        """The kinds of claim one sentence makes (none unless the gate opens), with evidence."""
        return self.predict_many(token_terms(lemmas, lowers), [(start, end)], top)[0]

    def predict_many(self, terms: Sequence[str | None], ranges: Sequence[tuple[int, int]],
                     top: int = 3) -> list[list[Prediction]]:
        """``predict`` for many sentences of one text at once (``terms``: its token terms)."""
        sentences = [grams(terms, s, e) for s, e in ranges]
        probs, rows = self._score(sentences)
        red, n = self.red_classes, len(self.classes)
        above = probs[:, :n] >= self.thresholds[:n]
        gate = probs[:, n] >= self.thresholds[n]
        out: list[list[Prediction]] = []
        for k in range(len(ranges)):
            chosen = [int(c) + red for c in numpy.flatnonzero(above[k, red:])]  # good signs
            if gate[k]:  # the gate is open: which kind of claim?
                kinds = [int(c) for c in numpy.flatnonzero(above[k, :red])]
                best = int(numpy.argmax(probs[k, :red] / self.thresholds[:red]))
                fallback = [best] if probs[k, best] >= FALLBACK * self.thresholds[best] else []
                chosen = (kinds or fallback) + chosen
            out.append([p for c in chosen
                        if (p := self._explain(c, probs[k], sentences[k], rows[k], top))])
        return out

    def _explain(self, c: int, probs: numpy.ndarray, sentence: Grams,
                 row: tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray],
                 top: int) -> Prediction | None:
        """Class ``c`` of one sentence with its strongest terms, or None without any."""
        ids, values, first = row
        contrib = values * self.coef[ids, c]
        positive = numpy.flatnonzero(contrib > 0)
        # the strongest few, then words a reader can see the point of (an n-gram with a
        # content word) before the rest
        strongest = positive[numpy.argsort(-contrib[positive], kind="stable")][:4 * top].tolist()
        texts = sentence.texts
        telling = [k for k in strongest if _telling(texts[first[k]])]
        order = (telling + [k for k in strongest if k not in telling])[:top]
        evidence = tuple(
            Evidence(texts[first[k]], *sentence.span(int(first[k])), round(float(contrib[k]), 3))
            for k in order)
        if not evidence:
            return None
        n = len(self.classes)
        chance = probs[n] if c < self.red_classes else probs[c]
        return Prediction(self.classes[c], round(float(chance), 3), round(float(probs[c]), 3),
                          evidence)

    @cached_property
    def red_classes(self) -> int:
        """How many of ``classes`` are red flags (they come first; good signs follow)."""
        return sum(1 for c in self.classes if c.startswith("RF-"))

    def _score(self, sentences: list[Grams]):  # type: ignore[no-untyped-def]
        """Probabilities of every head for each sentence (one matrix product for all), and per
        sentence its known term ids (in order of first use), their tf-idf values and the index
        of each id's first n-gram."""
        get = self.vocab.get
        flat = [get(text, -1) for g in sentences for text in g.texts]
        sizes = numpy.array([len(g.texts) for g in sentences], dtype=numpy.int64)
        offsets = numpy.concatenate(([0], numpy.cumsum(sizes)))
        owner = numpy.repeat(numpy.arange(len(sentences), dtype=numpy.int64), sizes)
        known = numpy.flatnonzero(numpy.array(flat, dtype=numpy.int64) >= 0)
        term = numpy.array(flat, dtype=numpy.int64)[known]
        # each (sentence, term) once: how often it occurs and where it first does
        _, first, tf = numpy.unique(owner[known] * len(self.vocab) + term, return_index=True,
                                    return_counts=True)
        order = numpy.argsort(first, kind="stable")  # sentence by sentence, in order of use
        at = known[first[order]]
        ids, tf, who = term[first[order]], tf[order], owner[at]
        bounds = numpy.searchsorted(who, numpy.arange(len(sentences) + 1))
        values = (1.0 + numpy.log(tf.astype(numpy.float32))) * self.idf[ids]
        logits = numpy.tile(self.intercept, (len(sentences), 1))
        if len(ids):
            counts = numpy.diff(bounds)
            filled = counts > 0
            squares = numpy.add.reduceat(values * values, bounds[:-1][filled])
            values /= numpy.repeat(numpy.sqrt(squares), counts[filled])
            logits[filled] += numpy.add.reduceat(values[:, None] * self.coef[ids],
                                                 bounds[:-1][filled], axis=0)
        firsts = at - offsets[who]
        rows = [(ids[a:b], values[a:b], firsts[a:b])
                for a, b in zip(bounds.tolist(), bounds[1:].tolist(), strict=False)]
        return _sigmoid(logits), rows

    def save(self, path: Path) -> None:
        """Write the model as plain arrays, byte for byte the same for the same model."""
        words = sorted(self.vocab, key=self.vocab.__getitem__)
        arrays = {
            "classes": numpy.array(self.classes), "vocab": numpy.array(words),
            "idf": self.idf.astype(numpy.float32), "coef": self.coef.astype(numpy.float32),
            "intercept": self.intercept.astype(numpy.float32),
            "thresholds": self.thresholds.astype(numpy.float32),
            "meta": numpy.array(json.dumps(self.meta, sort_keys=True)),
        }
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in _ARRAYS:
                buffer = io.BytesIO()
                numpy.save(buffer, arrays[name], allow_pickle=False)
                info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, buffer.getvalue())


@lru_cache(maxsize=65536)
def _telling(gram: str) -> bool:
    """Does an n-gram hold a word that says something (not only "our", "the", "cell")?"""
    return any(w not in PLAIN_WORDS and w.isalpha() for w in gram.split())


def _sigmoid(x: numpy.ndarray) -> numpy.ndarray:
    return 1.0 / (1.0 + numpy.exp(-x))


def read_model(data: bytes | Path) -> ClaimModel:
    """A model from ``.npz`` bytes or a path; plain arrays only (pickles are refused)."""
    raw = data if isinstance(data, bytes) else Path(data).read_bytes()
    with numpy.load(io.BytesIO(raw), allow_pickle=False) as z:
        arrays = {name: z[name] for name in _ARRAYS}
    words = arrays["vocab"].tolist()
    return ClaimModel(
        classes=tuple(str(c) for c in arrays["classes"]),
        vocab={w: i for i, w in enumerate(words)},
        idf=arrays["idf"], coef=arrays["coef"], intercept=arrays["intercept"],
        thresholds=arrays["thresholds"], meta=json.loads(str(arrays["meta"])),
        version=hashlib.sha256(raw).hexdigest()[:12])


@lru_cache(maxsize=1)
def shipped_model() -> ClaimModel:
    """The model that ships with the package (``data/claim_model.npz``)."""
    return read_model(resources.files("claimcheck").joinpath(MODEL_FILE).read_bytes())
