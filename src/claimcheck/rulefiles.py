"""Where rule files are and the version of a set of them, without parsing or validating any.

Kept apart from ``ruleset`` (which imports the schema, PyYAML and the types) so that
``claimcheck --version`` can name the rules' version without loading them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import RuleFileError


def builtin_rules_dir() -> Path:
    """The shipped rules: inside the installed package, or ``rules/`` in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise RuleFileError(str(here / "rules"), "built-in rules not found (broken installation?)")


def rule_files(paths: Sequence[Path]) -> list[Path]:
    """Expand files and folders into a sorted list of ``.yaml``/``.yml`` rule files."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")))
        elif path.is_file():
            files.append(path)
        else:
            raise RuleFileError(str(path), "no such rule file or folder")
    return files


def read(file: Path) -> bytes:
    """A rule file's bytes, or a RuleFileError saying why it cannot be read."""
    try:
        return file.read_bytes()
    except OSError as exc:
        raise RuleFileError(str(file), f"cannot read: {exc.strerror or exc}") from None


def version(contents: Iterable[tuple[Path, bytes]]) -> str:
    """The rules' version: a hash of each file's name and bytes, in order."""
    digest = hashlib.sha256()
    for file, raw in contents:
        digest.update(file.name.encode() + b"\0" + raw + b"\0")
    return digest.hexdigest()[:12]


def builtin_version() -> str:
    """The version ``load_rules()`` gives the shipped rules, from their bytes alone."""
    return version((file, read(file)) for file in rule_files([builtin_rules_dir()]))
