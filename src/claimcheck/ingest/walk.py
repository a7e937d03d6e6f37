"""Folders -> the files to check, in sorted order, with include/exclude globs and ignore files.

Hidden files and folders are left out. Globs are matched (fnmatch) against the path relative to
the folder given and against the bare name; a pattern ending in '/' matches folders only, one
starting with '/' only the relative path. ``.claimcheckignore`` in the scanned folder holds more
exclude patterns, one per line ('#' comments and blank lines ignored), like a simple
.gitignore (no '!' negation). Symlinked folders are followed unless they loop back; a loop or
a folder that cannot be read is an error record, never a crash.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from ..types import Document, ErrorInfo

IGNORE_FILE = ".claimcheckignore"


@dataclass(frozen=True)
class Filters:
    """Which paths under a folder to take."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def excluded(self, rel: str, name: str, is_dir: bool) -> bool:
        return any(matches(p, rel, name, is_dir) for p in self.exclude)

    def included(self, rel: str, name: str) -> bool:
        return not self.include or any(matches(p, rel, name, False) for p in self.include)


def matches(pattern: str, rel: str, name: str, is_dir: bool) -> bool:
    """Does a glob match this path (relative, with '/') or its name?"""
    dir_only = pattern.endswith("/")
    anchored = pattern.startswith("/")
    pattern = pattern.strip("/")
    if not pattern or (dir_only and not is_dir):
        return False
    if fnmatch(rel, pattern):
        return True
    return not anchored and "/" not in pattern and fnmatch(name, pattern)


def read_ignore_file(root: Path) -> tuple[list[str], Document | None]:
    """The patterns of ``root/.claimcheckignore`` (none if absent) and an error record, if any."""
    path = root / IGNORE_FILE
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [], None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        return [], Document(str(path), error=ErrorInfo(
            "read", f"cannot read the ignore file: {reason or exc}"))
    patterns = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            patterns.append(line)
    return patterns, None


def walk(root: Path, suffixes: set[str], skipped: dict[str, int], *,
         include: Sequence[str] = (), exclude: Sequence[str] = ()) -> Iterator[Path | Document]:
    """Files under ``root`` with one of ``suffixes``, depth first in name order.

    Other files are counted in ``skipped`` by suffix; problems are yielded as error records.
    """
    ignore, error = read_ignore_file(root)
    if error is not None:
        yield error
    filters = Filters(tuple(include), tuple(exclude) + tuple(ignore))
    try:
        top = root.stat()
    except OSError as exc:
        yield _error(root, exc)
        return
    yield from _walk_dir(root, "", filters, suffixes, skipped, [(top.st_dev, top.st_ino)])


def _walk_dir(folder: Path, rel: str, filters: Filters, suffixes: set[str],
              skipped: dict[str, int], ancestors: list[tuple[int, int]]
              ) -> Iterator[Path | Document]:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield _error(folder, exc)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        entry_rel = f"{rel}{entry.name}"
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if filters.excluded(entry_rel, entry.name, True):
                continue
            try:
                st = path.stat()
            except OSError as exc:
                yield _error(path, exc)
                continue
            key = (st.st_dev, st.st_ino)
            if key in ancestors:
                yield Document(str(path), error=ErrorInfo(
                    "loop", "symlink loop: this folder links back to one that contains it; "
                    "not followed"))
                continue
            yield from _walk_dir(path, entry_rel + "/", filters, suffixes, skipped,
                                 ancestors + [key])
            continue
        suffix = scan_suffix(entry.name, suffixes)
        if filters.excluded(entry_rel, entry.name, False):
            continue
        if not filters.included(entry_rel, entry.name):
            continue
        if suffix not in suffixes:
            _count(skipped, suffix or "(none)")
            continue
        try:
            regular = entry.is_file() or entry.is_symlink()  # a broken link gets its error record
        except OSError:
            regular = True
        if not regular:
            _count(skipped, "(special file)")
            continue
        yield path


def scan_suffix(name: str, suffixes: set[str]) -> str:
    """A file's suffix as a scan sees it: the last one, or the last two when the scan takes
    them together (``crawl.warc.gz`` is ``.warc.gz``, ``notes.tar.gz`` is ``.gz``)."""
    lower = name.lower()
    last = os.path.splitext(lower)[1]
    double = os.path.splitext(lower[: len(lower) - len(last)])[1] + last
    return double if last and double in suffixes else last


def _count(skipped: dict[str, int], key: str) -> None:
    skipped[key] = skipped.get(key, 0) + 1


def _error(path: Path, exc: OSError) -> Document:
    kind = "permission" if isinstance(exc, PermissionError) else (
        "not_found" if isinstance(exc, FileNotFoundError) else "read")
    return Document(str(path), error=ErrorInfo(
        kind, exc.strerror.lower() if exc.strerror else str(exc)))
