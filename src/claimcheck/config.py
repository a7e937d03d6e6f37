"""Configuration files: ``.claimcheck.toml`` or ``[tool.claimcheck]`` in ``pyproject.toml``.

Found by walking up from the working directory; the first folder holding either wins (a
``.claimcheck.toml`` before a ``pyproject.toml`` in the same folder, and a pyproject.toml only
counts when it has a ``[tool.claimcheck]`` table). Command-line flags override the file; the
file overrides the defaults. Paths in the file are relative to the file's folder.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UsageError

#: key -> (type check, description); the CLI option of the same name (dashes for underscores)
KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "rules": (list, "extra rule files or folders"),
    "disable": (list, "rule ids or categories to turn off"),
    "severity": (dict, "rule id -> low/medium/high"),
    "fail_under": (int, "exit 1 below this score"),
    "fail_on": (str, "exit 1 at this severity"),
    "format": (str, "default output format"),
    "model": (str, "spaCy pipeline to use"),
    "detector": (str, "what finds claims: rules, model or both"),
    "include": (list, "folder scan: globs to take"),
    "exclude": (list, "folder scan: globs to skip"),
    "text_field": (str, "CSV/JSONL text column"),
    "id_field": (str, "CSV/JSONL id column"),
    "max_bytes": (int, "largest input accepted"),
    "timeout": ((int, float), "URL timeout in seconds"),
    "jobs": (int, "processes for large batches (0: one per core)"),
    "keep_fields": (list, "CSV/JSONL input columns to write next to each CSV row"),
    "engine": (str, "where documents are checked: local or dask"),
    "scheduler": (str, "Dask scheduler address (implies engine dask)"),
}
_PATH_LISTS = {"rules"}


@dataclass(frozen=True)
class Config:
    """Values read from one config file, and where they came from."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)


def find_config(start: Path | None = None) -> Path | None:
    """The config file that applies to ``start`` (default: the working directory), if any."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        dotfile = folder / ".claimcheck.toml"
        if dotfile.is_file():
            return dotfile
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "claimcheck" in _read(pyproject).get("tool", {}):
            return pyproject
    return None


def load_config(path: Path | None) -> Config:
    """Read and check a config file (``None``: no file, empty config)."""
    if path is None:
        return Config()
    data = _read(path)
    table = data.get("tool", {}).get("claimcheck", {}) if path.name == "pyproject.toml" \
        else data
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [tool.claimcheck] must be a table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in KEYS:
            raise UsageError(f"{path}: unknown key '{key}' (known: "
                             f"{', '.join(k.replace('_', '-') for k in KEYS)})")
        kind = KEYS[name][0]
        if isinstance(value, bool) or not isinstance(value, kind):
            raise UsageError(f"{path}: key '{key}' must be a {_kind_name(kind)}")
        if name in _PATH_LISTS:
            value = [str((path.parent / str(v)).resolve()) for v in value]
        values[name] = value
    return Config(path, values)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {list: "list", dict: "table", int: "whole number", str: "string", float: "number"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def settings_in_force(cfg: Config, defaults: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """(key, value, where it comes from) for every setting: the config file or the default."""
    return [(key, cfg.values[key], str(cfg.path)) if key in cfg.values
            else (key, defaults.get(key), "default") for key in KEYS]


#: settings whose config-file values are added to the command line's rather than replaced
ADDITIVE = ("rules", "disable", "include", "exclude", "keep_fields")


def merge(given: dict[str, Any], cfg: Config, from_cli: Any) -> dict[str, Any]:
    """Command-line values, filled in from the config file where ``from_cli(key)`` is false;
    list settings and severities add up, the command line's last."""
    settings = dict(given)
    for key, value in cfg.values.items():
        if key in ADDITIVE:
            settings[key] = list(value) + list(given.get(key) or [])
        elif key == "severity":
            settings[key] = [f"{k}={v}" for k, v in value.items()] + list(given[key] or [])
        elif key == "format":
            settings[key] = given[key] or value
        elif not from_cli(key):
            settings[key] = value
    return settings
