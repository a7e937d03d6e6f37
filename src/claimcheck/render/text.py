"""The human report (rich): verdict first, then each flag explained, good signs, the arithmetic.

Written for a patient: plain words, the sentence quoted with the flagged words marked, why it
matters and what to ask. Colour only on a terminal (rich also honours NO_COLOR); without colour
the flagged words are marked with ** **.
"""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..types import DocumentReport, Finding, Report
from . import RenderContext
from .common import ranked, split_quote, step_points

_GRADE_STYLE = {"A": "bold green", "B": "green", "C": "yellow", "D": "bold red", "F": "bold red"}
_SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}
_MAX_SENTENCE = 320


class _Console(Console):
    """A rich Console that leaves a closed pipe to the caller (rich would exit with 1)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def make_console(stream: TextIO, color: bool | None = None) -> Console:
    """A console for ``stream``; colour follows the terminal unless forced."""
    return _Console(file=stream, highlight=False, soft_wrap=False, emoji=False,
                   no_color=None if color is None else not color,
                   force_terminal=color if color else None)


def _finding_quote(f: Finding, colored: bool) -> Text:
    """The finding's sentence in curly quotes with the flagged words marked."""
    before, marked, after = split_quote(f, _MAX_SENTENCE)
    text = Text("“" + before)
    text.append(marked if colored else f"**{marked}**", style="bold reverse" if colored else "")
    text.append(after + "”")
    return text


def render_document(doc: DocumentReport, console: Console, *, show_all: bool = True) -> None:
    """Write one document's report."""
    console.print(Text("claimcheck report: ", style="bold") + Text(doc.source))
    if doc.error is not None:
        console.print(Text(f"Could not check this input: {doc.error.message}", style="bold red"))
        console.print()
        return
    grade_style = _GRADE_STYLE.get(doc.grade or "", "")
    console.print(Text.assemble(("Score ", "bold"), (f"{doc.score}/100", grade_style),
                                ("  grade ", "bold"), (doc.grade or "-", grade_style)))
    console.print(doc.verdict)
    console.print()
    colored = console.color_system is not None
    _red_flags(doc, console, colored)
    mentioned = [f for f in doc.findings if not f.counted]
    if mentioned and show_all:
        _mentioned(mentioned, console, colored)
    if doc.missing:
        console.print(Text(f"Missing information ({len(doc.missing)})", style="bold underline"))
        for m in doc.missing:
            console.print(Text(" - ") + Text(m.message, style="bold"))
            _why_and_ask(console, m.why, m.ask)
        console.print()
    if doc.signals:
        console.print(Text(f"Good signs ({len(doc.signals)})", style="bold underline"))
        for s in doc.signals:
            line = Text(" + ", style="green") + Text(s.name, style="green")
            line.append(f"  line {s.line}: “{_short(s.sentence)}”", style="dim")
            console.print(line)
        console.print()
    _arithmetic(doc, console)


def _why_and_ask(console: Console, why: str, ask: str) -> None:
    console.print(Padding(Text("Why it matters: ", style="bold") + Text(why), (0, 0, 0, 3),
                          expand=False))
    console.print(Padding(Text("What to ask: ", style="bold") + Text(ask), (0, 0, 0, 3),
                          expand=False))


def _red_flags(doc: DocumentReport, console: Console, colored: bool) -> None:
    counted = doc.counted_findings
    if not counted:
        console.print(Text("No red-flag claims found.", style="bold green"))
        console.print()
        return
    console.print(Text(f"Red flags ({len(counted)})", style="bold underline"))
    for n, f in enumerate(counted, 1):
        sev = Text(f.severity.value.upper(), style=_SEVERITY_STYLE[f.severity.value])
        head = Text(f"{n}. ") + sev + Text(f"  {f.message}  ", style="bold")
        head.append(f"[{f.rule} {f.name}, line {f.line}, column {f.column}]", style="dim")
        console.print(head)
        console.print(Padding(_finding_quote(f, colored), (0, 0, 0, 3), expand=False))
        _why_and_ask(console, f.why, f.ask)
        console.print()


def _mentioned(mentioned: list[Finding], console: Console, colored: bool) -> None:
    console.print(Text(f"Mentioned, not claimed ({len(mentioned)}): these do not lower the "
                       "score", style="bold underline"))
    for f in mentioned:
        line = Text(f" - line {f.line}: ") + _finding_quote(f, colored)
        line.append(f"  ({f.context}" + (f": “{f.cue_words}”" if f.cue_words else "")
                    + f"; {f.rule})", style="dim")
        console.print(line)
    console.print()


def _arithmetic(doc: DocumentReport, console: Console) -> None:
    console.print(Text("How the score was computed", style="bold underline"))
    for step in doc.arithmetic:
        if step.label == "start":
            console.print(f"  {step_points(step)}  start")
        elif step.label == "score":
            console.print(Text(f"  {step_points(step)}  ({step.detail})", style="bold"))
        else:
            console.print(f"  {step_points(step)}  {step.label}  ({step.detail})")
    console.print()


def _short(sentence: str, limit: int = 140) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def render_summary(report: Report, console: Console) -> None:
    """The batch table, worst score first; inputs that failed come last."""
    table = Table(title=f"{len(report.documents)} documents, ranked by score (lowest first)",
                  title_justify="left")
    table.add_column("rank", justify="right")
    table.add_column("score", justify="right")
    table.add_column("grade")
    table.add_column("red flags", justify="right")
    table.add_column("source", overflow="fold")
    for n, d in enumerate(ranked(report.documents), 1):
        if d.error is not None:
            table.add_row(str(n), "-", "error", "-", f"{d.source} ({d.error.message})")
        else:
            table.add_row(str(n), str(d.score), d.grade, str(len(d.counted_findings)), d.source)
    console.print(table)
    if report.mean_score is not None:
        console.print(f"mean score {report.mean_score:g}; {report.errors} input(s) failed")


class TextRenderer:
    """The human report: each document as it is checked, then the batch summary."""

    def __init__(self, stream: TextIO, context: RenderContext) -> None:
        self.console = make_console(stream, context.color)

    def document(self, doc: DocumentReport) -> None:
        render_document(doc, self.console)

    def finish(self, report: Report) -> None:
        if len(report.documents) > 1:
            render_summary(report, self.console)
