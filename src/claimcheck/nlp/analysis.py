"""The analysed text as plain data: tokens, lemmas, sentences and clauses with exact offsets.

Every later stage (matching, context, findings) reads an ``Analysis``; only the pipeline that
builds it knows spaCy (``doc`` is kept for token patterns and, on the trained path, the parse).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from operator import attrgetter
from typing import Any


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
    doc: Any  # the spaCy Doc, for matchers and (trained path) the parse
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
        return self.assertions[max(0, bisect_right(self.assertions, token, key=_start) - 1)]


_start = attrgetter("start")
