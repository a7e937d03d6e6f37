"""Sentence -> the terms a claim classifier reads: lemma n-grams with their token positions.

Training and checking use this one function on the same tokens and lemmas (the ``nlp`` stage's
lookup lemmas), so a model sees at check time exactly what it learnt from. Each term keeps the
token range it came from, which is how a model finding can highlight the words behind it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

_QUOTES = {"“": '"', "”": '"', "‘": "'", "’": "'", "«": '"', "»": '"', "``": '"', "''": '"'}
#: punctuation that says something about a sentence (a question, a shout, a figure, a price)
_KEPT_PUNCT = {"?", "!", "%", "$", "£", "€"}


#: words whose lookup lemma loses what they say ("most" -> "much", "first" -> "1")
_OWN_FORM = {"most", "more", "least", "less", "first", "second", "third", "once", "twice"}

#: numbers spelt out are figures like any other ("three sessions" is "3 sessions"); not "one",
#: which is as often a pronoun ("one of those women")
_NUMBER_WORDS = frozenset("""
    two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred thousand million billion dozen
    """.split())


#: words too common to explain a decision by (function words and what every clinic page says)
PLAIN_WORDS = frozenset("""
    a an the and or but if of to in on at by for with from into about as than then so that this
    these those there here it its it's we our us you your they their them he she his her i me my
    be is are was were been being have has had do does did can could may might will would shall
    should must not no nor all any some each every other such more most much many few very just
    also only own same too what which who whom whose when where why how up down out over under
    again further once both either neither while because until after before during through
    cell stem treatment therapy patient clinic doctor people body health session
    """.split())


#: the words of most text (100k words of the seed articles hold 1,402); a crawl's rare words
#: need not stay: each entry keeps its two strings alive, and 16,384 of them were 3 MiB
@lru_cache(maxsize=4096)
def term(lemma: str, lower: str) -> str | None:
    """A token as a term: its lemma, but numbers (in figures or words) become <num> (any figure
    is alike), quotes are plain, and a few words keep their own form; None for punctuation
    that says nothing."""
    if not (lemma in _KEPT_PUNCT or any(ch.isalnum() for ch in lemma)):
        return None
    if lower in _OWN_FORM:
        return lower
    if lower in _NUMBER_WORDS or any(ch.isdigit() for ch in lemma):
        return "<num>"
    return _QUOTES.get(lemma, lemma)


def token_terms(lemmas: Sequence[str], lowers: Sequence[str]) -> list[str | None]:
    """The term of every token of a text (None where a token is left out)."""
    return [term(lemma, lower) for lemma, lower in zip(lemmas, lowers, strict=True)]


@dataclass(frozen=True, slots=True)
class Grams:
    """The 1-3-grams of one sentence's terms: ``texts`` holds the unigrams, then the bigrams,
    then the trigrams; ``pos`` the token index of each kept term. Left-out tokens are skipped,
    so "pain-free" reads as "pain free"."""

    texts: list[str]
    pos: list[int]

    def span(self, k: int) -> tuple[int, int]:
        """The token range [start, end) of n-gram ``k``."""
        return gram_span(self.pos, k)


def gram_span(pos: Sequence[int], k: int) -> tuple[int, int]:
    """The token range [start, end) of n-gram ``k`` of a sentence whose kept terms stand at
    token positions ``pos`` (n-grams laid out as in ``Grams``)."""
    n = len(pos)
    size, first = (1, k) if k < n else (2, k - n) if k < 2 * n - 1 else (3, k - 2 * n + 1)
    return pos[first], pos[first + size - 1] + 1


def grams(terms: Sequence[str | None], start: int, end: int) -> Grams:
    """Every 1-3-gram of the terms in [start, end)."""
    pos = [i for i in range(start, end) if terms[i] is not None]
    words: list[str] = [terms[i] for i in pos]  # type: ignore[misc]
    texts = words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    texts += [f"{a} {b} {c}" for a, b, c in zip(words, words[1:], words[2:], strict=False)]
    return Grams(texts, pos)


def ngrams(terms: Sequence[str | None], start: int, end: int) -> list[tuple[str, int, int]]:
    """(n-gram, first token, end token) for every 1-3-gram of the terms in [start, end)."""
    g = grams(terms, start, end)
    return [(text, *g.span(k)) for k, text in enumerate(g.texts)]


def sentence_terms(lemmas: Sequence[str], lowers: Sequence[str], start: int,
                   end: int) -> list[tuple[str, int, int]]:
    """(n-gram, first token, end token) for every 1-3-gram of tokens [start, end)."""
    return ngrams(token_terms(lemmas, lowers), start, end)
