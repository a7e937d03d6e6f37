"""A Markdown report to paste into notes: each document as it finishes, then a ranked table.

Per document: a heading with the source, score and grade, the verdict, a table of the counted
red flags (line, severity, rule, the sentence with the flagged words in bold, why it matters),
the words only mentioned, what the page leaves out, the good signs and the score arithmetic.
Quoted text is escaped so that ``|``, ``*``, ``_``, backticks, ``<`` and ``>`` in a page show as
themselves instead of breaking a table or turning into formatting or HTML.
"""

from __future__ import annotations

import re
from typing import TextIO

from ..types import DocumentReport, Finding, Report, Signal
from . import Encoder, EncodingRenderer, RenderContext, no_text
from .common import flat, plain_names, points, ranked, split_quote, step_points, step_text

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")


def escape(text: str) -> str:
    """Plain text as Markdown that shows the same characters, on one line."""
    return _ENTITY.sub("&amp;", _SPECIAL.sub(r"\\\1", flat(text)))


def quote(item: Finding | Signal) -> str:
    """The sentence in curly quotes with the matched words in bold."""
    before, match, after = split_quote(item)
    # bold only works when the ** touch the words, so keep edge spaces outside it
    core = match.strip()
    lead, trail = match[: len(match) - len(match.lstrip())], match[len(match.rstrip()):]
    bold = f"**{escape(core)}**" if core else ""
    return f"“{escape(before)}{lead}{bold}{trail}{escape(after)}”"


def render_document(doc: DocumentReport) -> str:
    """One document's section."""
    out: list[str] = []
    if doc.error is not None:
        out += [f"## {escape(doc.source)}: not checked", "",
                f"Could not check this input: {escape(doc.error.message)}", ""]
        return "\n".join(out) + "\n"
    out += [f"## {escape(doc.source)}: score {doc.score}/100, grade {doc.grade}", "",
            f"**{escape(doc.verdict)}**", ""]
    out += [f"> Note: {escape(n)}" for n in doc.notes]
    if doc.notes:
        out.append("")
    counted = doc.counted_findings
    mentioned = [f for f in doc.findings if not f.counted]
    if counted:
        out += [f"### Red flags ({len(counted)})", "",
                "| line | severity | rule | quote | why it matters |",
                "| ---: | --- | --- | --- | --- |"]
        for f in counted:
            out.append(f"| {f.line} | {f.severity.value} | {f.rule} {escape(f.name)} | "
                       f"{quote(f)} | {escape(f.why)} |")
        out.append("")
    else:
        out += ["No red-flag claims found.", ""]
    if mentioned:
        out += [f"### Mentioned, not claimed ({len(mentioned)})", "",
                "These do not lower the score.", ""]
        for f in mentioned:
            cue = f": “{escape(f.cue_words)}”" if f.cue_words else ""
            out.append(f"- line {f.line}: {quote(f)} ({f.context}{cue}; {f.rule})")
        out.append("")
    if doc.missing:
        out += [f"### Missing information ({len(doc.missing)})", ""]
        for m in doc.missing:
            out.append(f"- **{escape(m.message)}** {escape(m.why)} *Ask:* {escape(m.ask)}")
        out.append("")
    if doc.signals:
        out += [f"### Good signs ({len(doc.signals)})", ""]
        for s in doc.signals:
            out.append(f"- {escape(s.message or s.name)} ({s.rule}, line {s.line}): {quote(s)}")
        out.append("")
    out += ["### How the score was computed", "", "| points | step | detail |",
            "| ---: | --- | --- |"]
    names = plain_names(doc)
    for step in doc.arithmetic:
        value = f"**{step_points(step)}**" if step.label == "score" else step_points(step)
        what, detail = (step.label, step.detail) if step.label in ("start", "score") \
            else step_text(step, names)
        out.append(f"| {value} | {escape(what)} | {escape(detail)} |")
    out.append("")
    return "\n".join(out) + "\n"


def render_summary(report: Report) -> str:
    """The batch table, lowest score first; inputs that failed come last."""
    out = [f"## Summary: {len(report.documents)} documents, ranked by score (lowest first)", "",
           "| rank | score | grade | red flags | source |", "| ---: | ---: | --- | ---: | --- |"]
    for n, d in enumerate(ranked(report.documents), 1):
        if d.error is not None:
            out.append(f"| {n} | - | error | - | {escape(d.source)} "
                       f"({escape(d.error.message)}) |")
        else:
            out.append(f"| {n} | {d.score} | {d.grade} | {len(d.counted_findings)} | "
                       f"{escape(d.source)} |")
    out.append("")
    if report.mean_score is not None:
        failed = {0: "every input was checked", 1: "1 input could not be checked"}.get(
            report.errors, f"{report.errors} inputs could not be checked")
        out += [f"Mean score {points(report.mean_score)}; {failed}.", ""]
    return "\n".join(out) + "\n"


class MarkdownRenderer(EncodingRenderer):
    """A title, each document as it finishes, the ranked summary for a batch (with
    ``--summary-only``, just the summary)."""

    keeps = "summary"  # the batch summary ranks the documents

    def __init__(self, stream: TextIO, context: RenderContext) -> None:
        super().__init__(stream, context)
        self.started = False

    def _start(self) -> None:
        if not self.started:
            self.started = True
            self.stream.write(f"# claimcheck report\n\nclaimcheck {self.context.tool_version}, "
                              f"rules {self.context.rules_version}. A reading aid, not medical "
                              "or legal advice.\n\n")

    def encoder(self) -> Encoder:
        return no_text if self.context.summary_only else render_document

    def write_encoded(self, text: str) -> None:
        self._start()
        self.stream.write(text)
        self.stream.flush()

    def finish(self, report: Report) -> None:
        self._start()
        if len(report.documents) > 1 or self.context.summary_only:
            self.stream.write(render_summary(report))
