"""Where sentences and clauses begin and end, on token texts alone (no spaCy objects).

The blank pipeline cuts sentences here: after . ! ? (and closing quotes), at line breaks that
are not a wrap, with run-on text cut into bounded pieces. Each sentence is a text, a question,
a heading (a short Title Case line on its own) or a reference (its line is an entry of a
reference list); each is split into clauses at semicolons, dashes and ", but"-like joints.
"""

from __future__ import annotations

import re

#: tokens that end one assertion (clause) inside a sentence
_CLAUSE_PUNCT = {";", "—", "–", "--"}
#: after a comma, these words open a new clause ("..., but our cells ...", "..., please call")
_CLAUSE_CONJ = {"but", "yet", "while", "whereas", "although", "though", "however", "so",
                "please"}
#: a clause opened by one of these ends at its first comma ("Although X, Y"), and so does one
#: opened by "even" and one of them ("Even if you have tried everything, our cells ...")
_SUBORDINATORS = {"although", "though", "while", "whereas", "if", "unless", "because", "since"}
BULLETS = {"•", "●", "▪", "◦", "‣", "-", "*", "–", "—", "·"}
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
_WRAP_WIDTH = 60
#: a reference-list entry begins with its authors ("4. Cook M, Richey A, ...", "[2] Lee JH,
#: Park S", "Smith, J., & Jones, K. (2019)") ...
_AUTHORS = re.compile(r"[ \t]*(?:\[?\d{1,3}[\].)]?[ \t]+)?[A-Z][A-Za-z'\u2019-]+,?[ \t]+"
                      r"(?:[A-Z]{1,3}\b\.?|[A-Z]\.[ \t]?(?:[A-Z]\.)?)[ \t]*(?:,|&|and\b|et al)")
#: ... and holds where it was published: "2021;16:2852", "2019, 12(3): 45", "12(3), 45-67",
#: a DOI or a PMID
_PUBLISHED = re.compile(r"\b(?:19|20)\d{2}[a-z]?\s*[;,]\s*\d+\s*(?:\(\d+\))?\s*:\s*[\dA-Z]|"
                        r"\b(?:19|20)\d{2}\)?\s*[.,]?\s*\d+\s*\(\d+\)\s*[:,]\s*\d|"
                        r"\b\d{1,4}\s*\(\d{1,4}\)\s*[:,]\s*\d+\s*[-\u2013]\s*\d+|"
                        r"\bdoi\s*:?\s*10\.\d{4,}/|\b10\.\d{4,}/\S|\bPMID:?\s*\d{5,}",
                        re.IGNORECASE)
#: how far into a line a reference's authors and publication details are looked for
_REFERENCE_SPAN = 600


def line_starts(text: str, texts: list[str], starts: list[int]) -> list[int]:
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


def segment(text: str, texts: list[str], starts: list[int]) -> list[tuple[int, int]]:
    """Sentences of the blank pipeline: after . ! ? (and closing quotes), and at line starts."""
    n = len(texts)
    breaks = set(line_starts(text, texts, starts))
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


def bounded(raw: list[tuple[int, int]], texts: list[str]) -> list[tuple[int, int]]:
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


def sentence_kind(text: str, texts: list[str], starts: list[int], ends: list[int], s: int,
                   e: int, bounds: tuple[int, int]) -> str:
    """text, question, heading or reference; ``bounds`` are where the text's first and last
    words are."""
    if is_reference_line(text, starts[s]):
        return "reference"
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


def is_reference_line(text: str, at: int) -> bool:
    """Is the line that holds character ``at`` an entry of a reference list: authors first,
    then where it was published? Its title ("Weighing up the evidence...") is then no claim
    either. Only the line's first ``_REFERENCE_SPAN`` characters are read, so the cost per
    sentence stays bounded on a page that is one long line."""
    low = max(0, at - _REFERENCE_SPAN)
    first = text.rfind("\n", low, at) + 1
    if first == 0 and low > 0:
        return False  # further than the span from its line's start
    head = text[first:first + _REFERENCE_SPAN]
    end = head.find("\n")
    head = head if end < 0 else head[:end]
    return bool(_AUTHORS.match(head)) and bool(_PUBLISHED.search(head))


def _alone_on_line(text: str, at: int, step: int) -> bool:
    """Is there only blank space between ``at`` and the line break (or text edge) that way?"""
    i = at - 1 if step < 0 else at
    while 0 <= i < len(text) and text[i] in " \t":
        i += step
    return not 0 <= i < len(text) or text[i] in "\r\n"


def clauses(lower: list[str], s: int, e: int) -> list[tuple[int, int]]:
    """Split a sentence's tokens into clauses at semicolons, dashes and ", but"-like joints."""
    out = []
    start = s
    subordinate = _opens_subordinate(lower, s, e)
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
            subordinate = _opens_subordinate(lower, start, e)
    out.append((start, e))
    return [(a, b) for a, b in out if b > a]


def _opens_subordinate(lower: list[str], i: int, e: int) -> bool:
    """Does a subordinate clause start at token i ("if ...", "even if ...")?"""
    return lower[i] in _SUBORDINATORS or (
        lower[i] == "even" and i + 1 < e and lower[i + 1] in _SUBORDINATORS)
