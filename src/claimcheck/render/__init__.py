"""Renderers: one module per output format, all behind one small streaming interface.

A renderer is made with the output stream and a ``RenderContext``; ``document()`` is called for
each document as soon as it is checked (streaming formats write it then), ``finish()`` once with
the whole ``Report`` (slimmed to what ``keeps`` says), and ``close()``, where a renderer has it,
once the run is over, even a failed one. Renderers read nothing else.

Formats whose part for a document is made from that report alone (json, jsonl, csv, line,
github, markdown, and text off a terminal) split ``document()`` in two: ``encoder()`` gives the
function from a report to its text (or None: this renderer writes documents itself) and
``write_encoded()`` writes that text. With ``--jobs`` the workers run the encoder where they
checked the document, and the parent only writes text (``Encoded``): it no longer unpickles and
serialises every finding of the batch itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Protocol, TextIO

from ..types import DocumentReport, Report
from .spool import Spool


@dataclass(frozen=True)
class RenderContext:
    """What a renderer may know besides the reports."""

    tool_version: str
    rules_version: str
    model_version: str = ""
    color: bool | None = None  # None: colour only on a terminal (and never with NO_COLOR)
    summary_only: bool = False  # text, csv, markdown: the ranked summary only
    to_file: bool = False  # written to a file named with -o (csv: with a byte-order mark)
    keep_fields: tuple[str, ...] = ()  # csv: input record columns written next to each row


#: a report -> the text its renderer writes for it; picklable (a module-level function or a
#: partial of one), so a worker process can run it
Encoder = Callable[[DocumentReport], str]


@dataclass(frozen=True)
class Encoded:
    """A report already turned into its renderer's text where it was checked, with what the
    end of the run keeps of it (``DocumentReport.slim``)."""

    report: DocumentReport
    text: str


class Renderer(Protocol):
    #: what ``finish`` reads of each document (see ``DocumentReport.slim``): "all",
    #: "findings" (all but the checked text), "summary" (a ranked row: scores and counts) or
    #: "none" (the summary line's counts)
    keeps: str

    def document(self, doc: DocumentReport) -> None: ...

    def finish(self, report: Report) -> None: ...


class SpoolingRenderer:
    """Base for formats whose end of run comes first (html, sarif): ``document()`` spools each
    document's part (see ``spool.Spool``), ``finish()`` writes the summary, then the spool, and
    ``close()`` drops the spool, also when the run fails before ``finish()``."""

    keeps = "summary"

    def __init__(self, stream: TextIO, context: RenderContext) -> None:
        self.stream = stream
        self.context = context
        self.spool = Spool()

    def close(self) -> None:
        self.spool.close()


class EncodingRenderer:
    """Base for formats whose part for a document is a text made from that report alone:
    define ``encoder()`` (the function that makes it) and, if the text is not simply written
    and flushed, ``write_encoded()``."""

    keeps = "none"

    def __init__(self, stream: TextIO, context: RenderContext) -> None:
        self.stream = stream
        self.context = context

    def encoder(self) -> Encoder:
        raise NotImplementedError

    def document(self, doc: DocumentReport) -> None:
        self.write_encoded(self.encoder()(doc))

    def write_encoded(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def finish(self, report: Report) -> None:
        pass


def no_text(doc: DocumentReport) -> str:
    """The encoder of a renderer that writes nothing per document (a ranked summary only)."""
    return ""


def joined_lines(lines_of: Callable[[DocumentReport], list[str]], doc: DocumentReport) -> str:
    """A document's lines (as ``lines_of`` makes them), each ended by a newline."""
    return "".join(line + "\n" for line in lines_of(doc))


#: format name -> "module:class" under claimcheck.render
FORMATS: dict[str, str] = {
    "text": "text:TextRenderer",
    "json": "json:JsonRenderer",
    "jsonl": "json:JsonlRenderer",
    "line": "line:PathLineRenderer",
    "csv": "csv:CsvRenderer",
    "markdown": "markdown:MarkdownRenderer",
    "html": "html:HtmlRenderer",
    "sarif": "sarif:SarifRenderer",
    "github": "github:GithubRenderer",
}


#: formats that have a summary-only form (--summary-only)
SUMMARY_FORMATS = ("text", "csv", "markdown")
#: the format an output file's extension asks for (-o report.html)
EXTENSIONS = {".txt": "text", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
              ".csv": "csv", ".md": "markdown", ".markdown": "markdown", ".html": "html",
              ".htm": "html", ".sarif": "sarif"}


def format_for(explicit: str | None, output: str | None) -> str:
    """The output format: the one asked for, else the output file's extension, else text
    (as ruff and yamllint do, piping a report does not change its format)."""
    if explicit:
        return explicit
    if output:
        suffix = output.lower()[output.rfind("."):] if "." in output else ""
        return EXTENSIONS.get(suffix, "text")
    return "text"


def make_renderer(fmt: str, stream: TextIO, context: RenderContext) -> Renderer:
    """The renderer for a format name (see FORMATS)."""
    module, cls = FORMATS[fmt].split(":")
    return getattr(import_module(f"{__name__}.{module}"), cls)(stream, context)
