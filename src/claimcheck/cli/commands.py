"""The other commands: ``serve``, ``rules list|show|test``, ``explain``, ``config``,
``train``. Each parses its options and calls the library."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import ClaimcheckError
from ..types import EXIT_FAIL, EXIT_OK
from .app import (
    ConfigOpt,
    DisableOpt,
    Format,
    RulesOpt,
    SeverityOpt,
    VerboseOpt,
    _fail,
    _find_rule,
    _print_json,
    _ruleset,
    _state,
    app,
    rules_app,
)
from .check import Detector, DetectorOpt, TimeoutOpt


@app.command()
def serve(
    host: Annotated[str, typer.Option(
        help="Address to listen on (127.0.0.1: this computer only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).", min=0,
                                      max=65535)] = 8000,
    max_bytes: Annotated[int, typer.Option(
        help="Refuse texts, uploads and fetched pages larger than this (413).", min=1)]
    = 5 * 1024 * 1024,
    timeout: TimeoutOpt = 15.0,
    max_inflight: Annotated[int, typer.Option(
        help="Checks in progress at once; past it requests get 503 (busy).", min=1)] = 8,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private",
        help="Also fetch loopback, private and link-local addresses (local tests, intranets).",
    )] = False,
    rules: RulesOpt = None,
    disable: DisableOpt = None,
    severity: SeverityOpt = None,
    detector: DetectorOpt = Detector.both,
    model: Annotated[str | None, typer.Option(
        help="Installed spaCy pipeline to use (default: the blank one).",
        show_default=False)] = None,
    verbose: VerboseOpt = False,
) -> None:
    """Start a local web page for patients (and a JSON API): paste a page or its address."""
    from ..heap import fix_mmap_threshold
    from ..serve import Limits, run

    _state["verbose"] = verbose
    fix_mmap_threshold()  # a server runs for days: its heap must not fragment (see heap.py)
    try:
        run(host, port, Limits(max_bytes, float(timeout), max_inflight, allow_private),
            rules=_ruleset(rules, disable, severity), detector=detector, model=model)
    except (ClaimcheckError, OSError) as exc:
        _fail(exc)


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
    from ..classifier.classes import load_classes
    from ..render.rules import catalogue, print_rules
    from ..score.disclosures import load_checks

    ruleset = _ruleset(rules, disable, None)
    classes = [c for c in load_classes().values()
               if c.id not in ruleset.disabled and c.category not in ruleset.disabled]
    sections = catalogue(ruleset.rules, classes, load_checks())
    if format is not Format.text:  # the same sections and rows as the text listing
        keys = ("id", "level", "name", "summary")
        _print_json({"rules_version": ruleset.version,
                     "sections": [{"title": title, "items": [dict(zip(keys, row, strict=True))
                                                             for row in rows]}
                                  for title, rows in sections]})
        return
    print_rules(sections, ruleset.version, sys.stdout)


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
    from ..render.rules import print_rule

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
    from ..render.rules import print_rule

    print_rule(rule, sys.stdout, detailed=False)



@rules_app.command("test")
def rules_test(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="User rule files or folders to test (default: the built-in rules).",
        show_default=False)] = None,
    verbose: VerboseOpt = False,
) -> None:
    """Run every rule's examples; exit 1 if any flag example is missed or pass example hit."""
    from ..checker import Checker
    from ..ruleset import load_rules
    from ..ruleset.examples import example_failures

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
    from ..config import find_config, load_config, settings_in_force

    _state["verbose"] = verbose
    path = config or find_config()
    params = typer.main.get_command(app).commands["check"].params
    rows = settings_in_force(load_config(path), {p.name: p.default for p in params})
    if format is not Format.text:
        _print_json({"config_file": str(path) if path else None,
                     "settings": {k: {"value": v, "source": src} for k, v, src in rows}})
        return
    from ..render.rules import print_settings

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

    from ..classifier.train import rebuild

    _state["verbose"] = verbose
    report, target = rebuild(corpus, config, out)
    typer.echo(json.dumps(report, indent=2))
    typer.echo(f"claimcheck: wrote {target} ({target.stat().st_size:,} bytes)", err=True)

