"""Natural-language processing: the one place (with ``match.py``) that imports spaCy.

``Pipeline`` turns text into an ``Analysis`` (tokens, lemmas, sentences, clauses, offsets);
``segment`` cuts sentences and clauses, ``lemmas`` sets lemmas from the shipped lookup table.
"""

from __future__ import annotations

from .analysis import Analysis, Assertion, Sentence
from .pipeline import Pipeline

__all__ = ["Analysis", "Assertion", "Pipeline", "Sentence"]
