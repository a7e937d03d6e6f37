"""What treatment a page is about, so that what it is told speaks of that treatment.

The table is data (``data/treatments.yaml``): a display name and the words that mention it,
matched whole and case-insensitively (on the lower-cased text). The treatment mentioned most
often wins (ties: the one listed first); a page that names none is about "this treatment".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

from ..errors import RuleFileError
from ..ruleset.yamlio import LINE, load_checked

_FILE = "data/treatments.yaml"


@lru_cache(maxsize=1)
def _table() -> tuple[re.Pattern[str], dict[str, int], tuple[str, ...]]:
    """One regex for every mention, the treatment index of each lower-cased word, the names."""
    file = f"claimcheck/{_FILE}"
    text = resources.files("claimcheck").joinpath(_FILE).read_text("utf-8")
    return load_checked(text, file, lambda data: _compile(data, file))


def _compile(data: Any, file: str) -> tuple[re.Pattern[str], dict[str, int], tuple[str, ...]]:
    names: list[str] = []
    index: dict[str, int] = {}
    for item in data or []:
        words = item.get("words") if isinstance(item, dict) else None
        if not isinstance(item, dict) or set(item) - {LINE} != {"name", "words"} or not words:
            raise RuleFileError(file, "each treatment has a name and a list of words",
                                line=item.get(LINE) if isinstance(item, dict) else None)
        for word in words:
            index.setdefault(str(word).lower(), len(names))  # first listed wins a shared word
        names.append(str(item["name"]))
    # matched on the lower-cased text: a case-insensitive regex with 100+ alternatives is
    # several times slower, and only the counts are used (no offsets)
    pattern = re.compile(rf"(?<!\w)(?:{_trie(index)})(?![\w+])")
    return pattern, index, tuple(names)


def _trie(words: Iterable[str]) -> str:
    r"""A regex for any of ``words``, longest first, as a trie of their letters (for "stem
    cell", "stem cells", "stem-cell": ``stem(?:\ cell(?:s)?|\-cell)``), so each position
    tries one branch per letter instead of every word (2.5x faster than the plain
    alternation on the speed bench). Where a word ends and a longer one goes on, the longer
    is tried first, so a match is the longest word there, as with the plain alternation
    sorted longest first."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def regex(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + regex(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body
    return regex(root)


def page_treatment(text: str) -> str | None:
    """The treatment a text mentions most (ties: the one listed first), or None."""
    pattern, index, names = _table()
    counts = [0] * len(names)
    for match in pattern.finditer(text.lower()):
        counts[index[match.group(0)]] += 1
    best = max(range(len(names)), key=lambda i: (counts[i], -i), default=None)
    return names[best] if best is not None and counts[best] else None
