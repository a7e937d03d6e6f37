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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple

import numpy

from . import MODEL_FILE
from .features import PLAIN_WORDS, token_terms

#: with the gate open and no class at its threshold, the likeliest class is taken if it reaches
#: this share of its threshold (below that, the model cannot say which claim it is)
FALLBACK = 0.5
#: a text's scored terms: ids, values, first n-gram of each, and each sentence's bounds
_Scored = tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray, numpy.ndarray]
#: the token positions of a text's kept terms, sentence after sentence, and each one's count
_Positions = tuple[numpy.ndarray, numpy.ndarray]
_ARRAYS = ("classes", "vocab", "idf", "coef", "intercept", "thresholds", "meta")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_SEP = "\n"  # between terms in the stored vocabulary
#: known and unknown n-gram ids remembered by their parts' ids: at most this many (about 100
#: bytes each, so 2 MB), then forgotten at once, so memory stays flat on a crawl (100,000 words
#: of the seed articles make 4,000; the 531 real sentences of the development corpus 9,000)
_PAIR_CACHE = 20_000


class Prediction(NamedTuple):
    """One kind of claim (or good sign) in one sentence: the probability that the sentence
    makes it (for a red flag, the gate's), the class's own probability, and the terms behind
    the class: (words, weight), strongest shown first, and each one's token range. (Named
    tuples of plain tuples, not dataclasses: a text makes thousands, and the detector hands
    the terms on to its candidates as they are.)"""

    label: str
    probability: float
    class_probability: float
    evidence: tuple[tuple[str, float], ...]
    spans: tuple[tuple[int, int], ...]


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
    _pairs: dict[int, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def words(self) -> list[str]:
        """The vocabulary by id."""
        out = [""] * len(self.vocab)
        for w, i in self.vocab.items():
            out[i] = w
        return out

    def probabilities(self, lemmas: Sequence[str], lowers: Sequence[str], start: int,
                      end: int) -> numpy.ndarray:
        """The probability of each class, then of the gate, for tokens [start, end)."""
        return self._score(*self._term_ids(token_terms(lemmas, lowers), [(start, end)])[:2])[0][0]

    def predict(self, lemmas: Sequence[str], lowers: Sequence[str], start: int, end: int,
                top: int = 3) -> list[Prediction]:
        """The kinds of claim one sentence makes (none unless the gate opens), with evidence."""
        return self.predict_many(token_terms(lemmas, lowers), [(start, end)], top)[0]

    def predict_many(self, terms: Sequence[str | None], ranges: Sequence[tuple[int, int]],
                     top: int = 3) -> list[list[Prediction]]:
        """``predict`` for many sentences of one text at once (``terms``: its token terms)."""
        flat, sizes, positions = self._term_ids(terms, ranges)
        probs, scored = self._score(flat, sizes)
        red, n = self.red_classes, len(self.classes)
        chosen = probs[:, :n] >= self.thresholds[:n]  # good signs as they are; claims behind
        gate = probs[:, n] >= self.thresholds[n]      # the gate ("makes any claim")
        chosen[:, :red] &= gate[:, None]
        # with the gate open and no class at its threshold: the likeliest class, if it is close
        best = numpy.argmax(probs[:, :red] / self.thresholds[:red], axis=1)
        rows = numpy.arange(len(ranges))
        fallback = gate & ~chosen[:, :red].any(axis=1) & (
            probs[rows, best] >= FALLBACK * self.thresholds[best])
        chosen[rows[fallback], best[fallback]] = True
        # (sentence, class) in report order: sentence by sentence, its claims then its good
        # signs, each in class order (claims come first among the classes)
        pairs = [(k, c) for k, c in numpy.argwhere(chosen).tolist()]
        out: list[list[Prediction]] = [[] for _ in ranges]
        chances = probs.tolist()
        for (k, c), (evidence, spans) in zip(
                pairs, self._strongest(pairs, scored, positions, 4 * top, top), strict=True):
            if not evidence:
                continue  # no term speaks for the class: nothing to show, no finding
            chance = chances[k][n] if c < red else chances[k][c]
            out[k].append(Prediction(self.classes[c], round(chance, 3), round(chances[k][c], 3),
                                     evidence, spans))
        return out

    def _strongest(self, pairs: list[tuple[int, int]], scored: _Scored, positions: _Positions,
                   most: int, top: int
                   ) -> list[tuple[tuple[tuple[str, float], ...], tuple[tuple[int, int], ...]]]:
        """For each (sentence, class), the ``top`` terms to show of the ``most`` that pushed
        the sentence furthest towards the class: words a reader can see the point of (an
        n-gram with a content word) first, then by strength (ties in order of use). Each pair
        gets (words, contribution rounded to 3 places) of each term and the token range of
        the term's first n-gram. One pass of array operations serves every pair of a text."""
        if not pairs:
            return []
        ids, values, firsts, bounds = scored
        which = numpy.array(pairs, dtype=numpy.int64).reshape(len(pairs), 2)
        starts = bounds[which[:, 0]]
        sizes = bounds[which[:, 0] + 1] - starts
        pair = numpy.repeat(numpy.arange(len(pairs)), sizes)
        at = numpy.repeat(starts - numpy.cumsum(sizes) + sizes, sizes) + numpy.arange(len(pair))
        contrib = values[at] * self.coef[ids[at], which[pair, 1]]
        order = numpy.lexsort((-contrib, pair))  # pair by pair, strongest first, stable
        order = order[contrib[order] > 0]
        pair = pair[order]
        rank = numpy.arange(len(order)) - numpy.searchsorted(pair, pair)
        strong = rank < most
        kept, pair, rank = order[strong], pair[strong], rank[strong]
        shown = numpy.lexsort((rank, ~self._telling(ids[at[kept]]), pair))
        pair = pair[shown]
        first = numpy.arange(len(pair)) - numpy.searchsorted(pair, pair) < top
        kept, pair = kept[shown[first]], pair[first]
        starts, ends = _gram_spans(positions, which[pair, 0], firsts[at[kept]])
        # the pairs' terms lie one pair after another: cut the text's lists at each pair
        evidence = list(zip(map(self.words.__getitem__, ids[at[kept]].tolist()),
                            map(round, contrib[kept].tolist(), repeat(3)), strict=True))
        spans = list(zip(starts.tolist(), ends.tolist(), strict=True))
        cuts = numpy.searchsorted(pair, numpy.arange(len(pairs) + 1)).tolist()
        return [(tuple(evidence[a:b]), tuple(spans[a:b]))
                for a, b in zip(cuts, cuts[1:], strict=False)]

    def _telling(self, ids: numpy.ndarray) -> numpy.ndarray:
        """Which terms hold a word that says something (not only "our", "the", "cell"), worked
        out once per term and process."""
        known = self._told
        for i in numpy.unique(ids[known[ids] < 0]).tolist():
            known[i] = _telling(self.words[i])
        return known[ids] == 1

    @cached_property
    def _told(self) -> numpy.ndarray:
        return numpy.full(len(self.vocab), -1, dtype=numpy.int8)  # -1: not yet worked out

    @cached_property
    def red_classes(self) -> int:
        """How many of ``classes`` are red flags (they come first; good signs follow)."""
        return sum(1 for c in self.classes if c.startswith("RF-"))

    def _term_ids(self, terms: Sequence[str | None], ranges: Sequence[tuple[int, int]]
                  ) -> tuple[numpy.ndarray, numpy.ndarray, _Positions]:
        """The n-grams of each sentence [start, end) as vocabulary ids (-1: unknown), laid out
        as ``features.grams`` spells them (a sentence's unigrams, bigrams, then trigrams, one
        run after another), each run's length, and the sentences' term positions.

        Ids, not strings: a bigram is looked up by its two words' ids, a trigram by its first
        bigram's and last word's, so a known pair is spelt out once per process, not once per
        sentence (``_pairs`` remembers it)."""
        get = self.vocab.get
        positions, counts = _positions(terms, ranges)
        words = list(map(terms.__getitem__, positions.tolist()))
        uni = numpy.array(list(map(get, words, repeat(-1, len(words)))), dtype=numpy.int64)
        owner = numpy.repeat(numpy.arange(len(ranges), dtype=numpy.int64), counts)
        bi = self._joined(uni[:-1], uni[1:], owner[:-1] == owner[1:],
                          lambda j: f"{words[j]} {words[j + 1]}")
        tri = self._joined(bi[:-1], uni[2:], (owner[:-2] == owner[2:]) & (bi[1:] >= 0),
                           lambda j: f"{self.words[bi[j]]} {words[j + 2]}")
        # where each term goes: sentence k's run starts after the runs before it, its unigrams
        # first, then its n - 1 bigrams, then its n - 2 trigrams
        n = counts[owner]
        local = numpy.arange(len(words)) - numpy.repeat(numpy.cumsum(counts) - counts, counts)
        sizes = counts + numpy.maximum(counts - 1, 0) + numpy.maximum(counts - 2, 0)
        base = numpy.repeat(numpy.cumsum(sizes) - sizes, counts) + local
        flat = numpy.empty(int(sizes.sum()), dtype=numpy.int64)
        flat[base] = uni
        two, three = local < n - 1, local < n - 2
        flat[(base + n)[two]] = bi[two[:-1]]
        flat[(base + 2 * n - 1)[three]] = tri[three[:-2]]
        return flat, sizes, (positions, counts)

    def _joined(self, heads: numpy.ndarray, tails: numpy.ndarray, same: numpy.ndarray,
                spell: Callable[[int], str]) -> numpy.ndarray:
        """The ids of the n-grams made of each head (a word or bigram id) and the next word
        (-1 where either is unknown or they are in different sentences)."""
        out = numpy.full(len(heads), -1, dtype=numpy.int64)
        both = numpy.flatnonzero(same & (heads >= 0) & (tails >= 0))
        keys = (heads[both] * len(self.vocab) + tails[both]).tolist()
        pairs, get = self._pairs, self.vocab.get
        found = list(map(pairs.get, keys))  # the known pairs in one pass; the rest spelt out
        if None in found:
            for k, j in enumerate(both.tolist()):
                if found[k] is None:
                    if len(pairs) >= _PAIR_CACHE:
                        pairs.clear()
                    found[k] = pairs[keys[k]] = get(spell(j), -1)
        out[both] = found
        return out

    def _score(self, flat: numpy.ndarray, sizes: numpy.ndarray) -> tuple[numpy.ndarray, _Scored]:
        """Probabilities of every head for each sentence (one matrix product for all), and the
        sentences' known terms: ids (sentence by sentence, in order of first use), tf-idf values,
        the index of each id's first n-gram in its sentence, and where each sentence's run
        starts (``bounds[k]:bounds[k + 1]``). ``flat``: every sentence's n-gram ids, one run
        of ``sizes[k]`` after another."""
        count = len(sizes)
        offsets = numpy.concatenate(([0], numpy.cumsum(sizes)))
        owner = numpy.repeat(numpy.arange(count, dtype=numpy.int64), sizes)
        known = numpy.flatnonzero(flat >= 0)
        term = flat[known]
        # each (sentence, term) once: how often it occurs and where it first does
        _, first, tf = numpy.unique(owner[known] * len(self.vocab) + term, return_index=True,
                                    return_counts=True)
        order = numpy.argsort(first, kind="stable")  # sentence by sentence, in order of use
        at = known[first[order]]
        ids, tf, who = term[first[order]], tf[order], owner[at]
        bounds = numpy.searchsorted(who, numpy.arange(count + 1))
        values = (1.0 + numpy.log(tf.astype(numpy.float32))) * self.idf[ids]
        logits = numpy.tile(self.intercept, (count, 1))
        if len(ids):
            counts = numpy.diff(bounds)
            filled = counts > 0
            squares = numpy.add.reduceat(values * values, bounds[:-1][filled])
            values /= numpy.repeat(numpy.sqrt(squares), counts[filled])
            logits[filled] += numpy.add.reduceat(values[:, None] * self.coef[ids],
                                                 bounds[:-1][filled], axis=0)
        return _sigmoid(logits), (ids, values, at - offsets[who], bounds)

    def save(self, path: Path) -> None:
        """Write the model as plain arrays, byte for byte the same for the same model."""
        words = sorted(self.vocab, key=self.vocab.__getitem__)
        if any(_SEP in w for w in words):
            raise ValueError("a term holds a line break")
        arrays = {
            # the terms as one UTF-8 text, a line each: read back in a few milliseconds (an
            # array of fixed-width strings took 40 ms to turn into a dict)
            "classes": numpy.array(self.classes),
            "vocab": numpy.frombuffer(_SEP.join(words).encode("utf-8"), dtype=numpy.uint8),
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
                # the weights hardly compress (15%) and inflating them took half of every
                # start's model load: stored as they are; the rest compresses well
                info.compress_type = zipfile.ZIP_STORED if name == "coef" else zipfile.ZIP_DEFLATED
                zf.writestr(info, buffer.getvalue())


def _positions(terms: Sequence[str | None], ranges: Sequence[tuple[int, int]]
               ) -> _Positions:
    """The token positions of the kept terms (not None) of each range [start, end), one
    range after another, and how many each range has."""
    kept = numpy.flatnonzero(numpy.fromiter((t is not None for t in terms), dtype=bool,
                                            count=len(terms)))
    bounds = numpy.array(ranges, dtype=numpy.int64).reshape(len(ranges), 2)
    lo, hi = numpy.searchsorted(kept, bounds[:, 0]), numpy.searchsorted(kept, bounds[:, 1])
    counts = hi - lo
    shift = numpy.repeat(lo - (numpy.cumsum(counts) - counts), counts)
    return kept[shift + numpy.arange(int(counts.sum()))], counts


def _gram_spans(positions: _Positions, sentences: numpy.ndarray, grams: numpy.ndarray
                ) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The token ranges [start, end) of n-grams (their index in their sentence's run, laid out
    as ``features.grams`` does) of the given sentences: ``features.gram_span`` for arrays."""
    flat, counts = positions
    n = counts[sentences]
    offset = (numpy.cumsum(counts) - counts)[sentences]
    bigram, trigram = grams >= n, grams >= 2 * n - 1  # a run's bigrams, then its trigrams
    first = offset + grams - n * bigram - (n - 1) * trigram
    return flat[first], flat[first + bigram + trigram] + 1


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
    text = arrays["vocab"].tobytes().decode("utf-8")
    words = text.split(_SEP) if text else []
    return ClaimModel(
        classes=tuple(str(c) for c in arrays["classes"]),
        vocab=dict(zip(words, range(len(words)), strict=True)),  # a third faster to build
        idf=arrays["idf"], coef=arrays["coef"], intercept=arrays["intercept"],
        thresholds=arrays["thresholds"], meta=json.loads(str(arrays["meta"])),
        version=hashlib.sha256(raw).hexdigest()[:12])


@lru_cache(maxsize=1)
def shipped_model() -> ClaimModel:
    """The model that ships with the package (``data/claim_model.npz``)."""
    return read_model(resources.files("claimcheck").joinpath(MODEL_FILE).read_bytes())
