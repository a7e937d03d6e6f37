"""The human report (rich): verdict first, then the most serious claims in plain words.

Written for a patient: each flagged sentence quoted with the flagged words marked, why it
matters and what to ask; rule ids, names and positions only in a dim detail line. Then what
was only mentioned, what the page never tells you, the good signs, and the arithmetic. Colour
only on a terminal (rich also honours NO_COLOR); without colour the flagged words are marked
with ** **. Written to a file or a pipe, paragraphs are never wrapped (so a URL is never cut)
and lines carry no trailing spaces.
"""

from __future__ import annotations

import io
from functools import partial
from typing import TextIO

from rich.box import HEAVY_HEAD
from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..types import Context, DocumentReport, Finding, Report
from . import Encoder, RenderContext, no_text
from .common import (
    most_serious,
    plain_names,
    ranked,
    split_quote,
    step_points,
    step_text,
    where,
)

_GRADE_STYLE = {"A": "bold green", "B": "green", "C": "yellow", "D": "bold red", "F": "bold red"}
_SEVERITY_STYLE = {"high": "red", "medium": "yellow", "low": "cyan"}
_MAX_SENTENCE = 320
#: how many claims lead the report before the full list
LEAD = 4
#: a mention's context in a few words
_MENTIONED = {
    Context.NEGATED: "denied", Context.WARNING: "warned against", Context.QUESTION: "asked",
    Context.QUOTED: "someone else's words", Context.CONDITIONAL: "hypothetical",
    Context.HEADING: "a heading or button", Context.QUALIFIED: "hedged and qualified",
    Context.REFERENCE: "a reference list entry",
    Context.ANSWERED: "answered by its own sentence",
}


class _Console(Console):
    """A rich Console that leaves a closed pipe to the caller (rich would exit with 1)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


class _Stripped(io.TextIOBase):
    """Writes whole lines without trailing spaces (rich pads table cells and wrapped lines)."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self._stream = stream
        self._tail = ""

    def write(self, text: str) -> int:
        lines = (self._tail + text).split("\n")
        self._tail = lines.pop()
        if lines:
            self._stream.write("".join(line.rstrip() + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        if self._tail:
            self._stream.write(self._tail.rstrip())
            self._tail = ""
        self._stream.flush()

    def isatty(self) -> bool:
        return False


def make_console(stream: TextIO, color: bool | None = None) -> Console:
    """A console for ``stream``; colour follows the terminal unless forced. Off a terminal,
    text is not wrapped and trailing spaces are dropped."""
    terminal = _on_terminal(stream)
    return _Console(file=stream if terminal else _Stripped(stream), highlight=False,
                    soft_wrap=not terminal, emoji=False, width=None if terminal else 10_000,
                    no_color=None if color is None else not color,
                    force_terminal=color if color else None)


def _on_terminal(stream: TextIO) -> bool:
    return stream.isatty() if hasattr(stream, "isatty") else False


def document_text(doc: DocumentReport, color: bool | None) -> str:
    """One document's report as ``TextRenderer`` writes it off a terminal."""
    out = io.StringIO()
    console = make_console(out, color)
    render_document(doc, console)
    console.file.flush()
    return out.getvalue()


def _finding_quote(f: Finding, colored: bool) -> Text:
    """The finding's sentence in curly quotes with the flagged words marked."""
    before, marked, after = split_quote(f, _MAX_SENTENCE)
    text = Text("“" + before)
    text.append(marked if colored else f"**{marked}**", style="bold reverse" if colored else "")
    text.append(after + "”")
    return text


def _indented(console: Console, text: Text) -> None:
    if console.soft_wrap:  # not a terminal: one line, whatever its length
        console.print(Text("    ") + text)
    else:
        console.print(Padding(text, (0, 0, 0, 4), expand=False))


def _detail(item: Finding) -> Text:
    model = f", model {item.probability:.0%}" if item.probability is not None else ""
    return Text(f"{item.rule} {item.name} · {where(item)}{model}", style="dim")


def render_document(doc: DocumentReport, console: Console, *, show_all: bool = True) -> None:
    """Write one document's report."""
    console.print(Text("claimcheck report: ", style="bold") + Text(doc.source))
    if doc.error is not None:
        console.print(Text(f"Could not check this input: {doc.error.message}", style="red"))
        console.print()
        return
    grade_style = _GRADE_STYLE.get(doc.grade or "", "")
    console.print(Text.assemble("Score ", (f"{doc.score}/100", grade_style), ", grade ",
                                (doc.grade or "-", grade_style)))
    console.print(doc.verdict)
    console.print()
    colored = console.color_system is not None
    _red_flags(doc, console, colored)
    mentioned = [f for f in doc.findings if not f.counted]
    if mentioned and show_all:
        _mentioned(mentioned, console, colored)
    if doc.missing:
        console.print(Text(f"What the page never tells you ({len(doc.missing)})", style="bold"))
        for m in doc.missing:
            console.print(f" - {m.message}")
            _why_and_ask(console, m.why, m.ask)
        console.print()
    if doc.signals:
        console.print(Text(f"Good signs ({len(doc.signals)})", style="bold"))
        for s in doc.signals:
            console.print(Text(" + ", style="green") + Text(s.message or s.name))
            _indented(console, Text(f"“{_short(s.sentence)}” ({where(s)})", style="dim"))
        console.print()
    _arithmetic(doc, console)


def _why_and_ask(console: Console, why: str, ask: str) -> None:
    _indented(console, Text("Why it matters: ", style="italic") + Text(why))
    _indented(console, Text("What to ask: ", style="italic") + Text(ask))


def _claim(n: int, f: Finding, console: Console, colored: bool, explained: bool) -> None:
    sev = Text(f.severity.value.upper(), style=_SEVERITY_STYLE[f.severity.value])
    console.print(Text(f"{n:>2}. ") + sev + Text(f"  {f.message}"))
    _indented(console, _finding_quote(f, colored))
    if explained:
        _why_and_ask(console, f.why, f.ask)
    _indented(console, _detail(f))


def _red_flags(doc: DocumentReport, console: Console, colored: bool) -> None:
    counted = doc.counted_findings
    if not counted:
        console.print(Text("No red-flag claims found.", style="green"))
        console.print()
        return
    if len(counted) > LEAD:
        console.print(Text(f"The {LEAD} most serious claims (of {len(counted)})", style="bold"))
        for n, f in enumerate(most_serious(doc, LEAD), 1):
            _claim(n, f, console, colored, explained=False)
        console.print()
        console.print(Text(f"All red flags ({len(counted)}), in the order they appear",
                           style="bold"))
        claims = list(counted)
    else:
        console.print(Text(f"Red flags ({len(counted)})", style="bold"))
        claims = most_serious(doc, LEAD)
    for n, f in enumerate(claims, 1):
        _claim(n, f, console, colored, explained=True)
        console.print()


def _mentioned(mentioned: list[Finding], console: Console, colored: bool) -> None:
    console.print(Text(f"Mentioned, not claimed ({len(mentioned)}): these do not lower the "
                       "score", style="bold"))
    for f in mentioned:
        how = _MENTIONED.get(f.context, str(f.context))
        cue = f": “{f.cue_words}”" if f.cue_words else ""
        console.print(Text(" - ") + _finding_quote(f, colored))
        _indented(console, Text(f"{how}{cue} · {f.rule} · {where(f)}", style="dim"))
    console.print()


#: steps smaller than this (far repeats) are added up in one line; JSON keeps each one
_SMALL_STEP = 1.0


def _arithmetic(doc: DocumentReport, console: Console) -> None:
    console.print(Text("How the score was computed", style="bold"))
    names = plain_names(doc)
    flags = {f.rule for f in doc.findings}
    small = [s for s in doc.arithmetic
             if s.label.split(" ")[0] in flags and abs(s.points) < _SMALL_STEP]
    pending = len(small) > 1
    for step in doc.arithmetic:
        value = f"{step_points(step):>6}"
        if pending and step.label.split(" ")[0] not in flags and step.label != "start":
            total = round(sum(s.points for s in small), 2)
            console.print(Text(f"{f'{total:+g}':>6}  {len(small)} smaller steps (far repeats "
                               "of the same kind of claim)")
                          + Text("  (each is in the JSON 'arithmetic')", style="dim"))
            pending = False
        if step.label == "start":
            console.print(f"{value}  start")
        elif step.label == "score":
            console.print(Text(f"{value}  ({step.detail})", style="bold"))
        elif len(small) <= 1 or step not in small:
            what, detail = step_text(step, names)
            console.print(Text(f"{value}  {what}") + Text(f"  ({detail})", style="dim"))
    console.print()


def _short(sentence: str, limit: int = 140) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


#: the summary's columns: heading, and whether the cells are right-aligned
_SUMMARY_COLUMNS = (("rank", True), ("score", True), ("grade", False), ("red flags", True),
                    ("source", False))


def render_summary(report: Report, console: Console) -> None:
    """The batch table, worst score first; inputs that failed come last."""
    title = f"{len(report.documents)} documents, ranked by score (lowest first)"
    rows = []
    for n, d in enumerate(ranked(report.documents), 1):
        if d.error is not None:
            rows.append((str(n), "-", "error", "-", f"{d.source} ({d.error.message})"))
        else:
            rows.append((str(n), str(d.score), d.grade, str(len(d.counted_findings)), d.source))
    if not _plain_table(console, title, rows):
        table = Table(title=title, title_justify="left")
        for heading, right in _SUMMARY_COLUMNS:
            table.add_column(heading, justify="right" if right else "left",
                             overflow="fold" if heading == "source" else "ellipsis")
        for row in rows:
            table.add_row(*map(Text, row))  # as written: "[x]" in a file name is no markup
        console.print(table)
    if report.mean_score is not None:
        failed = {0: "every input was checked", 1: "1 input could not be checked"}.get(
            report.errors, f"{report.errors} inputs could not be checked")
        console.print(f"mean score {report.mean_score:g}; {failed}")


def _plain_table(console: Console, title: str, rows: list[tuple[str, ...]]) -> bool:
    """Off a terminal and without colour: write the summary table a line at a time, as rich
    draws it (same box, padding and alignment), and say so. rich lays out a whole table in
    memory first: 33 MiB for 10,000 rows, so a crawl's summary grew without bound. Cells are
    written as they are (rich would read "[x]" in a file name as markup). A layout only rich
    can do (a cell with a line break, a table wider than the console) is left to it."""
    if console.is_terminal or console.color_system is not None:
        return False
    cells = [tuple(heading for heading, _ in _SUMMARY_COLUMNS), *rows]
    if any(not cell.isprintable() for row in cells for cell in row):
        return False
    widths = [max(cell_len(row[k]) for row in cells) for k in range(len(_SUMMARY_COLUMNS))]
    width = sum(widths) + 3 * len(widths) + 1  # each cell padded by a space, and the rules
    if width > console.width:
        return False
    console.print(Text(title, justify="left"), width=width)
    out = console.file
    box = HEAVY_HEAD

    def rule(left: str, line: str, cross: str, right: str) -> str:
        return left + cross.join(line * (w + 2) for w in widths) + right + "\n"

    def row(edges: tuple[str, str, str], values: tuple[str, ...]) -> str:
        parts = []
        for (_, right), width, value in zip(_SUMMARY_COLUMNS, widths, values, strict=True):
            pad = " " * (width - cell_len(value))
            parts.append(f" {pad}{value} " if right else f" {value}{pad} ")
        return edges[0] + edges[1].join(parts) + edges[2] + "\n"

    out.write(rule(box.top_left, box.top, box.top_divider, box.top_right))
    out.write(row((box.head_left, box.head_vertical, box.head_right), cells[0]))
    out.write(rule(box.head_row_left, box.head_row_horizontal, box.head_row_cross,
                   box.head_row_right))
    for values in rows:
        out.write(row((box.mid_left, box.mid_vertical, box.mid_right), values))
    out.write(rule(box.bottom_left, box.bottom, box.bottom_divider, box.bottom_right))
    return True


class TextRenderer:
    """The human report: each document as it is checked, then the batch summary; with
    ``--summary-only``, just the ranked table."""

    keeps = "summary"  # the batch summary ranks the documents

    def __init__(self, stream: TextIO, context: RenderContext) -> None:
        self.console = make_console(stream, context.color)
        self.summary_only = context.summary_only
        self.color = context.color
        self.terminal = _on_terminal(stream)

    def document(self, doc: DocumentReport) -> None:
        if not self.summary_only:
            render_document(doc, self.console)

    def encoder(self) -> Encoder | None:
        """Off a terminal a document's text is the same wherever it is made (on a terminal
        it depends on the terminal's width: this process writes it)."""
        if self.summary_only:
            return no_text
        return None if self.terminal else partial(document_text, color=self.color)

    def write_encoded(self, text: str) -> None:
        self.console.file.write(text)

    def finish(self, report: Report) -> None:
        if len(report.documents) > 1 or self.summary_only:
            render_summary(report, self.console)
        self.console.file.flush()
