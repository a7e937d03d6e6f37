"""Command line: parse options, call the API, pick a renderer, map the result to an exit code.

``app`` holds the typer app and the shared options, ``check`` the main command, ``commands``
the others; importing them registers them all. ``main`` imports them itself, so that a Ctrl-C
during start-up (importing typer, rich and spaCy can take a second) ends like any other: one
line and status 130, not a traceback.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import app

__all__ = ["app", "main"]


def main() -> None:
    """The ``claimcheck`` command."""
    try:
        run = _load().main
    except KeyboardInterrupt:
        from ..output import interrupted

        interrupted()
    run()


def _load() -> Any:
    """Import the commands (they register on the app) and return the ``app`` module. Its
    import binds ``app`` here to the module; the name is the typer app, as before."""
    module = import_module(".app", __name__)
    for name in ("check", "commands"):
        import_module(f".{name}", __name__)
    globals()["app"] = module.app
    return module


def __getattr__(name: str) -> Any:
    if name == "app":
        return _load().app
    raise AttributeError(f"module 'claimcheck.cli' has no attribute {name!r}")
