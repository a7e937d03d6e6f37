"""The human report (rich): verdict first, then each flag explained, good signs, the arithmetic.

Written for a patient: plain words, the sentence quoted with the flagged words marked, why it
matters and what to ask. Colour only on a terminal (rich also honours NO_COLOR); without colour
the flagged words are marked with ** **.
"""

from __future__ import annotations

import re
from typing import TextIO

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..models import DocumentReport, Finding, Report
from . import RenderContext

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


def quote(finding_sentence: str, start: int, end: int, colored: bool, style: str) -> Text:
    """The sentence with [start, end) marked; long sentences are cut around the mark."""
    s, e = start, end
    left, right = _flat(finding_sentence[:s]), _flat(finding_sentence[e:])
    room = max(40, (_MAX_SENTENCE - (e - s)) // 2)
    if len(left) > room:
        left = "…" + left[-room:].lstrip()
    if len(right) > room:
        right = right[:room].rstrip() + "…"
    text = Text("“" + left)
    marked = _flat(finding_sentence[s:e])
    text.append(marked if colored else f"**{marked}**", style=style if colored else "")
    text.append(right + "”")
    return text


def _finding_quote(f: Finding, colored: bool) -> Text:
    return quote(f.sentence, f.start - f.sentence_start, f.end - f.sentence_start, colored,
                 "bold reverse")


def render_document(doc: DocumentReport, console: Console, *, show_all: bool = True) -> None:
    """Write one document's report."""
    colored = console.color_system is not None
    console.print(Text("claimcheck report: ", style="bold") + Text(doc.source))
    if doc.error is not None:
        console.print(Text(f"Could not check this input: {doc.error.message}", style="bold red"))
        console.print()
        return
    grade_style = _GRADE_STYLE.get(doc.grade or "", "")
    console.print(Text.assemble(("Score ", "bold"), (f"{doc.score}/100", grade_style),
                                ("  grade ", "bold"), (doc.grade or "-", grade_style)))
    console.print(doc.verdict)
    counted = [f for f in doc.findings if f.counted]
    mentioned = [f for f in doc.findings if not f.counted]
    console.print()
    if counted:
        console.print(Text(f"Red flags ({len(counted)})", style="bold underline"))
        for n, f in enumerate(counted, 1):
            sev = Text(f.severity.value.upper(), style=_SEVERITY_STYLE[f.severity.value])
            head = Text(f"{n}. ") + sev + Text(f"  {f.message}  ", style="bold")
            head.append(f"[{f.rule} {f.name}, line {f.line}, column {f.column}]", style="dim")
            console.print(head)
            console.print(Padding(_finding_quote(f, colored), (0, 0, 0, 3), expand=False))
            console.print(Padding(Text("Why it matters: ", style="bold") + Text(f.why),
                                  (0, 0, 0, 3), expand=False))
            console.print(Padding(Text("What to ask: ", style="bold") + Text(f.ask),
                                  (0, 0, 0, 3), expand=False))
            console.print()
    else:
        console.print(Text("No red-flag claims found.", style="bold green"))
        console.print()
    if mentioned and show_all:
        console.print(Text(f"Mentioned, not claimed ({len(mentioned)}): these do not lower the "
                           "score", style="bold underline"))
        for f in mentioned:
            line = Text(f" - line {f.line}: ") + _finding_quote(f, colored)
            line.append(f"  ({f.context}" + (f": “{f.cue}”" if f.cue and f.cue != "?" else "")
                        + f"; {f.rule})", style="dim")
            console.print(line)
        console.print()
    if doc.missing:
        console.print(Text(f"Missing information ({len(doc.missing)})", style="bold underline"))
        for m in doc.missing:
            console.print(Text(" - ") + Text(m.message, style="bold"))
            console.print(Padding(Text("Why it matters: ", style="bold") + Text(m.why),
                                  (0, 0, 0, 3), expand=False))
            console.print(Padding(Text("What to ask: ", style="bold") + Text(m.ask),
                                  (0, 0, 0, 3), expand=False))
        console.print()
    if doc.signals:
        console.print(Text(f"Good signs ({len(doc.signals)})", style="bold underline"))
        for s in doc.signals:
            line = Text(" + ", style="green") + Text(s.name, style="green")
            line.append(f"  line {s.line}: “{_short(s.sentence)}”", style="dim")
            console.print(line)
        console.print()
    console.print(Text("How the score was computed", style="bold underline"))
    for step in doc.arithmetic:
        if step.label == "start":
            console.print(f"  {step.points:g}  start")
        elif step.label == "score":
            console.print(Text(f"  = {step.points:g}  ({step.detail})", style="bold"))
        else:
            sign = "+" if step.points >= 0 else "-"
            console.print(f"  {sign}{abs(step.points):g}  {step.label}  ({step.detail})")
    console.print()


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


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
    ranked = sorted(report.documents, key=lambda d: (d.score is None, d.score or 0, d.source))
    for n, d in enumerate(ranked, 1):
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
