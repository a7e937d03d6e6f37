"""The command line's frame: the typer app, the options several commands share, one-line
errors, ``--version`` and the entry point. The commands live beside it (``check``,
``commands``); the work they ask for lives in the library.

Exit codes: 0 checked and nothing crossed the failure threshold; 1 a document crossed it;
2 usage error, unreadable input or bad rule file (in a batch: any input that failed).
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from ..errors import ClaimcheckError, UsageError
from ..output import EXIT_INTERRUPTED, broken_pipe, interrupted
from ..render import FORMATS
from ..types import EXIT_ERROR, EXIT_OK
from ..version import __version__

DEFAULT_FAIL_UNDER = 55

#: -h as well as --help, on every command
_CONTEXT = {"help_option_names": ["-h", "--help"]}
app = typer.Typer(
    name="claimcheck", add_completion=False, no_args_is_help=True,
    pretty_exceptions_enable=False, context_settings=_CONTEXT, rich_markup_mode=None,
    help="How far to trust a health clinic's marketing: flags red-flag claims in context and "
    "explains a 0-100 credibility score.",
)
rules_app = typer.Typer(help="List, show and test the rules.", no_args_is_help=True,
                        context_settings=_CONTEXT, rich_markup_mode=None)
app.add_typer(rules_app, name="rules")


#: the output formats (one renderer module each, registered in render/__init__.py)
Format = StrEnum("Format", {name: name for name in FORMATS})  # type: ignore[misc]


class Level(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


_state = {"verbose": False}

RulesOpt = Annotated[list[Path] | None, typer.Option(
    "--rules", metavar="PATH", help="Extra rule file or folder (repeatable).",
    show_default=False)]
DisableOpt = Annotated[list[str] | None, typer.Option(
    "--disable", metavar="ID|CATEGORY", show_default=False,
    help="Turn off a rule, a classifier class (RF-SALES) or a whole category (repeatable).")]
SeverityOpt = Annotated[list[str] | None, typer.Option(
    "--severity", metavar="ID=LEVEL", show_default=False,
    help="Change a rule's severity: ID=low|medium|high (repeatable).")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Show tracebacks on errors.")]


def _fail(error: BaseException) -> NoReturn:
    """One line for the user (the traceback too with --verbose), then exit 2."""
    if _state["verbose"]:
        traceback.print_exc()
    if isinstance(error, ClaimcheckError):
        typer.echo(f"claimcheck: error: {error}", err=True)
    else:
        typer.echo(f"claimcheck: internal error: {type(error).__name__}: {error} "
                   "(run with --verbose for details)", err=True)
    sys.exit(EXIT_ERROR)


def _ruleset(rules: list[Path] | None, disable: list[str] | None, severity: list[str] | None):  # type: ignore[no-untyped-def]
    from ..ruleset import load_rules

    overrides = {}
    for item in severity or []:
        rule_id, sep, level = item.partition("=")
        if not sep:
            raise UsageError(f"--severity takes ID=LEVEL, got {item!r}")
        overrides[rule_id.strip()] = level.strip()
    return load_rules(rules or []).configured(disable or [], overrides)


ConfigOpt = Annotated[Path | None, typer.Option(
    "--config", help="Config file to use instead of the one found from the working folder "
    "(.claimcheck.toml, or the tool.claimcheck table of pyproject.toml).",
    show_default=False, metavar="FILE")]


def _print_json(data: object) -> None:
    import json

    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def _find_rule(rule_id: str, rules: list[Path] | None):  # type: ignore[no-untyped-def]
    from ..lookup import find

    return find(rule_id, _ruleset(rules, None, None))



def _version_line() -> str:
    import hashlib

    from ..classifier import MODEL_FILE
    from ..rulefiles import builtin_version

    model = (Path(__file__).resolve().parent.parent / MODEL_FILE).read_bytes()
    return (f"claimcheck {__version__} (rules {builtin_version()}, "
            f"model {hashlib.sha256(model).hexdigest()[:12]})")


def _show_version(value: bool) -> None:
    if value:
        typer.echo(_version_line())
        raise typer.Exit(EXIT_OK)


def _show_help(ctx: typer.Context, value: bool) -> None:
    if value:
        typer.echo(ctx.get_help())
        raise typer.Exit(EXIT_OK)


#: a command group's own -h/--help, in place of typer's: typer 0.29 gives its help flag no
#: value when a command follows ("claimcheck check -h"), and to coerce that None it imports
#: pydantic (0.1 s of a 0.3 s answer); a plain False needs nothing
GroupHelpOpt = Annotated[bool, typer.Option(
    "--help", "-h", help="Show this message and exit.", is_eager=True, callback=_show_help)]


@rules_app.callback()
def _rules_options(_help: GroupHelpOpt = False) -> None:
    """List, show and test the rules."""


@app.callback()
def _options(
    version: Annotated[bool, typer.Option(
        "--version", help="Print the version and exit.", is_eager=True,
        callback=_show_version)] = False,
    _help: GroupHelpOpt = False,
) -> None:
    """How far to trust a health clinic's marketing: flags red-flag claims in context and
    explains a 0-100 credibility score."""


@app.command()
def version() -> None:
    """Print the version of claimcheck, of its rule set and of its claim classifier."""
    typer.echo(_version_line())


def main() -> None:
    """Entry point: run the app; a closed pipe or Ctrl-C ends quietly."""
    try:
        code = app(standalone_mode=False)
    except KeyboardInterrupt:
        interrupted()
    except BrokenPipeError:
        broken_pipe()
    except ClaimcheckError as exc:
        _fail(exc)
    except Exception as exc:  # the last line of defence: one line, no traceback
        # typer bundles its own click, so its exception classes are matched by shape and name
        if type(exc).__name__ == "Abort":
            interrupted()
        if callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None),
                                                               int):
            exc.show()  # a usage error, already worded for the user
            sys.exit(exc.exit_code)
        if _state["verbose"]:
            traceback.print_exc()
        typer.echo(f"claimcheck: internal error: {type(exc).__name__}: {exc} "
                   "(run with --verbose for details)", err=True)
        sys.exit(EXIT_ERROR)
    if code == EXIT_INTERRUPTED:  # typer's own Ctrl-C handling elsewhere
        interrupted()
    _finish(code if isinstance(code, int) else EXIT_OK)


def _finish(code: int) -> NoReturn:
    """Exit with ``code`` once the output is flushed. When no other thread or child process
    is left, nothing remains to be done, so the interpreter's teardown (a few tenths of a
    second spent freeing spaCy's and the rules' objects one by one) is skipped."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        broken_pipe()
    children = sys.modules.get("multiprocessing")
    if threading.active_count() == 1 and not (children and children.active_children()):
        os._exit(code)
    sys.exit(code)
