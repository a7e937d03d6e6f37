"""One self-contained HTML page for the whole run: the checked text with every finding marked.

Per document: the score and grade as a coloured badge, the verdict, the full checked text with
each finding highlighted (counted red flags red, mentions that did not count grey and dotted,
good signs green; hover for a summary, click to open its card with why it matters and what to
ask), then the cards, missing disclosures and the score arithmetic. A batch starts with an index
ranked by score, lowest first. Styles and script are inline and a Content-Security-Policy
forbids loading anything, so the page works from a file with no network.

Each highlight is a ``<mark class="hl">`` with ``data-start``/``data-end`` (the finding's character
offsets into the checked text), ``data-rule`` and ``data-card`` (the id of its card). When two
findings overlap without nesting, the later one is split into fragments that repeat its data
attributes; only the first fragment has an ``id``, and the others have the class ``cont``.
The index comes first but needs the whole run, so each document's section is spooled to a
temporary file as it is checked and copied in after the index at the end (see ``spool``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from typing import TextIO

from ..types import DocumentReport, Finding, Report, Signal
from . import RenderContext, SpoolingRenderer
from .common import (
    flat,
    most_serious,
    plain_names,
    points,
    ranked,
    split_quote,
    step_points,
    step_text,
)
from .html_assets import CSP, CSS, JS

# characters that may not appear in HTML text; replaced one for one so offsets still hold
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def esc(text: str) -> str:
    """Text or attribute value, escaped for HTML."""
    return escape(_FORBIDDEN.sub("\ufffd", text), quote=True)


@dataclass(frozen=True)
class Span:
    """One highlight: a finding or a good sign, with what its element shows."""

    start: int
    end: int
    kind: str  # counted | mentioned | signal
    rule: str
    card: str
    title: str
    severity: str = ""

    def open_tag(self, first: bool) -> str:
        classes = f"hl {self.kind}" + (f" sev-{self.severity}" if self.severity else "")
        extra = f' id="{self.card}-hl" tabindex="0"' if first else ""
        if not first:
            classes += " cont"
        return (f'<mark class="{classes}"{extra} data-start="{self.start}" '
                f'data-end="{self.end}" data-rule="{esc(self.rule)}" data-card="{self.card}" '
                f'title="{esc(self.title)}">')


def highlight(text: str, spans: list[Span]) -> str:
    """``text`` escaped, with each span wrapped in properly nested ``<mark>`` elements.

    Spans that contain one another nest; a span that crosses the end of an enclosing one is
    closed there and reopened as a continuation fragment, so the markup stays well formed.
    """
    order = sorted(range(len(spans)), key=lambda i: (spans[i].start, -spans[i].end, i))
    bounds = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    out: list[str] = []
    stack: list[Span] = []
    nxt = pos = 0
    for b in bounds:
        out.append(esc(text[pos:b]))
        pos = b
        if any(s.end <= b for s in stack):
            reopen: list[Span] = []
            while any(s.end <= b for s in stack):
                top = stack.pop()
                out.append("</mark>")
                if top.end > b:
                    reopen.append(top)
            for s in reversed(reopen):
                out.append(s.open_tag(first=False))
                stack.append(s)
        while nxt < len(order) and spans[order[nxt]].start <= b:
            s = spans[order[nxt]]
            nxt += 1
            out.append(s.open_tag(first=True))
            if s.end <= b:  # empty span: nothing to wrap
                out.append("</mark>")
            else:
                stack.append(s)
    out.extend("</mark>" for _ in stack)
    return "".join(out)


def _finding_title(f: Finding) -> str:
    if f.counted:
        head = f"Red flag ({f.severity.value}, -{points(f.weight)} points)"
    else:
        cue = f": {flat(f.cue_words)}" if f.cue_words else ""
        head = f"Mentioned, not claimed ({f.context}{cue}; no points off)"
    return f"{head} {f.rule} {f.name}: {flat(f.message)} Click for why and what to ask."


def _spans(doc: DocumentReport, n: int) -> list[Span]:
    spans = [Span(f.start, f.end, "counted" if f.counted else "mentioned", f.rule,
                  f"d{n}-f{i}", _finding_title(f), f.severity.value)
             for i, f in enumerate(doc.findings, 1)]
    spans += [Span(s.start, s.end, "signal", s.rule, f"d{n}-s{i}",
                   f"Good sign {s.rule}: {s.message or s.name} (+{points(s.weight)} points). "
                   "Click for details.")
              for i, s in enumerate(doc.signals, 1)]
    # a report built without its text (by hand, say) gets cards but no highlights
    return [s for s in spans if s.end <= len(doc.text)]


def _quote(item: Finding | Signal) -> str:
    before, match, after = split_quote(item)
    return f'<p class="q">“{esc(before)}<b>{esc(match)}</b>{esc(after)}”</p>'


def _badge(doc: DocumentReport) -> str:
    if doc.error is not None or doc.score is None:
        return '<span class="badge grade-error"><span class="score">error</span></span>'
    return (f'<span class="badge grade-{esc(doc.grade or "")}" title="score {doc.score} of 100, '
            f'grade {esc(doc.grade or "")}"><span class="score">{doc.score}</span>'
            f'<span class="of">/100</span><span class="grade">{esc(doc.grade or "")}</span></span>')


def _finding_card(f: Finding, card: str, opened: bool = False) -> str:
    kind = "counted" if f.counted else "mentioned"
    if f.counted:
        label = f'<span class="sev">{f.severity.value}</span>'
    else:
        label = f'<span class="sev">{esc(f.context)}</span>'
    cue = f"; cue “{esc(flat(f.cue_words))}”" if f.cue_words else ""
    how = (f"took off {points(f.weight)} points" if f.counted
           else f"not the writer's claim ({esc(f.context)}{cue}): no points off")
    return (f'<details class="card {kind} sev-{f.severity.value}" id="{card}"'
            f'{" open" if opened else ""}>'
            f"<summary>{label} {esc(flat(f.message))}</summary>{_quote(f)}"
            f'<p class="where">{esc(f.rule)} {esc(f.name)} · line {f.line}, column {f.column} · '
            f'{how} · <a href="#{card}-hl">show in the text</a></p>'
            f"<p><b>Why it matters:</b> {esc(flat(f.why))}</p>"
            f"<p><b>What to ask:</b> {esc(flat(f.ask))}</p></details>")


def _signal_card(s: Signal, card: str) -> str:
    return (f'<details class="card signal" id="{card}"><summary><span class="sev">good</span> '
            f"{esc(s.message or s.name)}</summary>{_quote(s)}"
            f'<p class="where">{esc(s.rule)} · line {s.line}, column {s.column} · '
            f'adds up to {points(s.weight)} points · <a href="#{card}-hl">show in the text</a>'
            "</p></details>")


def _arithmetic(doc: DocumentReport) -> str:
    rows = []
    names = plain_names(doc)
    for step in doc.arithmetic:
        cls = ' class="total"' if step.label == "score" else ""
        what, detail = (step.label, step.detail) if step.label in ("start", "score") \
            else step_text(step, names)
        rows.append(f'<tr{cls}><td class="num">{step_points(step)}</td><td>{esc(what)}</td>'
                    f"<td>{esc(detail)}</td></tr>")
    return ('<table class="arith"><thead><tr><th>points</th><th>step</th><th>detail</th></tr>'
            f"</thead><tbody>{''.join(rows)}</tbody></table>")


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def render_document(doc: DocumentReport, n: int, batch: bool, *, text_last: bool = False,
                    open_flags: bool = False) -> str:
    """One document's ``<section>``; ``text_last`` puts the marked text after the explanations
    (the reading order of ``claimcheck serve``'s answer page), ``open_flags`` opens the red
    flags' cards."""
    top = '<a class="top-link" href="#index">back to the index</a>' if batch else ""
    out = [f'<section class="doc" id="doc-{n}"><div class="doc-head">{_badge(doc)}'
           f"<h2>{esc(doc.source)}</h2>{top}</div>"]
    if doc.error is not None:
        out.append(f'<p class="error">Could not check this input: {esc(doc.error.message)}</p>'
                   "</section>")
        return "".join(out)
    counted = [(i, f) for i, f in enumerate(doc.findings, 1) if f.counted]
    mentioned = [(i, f) for i, f in enumerate(doc.findings, 1) if not f.counted]
    out.append(f'<p class="verdict">{esc(doc.verdict)}</p>')
    out += [f'<p class="note">Note: {esc(note)}</p>' for note in doc.notes]
    out.append(f'<p class="counts">{_count(len(counted), "red flag")} · {len(mentioned)} '
               f"mentioned, not claimed · {_count(len(doc.signals), 'good sign')} · "
               f"{len(doc.missing)} missing · {_count(doc.stats.words, 'word')}</p>")
    text_col = ('<div class="text-col"><h3>The text</h3><p class="legend">'
                '<span class="key-counted">red flag</span><span class="key-mentioned">mentioned,'
                ' not claimed</span><span class="key-signal">good sign</span> Hover a marked '
                "passage for a summary, click it for the explanation.</p>"
                f'<div class="text">{_quiet_markdown(highlight(doc.text, _spans(doc, n)))}'
                "</div></div>")
    side = ['<div class="side-col"><p class="toolbar"><button type="button" data-open="1">'
            'open all explanations</button> <button type="button" data-open="0">close all'
            "</button></p>"]
    side.append(f"<h3>Red flags ({len(counted)})</h3>")
    serious = {id(f) for f in most_serious(doc)}  # their explanations are open to start with
    side += [_finding_card(f, f"d{n}-f{i}", open_flags or id(f) in serious)
             for i, f in counted] or ["<p>None found.</p>"]
    if mentioned:
        side.append(f"<h3>Mentioned, not claimed ({len(mentioned)})</h3>"
                    '<p class="meta">Warned against, denied, asked or quoted: these do not lower '
                    "the score.</p>")
        side += [_finding_card(f, f"d{n}-f{i}") for i, f in mentioned]
    if doc.missing:
        side.append(f'<h3>Missing information ({len(doc.missing)})</h3><ul class="missing">')
        side += [f"<li><b>{esc(m.message)}</b> (-{points(m.weight)} points) {esc(m.why)} "
                 f"<i>What to ask:</i> {esc(m.ask)}</li>" for m in doc.missing]
        side.append("</ul>")
    side.append(f"<h3>Good signs ({len(doc.signals)})</h3>")
    side += [_signal_card(s, f"d{n}-s{i}") for i, s in enumerate(doc.signals, 1)] or [
        "<p>None found.</p>"]
    side.append(f"<h3>How the score was computed</h3>{_arithmetic(doc)}</div>")
    side_col = "".join(side)
    if text_last:
        out.append(f'<div class="cols text-last">{side_col}{text_col}</div></section>')
    else:
        out.append(f'<div class="cols">{text_col}{side_col}</div></section>')
    return "".join(out)


#: Markdown syntax at the start of a line (a heading, bullet or quote marker) of the shown text
_MD_LINE = re.compile(r"(^|\n)(#{1,6} |> )")
_MD_EMPHASIS = re.compile(r"\*\*|__")


def _quiet_markdown(html: str) -> str:
    """The shown text with Markdown markers hidden (kept in the page, so offsets still hold):
    a Markdown input reads as prose, not as '## What to expect'."""
    html = _MD_LINE.sub(lambda m: f'{m.group(1)}<span class="md">{m.group(2)}</span>', html)
    return _MD_EMPHASIS.sub(lambda m: f'<span class="md">{m.group(0)}</span>', html)


def render_index(report: Report, numbers: dict[int, int]) -> Iterator[str]:
    """The batch index in parts, a row at a time: documents ranked by score, lowest first,
    linking to their sections (``numbers``: a kept report's id -> its section's number)."""
    failed = {0: "every input checked", 1: "1 input could not be checked"}.get(
        report.errors, f"{report.errors} inputs could not be checked")
    mean = ("" if report.mean_score is None
            else f"; mean score {points(report.mean_score)}, {failed}")
    yield (f'<nav class="index" id="index"><h2>{len(report.documents)} documents ranked by '
           f"score, lowest first{mean}</h2><table><thead><tr><th>rank</th><th>score</th>"
           "<th>red flags</th><th>source</th></tr></thead><tbody>")
    for rank, d in enumerate(ranked(report.documents), 1):
        flags = "-" if d.error is not None else str(len(d.counted_findings))
        why = "" if d.error is None else f' <span class="error">({esc(d.error.message)})</span>'
        yield (f'<tr><td class="num">{rank}</td><td>{_badge(d)}</td>'
               f'<td class="num">{flags}</td>'
               f'<td><a href="#doc-{numbers[id(d)]}">{esc(d.source)}</a>{why}</td></tr>')
    yield "</tbody></table></nav>"


def page_parts(title: str, *, csp: str = CSP, css: str = "") -> tuple[str, str]:
    """What comes before and after a page's body (see ``page``)."""
    head = ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="generator" content="claimcheck">\n'
            f"<title>{esc(title)}</title>\n<style>{CSS}{css}</style>\n</head>\n"
            "<body>\n<main>\n")
    return head, f"\n</main>\n<script>{JS}</script>\n</body>\n</html>\n"


def page(title: str, body: str, *, csp: str = CSP, css: str = "") -> str:
    """A whole page around ``body``: the report's head (CSP, viewport, styles) and its script.

    ``claimcheck serve`` builds its pages with this too, adding its own ``css`` and ``csp``.
    """
    head, tail = page_parts(title, csp=csp, css=css)
    return head + body + tail


class HtmlRenderer(SpoolingRenderer):
    """The page for the whole run, streamed: each document's section is spooled as soon as it
    is checked and copied in after the index at the end, so only the index rows are kept. The
    first document waits for a second one (only a batch's sections link back to the index), so
    a single page is never spooled."""

    def __init__(self, stream: TextIO, context: RenderContext) -> None:
        super().__init__(stream, context)
        self.first: DocumentReport | None = None  # until a second document makes it a batch
        self.written = 0

    def document(self, doc: DocumentReport) -> None:
        self.written += 1
        if self.written == 1:
            self.first = doc
            return
        if self.first is not None:
            self.spool.write(render_document(self.first, 1, True))
            self.first = None
        self.spool.write("\n" + render_document(doc, self.written, True))

    def finish(self, report: Report) -> None:
        docs = report.documents
        title = f"{len(docs)} documents" if len(docs) > 1 else (
            docs[0].source if docs else "no documents")
        head, tail = page_parts(f"claimcheck report: {title}")
        self.stream.write(
            f"{head}<header><h1>claimcheck report</h1>"
            f'<p class="meta">claimcheck {esc(report.tool_version)}, rules '
            f"{esc(report.rules_version)}</p><p class=\"disclaimer\">A reading aid, not medical "
            "or legal advice. Red flags are claims that careful doctors and regulators treat as "
            "warning signs.</p></header>\n")
        if self.first is not None:
            self.stream.write(render_document(self.first, 1, False))
        elif self.written:
            numbers = {id(d): n for n, d in enumerate(docs, 1)}
            for part in render_index(report, numbers):  # a row at a time: 10,000 rows are MBs
                self.stream.write(part)
            self.stream.write("\n")
            self.spool.copy_to(self.stream)
        self.stream.write(tail)
        self.close()
