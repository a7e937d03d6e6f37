"""Command line: parse options, call the API, pick a renderer, map the result to an exit code.

``app`` holds the typer app and the shared options, ``check`` the main command, ``commands``
the others; importing this package registers them all.
"""

from __future__ import annotations

from . import check, commands  # noqa: F401 - they register their commands on the app
from .app import app, main

__all__ = ["app", "main"]
