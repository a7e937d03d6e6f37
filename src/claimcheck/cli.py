"""Command line: parse options, call the API, pick a renderer, map the result to an exit code.

Exit codes: 0 checked and nothing crossed the failure threshold; 1 a document crossed it;
2 usage error, unreadable input or bad rule file (in a batch: any input that failed).
"""

from __future__ import annotations

import sys
import traceback
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from .errors import ClaimcheckError, UsageError
from .output import EXIT_INTERRUPTED, broken_pipe, interrupted
from .render import FORMATS
from .types import EXIT_ERROR, EXIT_FAIL, EXIT_OK
from .version import __version__

DEFAULT_FAIL_UNDER = 55

app = typer.Typer(
    name="claimcheck", add_completion=False, no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="How far to trust a health clinic's marketing: flags red-flag claims in context and "
    "explains a 0-100 credibility score.",
)
rules_app = typer.Typer(help="List, show and test the rules.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


#: the output formats (one renderer module each, registered in render/__init__.py)
Format = StrEnum("Format", {name: name for name in FORMATS})  # type: ignore[misc]


class Level(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


_state = {"verbose": False}

RulesOpt = Annotated[list[Path] | None, typer.Option(
    "--rules", help="Extra rule file or folder (repeatable).", show_default=False)]
DisableOpt = Annotated[list[str] | None, typer.Option(
    "--disable", help="Turn off a rule id or a whole category (repeatable).")]
SeverityOpt = Annotated[list[str] | None, typer.Option(
    "--severity", help="Change a rule's severity: ID=low|medium|high (repeatable).")]
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
    from .ruleset import load_rules

    overrides = {}
    for item in severity or []:
        rule_id, sep, level = item.partition("=")
        if not sep:
            raise UsageError(f"--severity takes ID=LEVEL, got {item!r}")
        overrides[rule_id.strip()] = level.strip()
    return load_rules(rules or []).configured(disable or [], overrides)


ConfigOpt = Annotated[Path | None, typer.Option(
    "--config", help="Config file to use instead of the one found from the working folder "
    "(.claimcheck.toml or [tool.claimcheck] in pyproject.toml).", show_default=False)]


DetectorOpt = Annotated[str, typer.Option(
    help="What finds claims: rules (phrase rules with citations), model (the trained claim "
    "classifier) or both.")]
#: how inputs are read (gathered into ingest.InputOptions)
MaxBytesOpt = Annotated[int, typer.Option(help="Refuse inputs larger than this.", min=1)]
InputFormatOpt = Annotated[str, typer.Option(
    help="How to read inputs: auto, text, html, csv, jsonl or pdf.")]
TextFieldOpt = Annotated[str, typer.Option(help="CSV/JSONL: the column or key holding the text.")]
IdFieldOpt = Annotated[str, typer.Option(help="CSV/JSONL: the column or key naming each row.")]
IncludeOpt = Annotated[list[str] | None, typer.Option(
    help="Folders: only check paths matching this glob (repeatable).", show_default=False)]
ExcludeOpt = Annotated[list[str] | None, typer.Option(
    help="Folders: skip paths matching this glob (repeatable; also .claimcheckignore).",
    show_default=False)]
TimeoutOpt = Annotated[float, typer.Option(help="URLs: seconds to wait.", min=0.1)]


@app.command()
def check(
    ctx: typer.Context,
    inputs: Annotated[list[str] | None, typer.Argument(
        help="Files, folders (searched for .txt .md .html .htm .csv .jsonl .pdf), URLs "
        "(http/https), or - for stdin. With none, reads piped stdin.",
        show_default=False)] = None,
    format: Annotated[Format | None, typer.Option(
        "--format", "-f", help="text (default on a terminal), json (default otherwise), "
        "jsonl, line, csv, markdown, html, sarif or github.",
        show_default=False)] = None,
    rules: RulesOpt = None,
    disable: DisableOpt = None,
    severity: SeverityOpt = None,
    fail_under: Annotated[int, typer.Option(
        help="Exit 1 when a document scores below this (0 turns it off).", min=0, max=100,
    )] = DEFAULT_FAIL_UNDER,
    fail_on: Annotated[Level | None, typer.Option(
        help="Also exit 1 when a counted red flag has at least this severity.",
        show_default=False)] = None,
    model: Annotated[str | None, typer.Option(
        help="Installed spaCy pipeline to use, e.g. en_core_web_sm (falls back to the blank "
        "pipeline if missing).", show_default=False)] = None,
    max_bytes: MaxBytesOpt = 20 * 1024 * 1024,
    input_format: InputFormatOpt = "auto",
    text_field: TextFieldOpt = "text",
    id_field: IdFieldOpt = "id",
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    timeout: TimeoutOpt = 15.0,
    detector: DetectorOpt = "both",
    output: Annotated[str, typer.Option(
        "--output", "-o", help="Write the report to this file (- for stdout).")] = "-",
    summary_only: Annotated[bool, typer.Option(
        help="csv: one row per document instead of one per finding.")] = False,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", help="Check documents in this many processes (large batches).",
        min=1)] = 1,
    color: Annotated[bool | None, typer.Option(
        "--color/--no-color", help="Force colour on or off (default: only on a terminal).",
        show_default=False)] = None,
    config: ConfigOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Check clinic text and print a scored, explained report."""
    _state["verbose"] = verbose
    given = {k: v for k, v in locals().items() if k not in ("ctx", "verbose")}
    try:
        settings = _settings(ctx, given)
        code = _run_check(settings)
    except KeyboardInterrupt:
        interrupted()  # before typer turns it into a normal exit that waits for workers
    except BrokenPipeError:
        broken_pipe()  # the reader (e.g. `head`) has all it wants
    except (ClaimcheckError, OSError) as exc:
        _fail(exc)
    raise typer.Exit(code)


def _settings(ctx: typer.Context, given: dict) -> dict:
    """Command-line values, filled in from the config file where the flag was not given."""
    from .config import find_config, load_config, merge

    def from_cli(key: str) -> bool:  # typer may bundle its own click: compare names
        return getattr(ctx.get_parameter_source(key), "name", "DEFAULT") != "DEFAULT"

    settings = merge(given, load_config(given["config"] or find_config()), from_cli)
    if settings["format"] is not None and not isinstance(settings["format"], Format):
        settings["format"] = Format(settings["format"])
    if settings["fail_on"] is not None and not isinstance(settings["fail_on"], Level):
        settings["fail_on"] = Level(settings["fail_on"])
    return settings


def _run_check(s: dict) -> int:
    from .checker import Checker
    from .ingest import InputOptions, collect, input_format
    from .output import FdWriter, open_output, whole_writes
    from .parallel import check_in_order
    from .types import Severity

    inputs, output, color = s["inputs"] or [], s["output"], s["color"]
    options = InputOptions(
        input_format=s["input_format"], text_field=s["text_field"], id_field=s["id_field"],
        include=tuple(s["include"] or ()), exclude=tuple(s["exclude"] or ()),
        max_bytes=s["max_bytes"], timeout=float(s["timeout"]))
    input_format(options)  # a bad --input-format fails before spaCy loads

    if not inputs:
        if sys.stdin is None or sys.stdin.closed:
            raise UsageError("no input: give files or folders, or pipe text in")
        if sys.stdin.isatty():
            typer.echo("Paste the clinic's text below, then press Ctrl-D on a new line "
                       "(Ctrl-Z then Enter on Windows).", err=True)
        inputs = ["-"]
    to_file = output not in ("-", "")
    fmt = s["format"] or (Format.text if sys.stdout.isatty() and not to_file else Format.json)
    checker = Checker(_ruleset(s["rules"], s["disable"], s["severity"]), model=s["model"],
                      detector=s["detector"])
    if checker.note:
        typer.echo(f"claimcheck: note: {checker.note}", err=True)
    collected = collect(inputs, options)
    if not collected.documents:
        raise UsageError("no checkable files found (looked for .txt .md .markdown .text .html "
                         ".htm .csv .jsonl .pdf)")
    if collected.skipped:
        counts = ", ".join(f"{n} {suffix}" for suffix, n in sorted(collected.skipped.items()))
        typer.echo(f"claimcheck: skipped files of other types: {counts}", err=True)
    from .render import RenderContext, make_renderer

    out = open_output(output) if to_file else FdWriter(sys.stdout)
    try:
        renderer = make_renderer(fmt.value, out, RenderContext(
            __version__, checker.rules.version, checker.model_version,
            color=False if to_file else color,
            summary_only=s["summary_only"]))
        reports = []
        for report in check_in_order(checker, collected.documents, s["jobs"], s["model"],
                               progress=to_file or not sys.stdout.isatty()):
            reports.append(report)
            with whole_writes():
                renderer.document(report)
        full = checker.report(reports)
        renderer.finish(full)
        out.flush()
    finally:
        if to_file:
            out.close()
    fail_on = Severity(s["fail_on"].value) if s["fail_on"] else None
    return full.exit_code(s["fail_under"], fail_on)


@rules_app.command("list")
def rules_list(
    format: Annotated[Format, typer.Option("--format", "-f", help="text or json.")]
    = Format.text,
    rules: RulesOpt = None,
    disable: DisableOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """List the rules in force: id, name, category, severity."""
    _state["verbose"] = verbose
    ruleset = _ruleset(rules, disable, None)
    if format is not Format.text:
        _print_json({"rules_version": ruleset.version,
                     "rules": [{"id": r.id, "name": r.name, "category": r.category,
                                "kind": r.kind.value, "severity": r.severity.value,
                                "summary": r.summary} for r in ruleset.rules]})
        return
    from .render.rules import print_rules

    print_rules(ruleset.rules, ruleset.version, sys.stdout)


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[str, typer.Argument(help="Rule id, e.g. CURE001.")],
    rules: RulesOpt = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="text or json.")]
    = Format.text,
    verbose: VerboseOpt = False,
) -> None:
    """Everything about one rule: why, what to ask, sources, patterns, examples."""
    _state["verbose"] = verbose
    rule = _find_rule(rule_id, rules)
    if format is not Format.text:
        _print_json(rule.to_dict())
        return
    from .render.rules import print_rule

    print_rule(rule, sys.stdout, detailed=True)


@app.command()
def explain(
    rule_id: Annotated[str, typer.Argument(help="The rule id shown next to a red flag.")],
    rules: RulesOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Explain in plain words why a red flag matters and what to ask the clinic."""
    _state["verbose"] = verbose
    rule = _find_rule(rule_id, rules)
    from .render.rules import print_rule

    print_rule(rule, sys.stdout, detailed=False)


def _print_json(data: object) -> None:
    import json

    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def _find_rule(rule_id: str, rules: list[Path] | None):  # type: ignore[no-untyped-def]
    from .classifier.classes import find_rule

    return find_rule(rule_id, _ruleset(rules, None, None))


@rules_app.command("test")
def rules_test(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="User rule files or folders to test (default: the built-in rules).",
        show_default=False)] = None,
    verbose: VerboseOpt = False,
) -> None:
    """Run every rule's examples; exit 1 if any flag example is missed or pass example hit."""
    from .checker import Checker
    from .ruleset import load_rules
    from .ruleset.examples import example_failures

    _state["verbose"] = verbose
    ruleset = load_rules(paths or [])
    user_files = {str(p) for p in paths or []}
    tested = [r for r in ruleset.rules if not paths or r.file in user_files
              or any(r.file.startswith(f.rstrip("/") + "/") for f in user_files)]
    failures = example_failures(Checker(ruleset, detector="rules"), tested)
    examples = sum(len(r.examples_flag) + len(r.examples_pass) for r in tested)
    for failure in failures:
        typer.echo(str(failure))
    typer.echo(f"{len(tested)} rules, {examples} examples: "
               f"{examples - len(failures)} passed, {len(failures)} failed")
    raise typer.Exit(EXIT_FAIL if failures else EXIT_OK)


@app.command("config")
def show_config(
    config: ConfigOpt = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="text or json.")]
    = Format.text,
    verbose: VerboseOpt = False,
) -> None:
    """Print the settings `check` would use here, and where each one comes from."""
    from .config import find_config, load_config, settings_in_force

    _state["verbose"] = verbose
    path = config or find_config()
    params = typer.main.get_command(app).commands["check"].params
    rows = settings_in_force(load_config(path), {p.name: p.default for p in params})
    if format is not Format.text:
        _print_json({"config_file": str(path) if path else None,
                     "settings": {k: {"value": v, "source": src} for k, v, src in rows}})
        return
    from .render.rules import print_settings

    print_settings(rows, path, sys.stdout)


@app.command()
def train(
    corpus: Annotated[Path, typer.Option(help="Folder of corpus *.jsonl files.")]
    = Path("training/corpus"),
    config: Annotated[Path | None, typer.Option(
        help="Training settings (TOML); default training/config.toml when it exists.",
        show_default=False)] = None,
    out: Annotated[Path | None, typer.Option(
        help="Where to write the model; default the one claimcheck ships and uses.",
        show_default=False)] = None,
    verbose: VerboseOpt = False,
) -> None:
    """Rebuild the claim classifier from a labelled corpus (needs the train extra)."""
    import json

    from .classifier.train import rebuild

    _state["verbose"] = verbose
    report, target = rebuild(corpus, config, out)
    typer.echo(json.dumps(report, indent=2))
    typer.echo(f"claimcheck: wrote {target} ({target.stat().st_size:,} bytes)", err=True)


@app.command()
def version() -> None:
    """Print the version of claimcheck, of its rule set and of its claim classifier."""
    import hashlib

    from .classifier import MODEL_FILE
    from .ruleset import load_rules

    model = (Path(__file__).resolve().parent / MODEL_FILE).read_bytes()
    typer.echo(f"claimcheck {__version__} (rules {load_rules().version}, "
               f"model {hashlib.sha256(model).hexdigest()[:12]})")


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
    sys.exit(code if isinstance(code, int) else EXIT_OK)
