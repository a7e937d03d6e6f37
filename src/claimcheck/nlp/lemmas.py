"""Lemmas without a trained model: the English lookup table shipped with the project.

The table is copied from spacy-lookups-data (MIT; WordNet licence beside it), lower-cased, with
a few fixes, and set on a whole Doc through arrays, so rules match the same way on the blank and
trained paths. It ships as gzipped lines of "word<TAB>lemma", already lower-cased: read in a
sixth of the time the original JSON took (its parse and lower-casing were 50 ms of every start).
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

import numpy
from spacy.attrs import LEMMA, LOWER
from spacy.tokens import Doc

#: where the WordNet lookup table is wrong for the contractions spaCy's tokenizer produces
_LEMMA_FIXES = {
    "does": "do", "ca": "can", "wo": "will", "sha": "shall", "'s": "'s", "’s": "'s",
    "n’t": "not", "n't": "not", "’re": "be", "'re": "be", "’m": "be", "'m": "be",
    # comparatives keep their own lemma, so "better than surgery" never matches "well"
    "better": "better", "best": "best", "worse": "worse", "worst": "worst",
    # modal verbs keep theirs, so a hedge cue "could" never matches a confident "can"
    "could": "could", "might": "might", "would": "would", "should": "should",
}


@lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """The English lookup lemma table (from spacy-lookups-data, shipped as package data)."""
    data = resources.files("claimcheck").joinpath("data/en_lemma_lookup.tsv.gz").read_bytes()
    # one split for words and lemmas alike, then pairs: a third of the time of a split per line
    cells = gzip.decompress(data).decode("utf-8").replace("\t", "\n").split("\n")
    out = dict(zip(cells[0:-1:2], cells[1::2], strict=True))
    out.update(_LEMMA_FIXES)
    return out


#: lemmas remembered by the lower-case form's hash: at most this many, then forgotten at once
#: (a crawl meets new words on every page; about 100 bytes each)
CACHE_SIZE = 20_000


class Lemmatizer:
    """Lower-case form -> lemma, applied to a whole Doc through arrays (no per-token objects).

    A lemma is remembered by its word's hash only while its string is sure to be in the
    StringStore: a lemma from the table that the store did not hold is added for good (the
    table is bounded); any other lemma is the word's own lower-case form, which its Doc holds.
    Inside a memory zone the store may already hold a lemma for this text only: the word
    "magnet" in "a magnet, two magnets" is added for the text, and spaCy then keeps it so
    however it is added again, so it is gone when the zone ends. Such a lemma is remembered
    for the zone only, and for good if it outlived the zone (``zone_closed``); remembered
    past it, "magnets" met again would carry a lemma with no string."""

    def __init__(self, strings) -> None:  # type: ignore[no-untyped-def]
        self.strings = strings
        self.table = lemma_table()
        self.by_hash: dict[int, int] = {}
        self.zone_open = False  # set by the Pipeline around each memory zone
        self._for_zone: dict[int, int] = {}  # lemmas that may not outlive the zone

    def _lemma_hash(self, lower_hash: int) -> int:
        low = self.strings[lower_hash]
        lemma = self.table.get(low)
        if lemma is None:
            lemma_hash, lasting = lower_hash, True
        else:
            lasting = not self.zone_open or lemma not in self.strings
            lemma_hash = self.strings.add(lemma, allow_transient=False)
        remembered = self.by_hash if lasting else self._for_zone
        if len(remembered) >= CACHE_SIZE:
            remembered.clear()
        remembered[lower_hash] = lemma_hash
        return lemma_hash

    def zone_closed(self) -> None:
        """The memory zone ended: keep the lemmas whose strings outlived it, forget the rest."""
        self.zone_open = False
        if self._for_zone:
            strings, by_hash = self.strings, self.by_hash
            for lower_hash, lemma_hash in self._for_zone.items():
                if lemma_hash in strings and len(by_hash) < CACHE_SIZE:
                    by_hash[lower_hash] = lemma_hash
            self._for_zone.clear()

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        by_hash, for_zone = self.by_hash, self._for_zone
        lowers = doc.to_array([LOWER])
        lemmas = numpy.fromiter(
            (by_hash.get(h) or for_zone.get(h) or self._lemma_hash(h) for h in lowers.tolist()),
            dtype="uint64", count=len(lowers),
        )
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc
