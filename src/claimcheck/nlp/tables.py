"""Keep spaCy's two hash tables from growing with every word a crawl makes up.

spaCy's vocabulary indexes its lexemes, and its StringStore its strings, in preshed hash
tables (open addressing). When a memory zone ends, the words added inside it are taken out of
both, but a removed key leaves a "deleted" mark in its cell that still counts as filled, and a
table that is 60% filled doubles, however few of its cells hold live keys. So every word a
crawl makes up kept two cells for good, and both tables doubled again and again.

Between zones only the words kept for good are in the tables, and they are few (about 13,000
lexemes and 22,000 strings after the warm-up), so a table is rebuilt with just those once the
dead cells dominate. The StringStore's table is public and rebuilt in place. The vocabulary's
is not: ``Vocab.from_bytes`` of an empty message is spaCy's public way to start it afresh,
after which the lexemes it held are made again (outside any zone, so they stay). Their old
copies are not freed (spaCy never frees a lexeme made outside a zone, and the tokenizer's
cache still points at some): about 1.4 MiB a rebuild, against a table that doubles.

Measured on 10,000 pages with every tenth word made up (bench/speed.py's pages): in one
process 186 -> 178 MiB at the end; `check -f jsonl` over 100 vs 10,000 of them, +25% -> +20%.
"""

from __future__ import annotations

import srsly
from preshed.maps import PreshMap
from spacy.attrs import NORM
from spacy.strings import StringStore
from spacy.vocab import Vocab

#: lexemes added (inside zones) since the index was last rebuilt, before it is rebuilt again:
#: every 3,000-4,000 pages when a tenth of their words are new, never for ordinary prose
LEXEME_ADDS = 250_000
#: the StringStore's table is rebuilt once it has this many cells per live string (a fresh
#: one has 2-4)
CELLS_PER_STRING = 8


def compact_strings(strings: StringStore) -> None:
    """Rebuild the StringStore's table from its live strings if it is mostly dead cells
    (call it outside a memory zone)."""
    live = len(strings)
    if strings._map.capacity > CELLS_PER_STRING * max(live, 1):
        table = PreshMap(2 * live)  # at most half full: no resize while it is refilled
        for key, value in strings._map.items():
            table[key] = value
        strings._map = table


def rebuild_lexeme_index(vocab: Vocab) -> int:
    """Start the vocabulary's lexeme index afresh with the lexemes it holds (call it outside a
    memory zone); returns how many were kept."""
    orths = [lexeme.orth for lexeme in vocab]
    norm = vocab.lex_attr_getters.get(NORM)
    vocab.from_bytes(srsly.msgpack_dumps({}))
    if norm is not None:  # from_bytes wraps the norm getter in the lookups' table again
        vocab.lex_attr_getters[NORM] = norm
    for orth in orths:
        vocab[orth]  # noqa: B018 - made again, outside a zone, so it stays
    return len(orths)


class TableKeeper:
    """Called after each memory zone of a run: rebuilds the tables when they need it."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.base = len(vocab)  # spaCy's count of lexemes added, never lowered by a zone
        self.rebuilds = 0

    def after_zone(self) -> None:
        compact_strings(self.vocab.strings)
        if len(self.vocab) - self.base > LEXEME_ADDS:
            self.base = rebuild_lexeme_index(self.vocab)
            self.rebuilds += 1
