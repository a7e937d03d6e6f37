"""Parsed data files kept as JSON, keyed by their text, so a start skips parsing YAML again.

Parsing the rule and data files is a fifth of building a Checker. What the fast loader returned
for a text is written as JSON under a name made of the SHA-256 of that text (and of this cache's
format and PyYAML's version), so an edited file is simply a new key: nothing is ever stale.
JSON is data, never code; a file that cannot be read back, or data JSON cannot hold exactly,
is parsed from YAML as before. The same folder remembers which texts passed a slow check
(``passed``/``remember``: spaCy's validation of a rule set's token patterns), keyed the same
way. The folder is ``$CLAIMCHECK_CACHE_DIR``, else
``$XDG_CACHE_HOME/claimcheck``, else ``~/.cache/claimcheck``; ``CLAIMCHECK_NO_CACHE=1`` turns
it off, and a folder that cannot be written only costs the time.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

#: bump when the fast loader reads YAML differently (its booleans, dates...)
FORMAT = 1
#: past this many cached files, the oldest are removed when one is written
KEEP = 200


def folder() -> Path | None:
    """Where cached files go, or None when caching is off."""
    if os.environ.get("CLAIMCHECK_NO_CACHE"):
        return None
    chosen = os.environ.get("CLAIMCHECK_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "claimcheck"


def _path(where: Path, text: str, kind: str = "yaml") -> Path:
    key = hashlib.sha256(f"{FORMAT}\0{yaml.__version__}\0{text}".encode()).hexdigest()[:32]
    return where / f"{kind}-{key}.json"


def get(text: str) -> Any | None:
    """The data parsed before from this exact text, or None."""
    return _read("yaml", text)


def put(text: str, data: Any) -> None:
    """Keep ``data`` (what the fast loader made of ``text``) when JSON holds it exactly."""
    if folder() is None:
        return
    try:
        encoded = json.dumps(data, ensure_ascii=False)
        if json.loads(encoded) != data:  # e.g. a number as a mapping key
            return
    except (TypeError, ValueError):
        return  # data JSON cannot hold: parse again next time
    _write("yaml", text, encoded)


def passed(check: str, text: str) -> bool:
    """Did ``text`` pass the check named ``check`` before (see ``remember``)?"""
    return _read(check, text) is True


def _read(kind: str, text: str) -> Any | None:
    where = folder()
    if where is None:
        return None
    try:
        return json.loads(_path(where, text, kind).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def remember(check: str, text: str) -> None:
    """Note that ``text`` passed the check named ``check``: the key says which text, so a
    changed text (or a check of a new version, when ``text`` holds it) is checked again."""
    _write(check, text, "true")


def _write(kind: str, text: str, encoded: str) -> None:
    where = folder()
    if where is None:
        return
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=f".{kind}-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(encoded)
        os.replace(tmp, _path(where, text, kind))  # whole or not at all, even in parallel
        _prune(where, kind)
    except OSError:
        return  # a read-only home: the work is done again next time


def _prune(where: Path, kind: str) -> None:
    files = sorted(where.glob(f"{kind}-*.json"), key=lambda p: p.stat().st_mtime)
    for old in files[:-KEEP]:
        old.unlink(missing_ok=True)
