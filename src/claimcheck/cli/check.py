"""``claimcheck check``: its options, the config file merged in, and the run itself (inputs ->
checker -> renderer -> exit code; large or distributed runs hand over to ``scale``)."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated

import typer

from ..errors import ClaimcheckError, UsageError
from ..heap import fix_mmap_threshold
from ..ingest import INPUT_FORMATS, InputOptions
from ..output import broken_pipe, interrupted
from ..render import format_for
from ..types import DETECTORS
from .app import (
    DEFAULT_FAIL_UNDER,
    ConfigOpt,
    DisableOpt,
    Format,
    Level,
    RulesOpt,
    SeverityOpt,
    VerboseOpt,
    _fail,
    _ruleset,
    _state,
    app,
)

Detector = StrEnum("Detector", {name: name for name in DETECTORS})  # type: ignore[misc]
DetectorOpt = Annotated[Detector, typer.Option(
    help="What finds claims: rules (phrase rules with citations), model (the trained claim "
    "classifier) or both.")]
#: how inputs are read (gathered into ingest.InputOptions)
InputFormat = StrEnum("InputFormat", {n: n for n in INPUT_FORMATS})  # type: ignore[misc]
MaxBytesOpt = Annotated[int, typer.Option(
    help="Refuse inputs larger than this many bytes.", min=1, metavar="BYTES",
    show_default="20 MiB")]
InputFormatOpt = Annotated[InputFormat, typer.Option(
    help="How to read stdin, named files and URLs (auto: by suffix or content).")]
TextFieldOpt = Annotated[str, typer.Option(
    help="CSV/JSONL: the column or key holding the text.", metavar="COLUMN")]
IdFieldOpt = Annotated[str, typer.Option(
    help="CSV/JSONL: the column or key naming each row.", metavar="COLUMN")]
IncludeOpt = Annotated[list[str] | None, typer.Option(
    help="Folders: only check paths matching this glob (repeatable).", show_default=False,
    metavar="GLOB")]
ExcludeOpt = Annotated[list[str] | None, typer.Option(
    help="Folders: skip paths matching this glob (repeatable; also .claimcheckignore).",
    show_default=False, metavar="GLOB")]
TimeoutOpt = Annotated[float, typer.Option(help="URLs: seconds to wait.", min=0.1,
                                           metavar="SECONDS")]
#: where documents are checked (claimcheck.scale)
Engine = StrEnum("Engine", {"local": "local", "dask": "dask"})  # type: ignore[misc]
EngineOpt = Annotated[Engine, typer.Option(
    help="Where documents are checked: local (this machine, --jobs processes) or dask (a "
    "LocalCluster of --jobs workers on 127.0.0.1, or the --scheduler's cluster).")]
SchedulerOpt = Annotated[str | None, typer.Option(
    help="A Dask scheduler to check on (implies --engine dask).", metavar="ADDRESS",
    show_default=False)]


@app.command()
def check(
    ctx: typer.Context,
    inputs: Annotated[list[str] | None, typer.Argument(
        help="Files, folders (searched for .txt .md .html .htm .csv .jsonl .pdf, and web "
        "archives: .warc .warc.gz .arc .arc.gz), URLs "
        "(http/https), or - for stdin. With none, reads piped stdin.",
        show_default=False, metavar="INPUT...")] = None,
    format: Annotated[Format | None, typer.Option(
        "--format", "-f", help="The report's format (default: text; with -o FILE, the "
        "file's extension: .html .json .jsonl .csv .md .sarif).",
        show_default=False)] = None,
    rules: RulesOpt = None,
    disable: DisableOpt = None,
    severity: SeverityOpt = None,
    fail_under: Annotated[int, typer.Option(
        help="Exit 1 when a document scores below this (0 turns it off).", min=0, max=100,
        metavar="SCORE")] = DEFAULT_FAIL_UNDER,
    fail_on: Annotated[Level | None, typer.Option(
        help="Also exit 1 when a counted red flag has at least this severity.",
        show_default=False)] = None,
    model: Annotated[str | None, typer.Option(
        help="Installed spaCy pipeline to use, e.g. en_core_web_sm (falls back to the blank "
        "pipeline if missing).", show_default=False, metavar="NAME")] = None,
    max_bytes: MaxBytesOpt = 20 * 1024 * 1024,
    input_format: InputFormatOpt = InputFormat.auto,
    text_field: TextFieldOpt = "text",
    id_field: IdFieldOpt = "id",
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    timeout: TimeoutOpt = 15.0,
    detector: DetectorOpt = Detector.both,
    output: Annotated[str, typer.Option(
        "--output", "-o", help="Write the report to this file (- for stdout).",
        metavar="FILE", show_default=False)] = "-",
    keep_fields: Annotated[list[str] | None, typer.Option(
        help="csv: also write this column of CSV/JSONL inputs next to each row (repeatable; "
        "JSON always carries them all in 'fields').", metavar="COLUMN",
        show_default=False)] = None,
    summary_only: Annotated[bool, typer.Option(
        "--summary-only", help="Only the ranked summary: one row per document (csv), the "
        "ranked table (text, markdown).")] = False,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", help="Check documents in this many processes; 0 (the default): one "
        "per CPU core for a batch of 8 or more documents, else 1.", min=0, metavar="N")] = 0,
    engine: EngineOpt = Engine.local,
    scheduler: SchedulerOpt = None,
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
    from ..config import find_config, load_config, merge

    def from_cli(key: str) -> bool:  # typer may bundle its own click: compare names
        return getattr(ctx.get_parameter_source(key), "name", "DEFAULT") != "DEFAULT"

    settings = merge(given, load_config(given["config"] or find_config()), from_cli)
    if settings["format"] is not None and not isinstance(settings["format"], Format):
        settings["format"] = Format(settings["format"])
    if settings["fail_on"] is not None and not isinstance(settings["fail_on"], Level):
        settings["fail_on"] = Level(settings["fail_on"])
    return settings


def _inputs(s: dict) -> tuple[list[str], InputOptions]:
    """The inputs to read (standard input when none are named) and how to read them."""
    from ..ingest import input_format

    options = InputOptions(
        input_format=s["input_format"], text_field=s["text_field"], id_field=s["id_field"],
        include=tuple(s["include"] or ()), exclude=tuple(s["exclude"] or ()),
        max_bytes=s["max_bytes"], timeout=float(s["timeout"]))
    input_format(options)  # a bad --input-format fails before spaCy loads
    inputs = list(s["inputs"] or [])
    if not inputs:
        if sys.stdin is None or sys.stdin.closed:
            raise UsageError("no input: give files or folders, or pipe text in")
        if sys.stdin.isatty():
            typer.echo("Paste the clinic's text below, then press Ctrl-D on a new line "
                       "(Ctrl-Z then Enter on Windows).", err=True)
        inputs = ["-"]
    return inputs, options


@contextmanager
def _start_up() -> Iterator[None]:
    """Import spaCy and build the Checker without the cyclic garbage collector, then set what
    was built aside for good (``gc.freeze``): it lives as long as the run, and the collector
    would otherwise scan it again and again (~0.1 s of a short run, ~5% of a batch)."""
    fix_mmap_threshold()  # a long batch's heap would fragment (see heap.py)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _run_check(s: dict) -> int:
    inputs, options = _inputs(s)
    output = s["output"]
    to_file = output not in ("-", "")
    fmt = Format(format_for(s["format"] and s["format"].value, output if to_file else None))
    with _start_up():
        from ..checker import Checker
        from ..scale.run import run_check

        checker = Checker(_ruleset(s["rules"], s["disable"], s["severity"]), model=s["model"],
                          detector=s["detector"])
    if checker.note:
        typer.echo(f"claimcheck: note: {checker.note}", err=True)
    # documents are read, checked and written one by one (here, in --jobs processes or on
    # Dask), so a batch of any size runs in flat memory
    return run_check(s, checker, inputs, options, fmt.value)
