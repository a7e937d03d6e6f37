"""CSV for spreadsheets: one row per finding, or one row per document with ``--summary-only``.

Per finding (the default), the columns are::

    source, score, grade, rule, name, category, severity, context, counted, weight,
    line, column, start, end, match, sentence, message, error

Every finding is a row, including the mentions that did not lower the score (``counted`` is
``false``), so a reader can filter either way. A document without findings still gets one row
with the finding columns empty, and an input that could not be read gets a row with ``error``
filled in. With ``--summary-only`` there is one row per document::

    source, score, grade, verdict, red_flags, mentioned, good_signs, missing, words, error

Finding rows come in input order and are written as each document finishes; summary rows
are ranked by score, lowest (most worrying) first, and written at the end.

Written to a file (``-o``), the CSV is UTF-8 and starts with a byte-order mark (BOM,
``U+FEFF``): without it Excel takes the file for the local 8-bit code page and mangles curly
quotes and accents. On standard output there is no BOM (a pipe is read by programs). Python's
``csv`` module and pandas read it with ``encoding="utf-8-sig"``. Rows end with CRLF (RFC 4180).

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and the
quoted text comes from web pages anyone can write, so such text cells get a leading ``'``
(the usual guard against CSV injection); numbers are written as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from functools import partial
from typing import TextIO

from ..types import DocumentReport, Finding, Report
from . import Encoder, EncodingRenderer, RenderContext, no_text
from .common import points, ranked

BOM = "\ufeff"
FINDING_COLUMNS = ("source", "score", "grade", "rule", "name", "category", "severity", "context",
                   "counted", "weight", "line", "column", "start", "end", "match", "sentence",
                   "message", "error")
SUMMARY_COLUMNS = ("source", "score", "grade", "verdict", "red_flags", "mentioned", "good_signs",
                   "missing", "words", "error")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(text: str) -> str:
    """Text for a cell that a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def _document_cells(doc: DocumentReport) -> list[str]:
    return [safe(doc.source), _number(doc.score), doc.grade or ""]


def _finding_cells(f: Finding) -> list[str]:
    return [f.rule, f.name, f.category, f.severity.value, f.context,
            "true" if f.counted else "false", points(f.weight), str(f.line), str(f.column),
            str(f.start), str(f.end), safe(f.match), safe(f.sentence), safe(f.message)]


def finding_rows(doc: DocumentReport) -> list[list[str]]:
    """One row per finding (or one row for a document without any)."""
    error = safe(doc.error.message) if doc.error else ""
    if not doc.findings:
        return [_document_cells(doc) + [""] * 14 + [error]]
    return [_document_cells(doc) + _finding_cells(f) + [error] for f in doc.findings]


def summary_row(doc: DocumentReport) -> list[str]:
    """One row for a document."""
    if doc.error is not None:
        return [safe(doc.source), "", "", "", "", "", "", "", "", safe(doc.error.message)]
    counted = len(doc.counted_findings)
    return [safe(doc.source), _number(doc.score), doc.grade or "", safe(doc.verdict),
            str(counted), str(len(doc.findings) - counted), str(len(doc.signals)),
            str(len(doc.missing)), str(doc.stats.words), ""]


def _kept(row: list[str], values: Iterable[str], keep: Sequence[str]) -> list[str]:
    """A row with the ``--keep-fields`` columns after ``source``."""
    return row[:1] + list(values) + row[1:] if keep else row


def _values(doc: DocumentReport, keep: Sequence[str]) -> list[str]:
    fields = dict(doc.fields)
    return [safe(fields.get(name, "")) for name in keep]


def _writer(stream: TextIO):  # type: ignore[no-untyped-def]
    return csv.writer(stream, lineterminator="\r\n")


def finding_text(doc: DocumentReport, keep: Sequence[str]) -> str:
    """A document's finding rows as CSV text."""
    out = io.StringIO()
    values = _values(doc, keep)
    _writer(out).writerows(_kept(row, values, keep) for row in finding_rows(doc))
    return out.getvalue()


class CsvRenderer(EncodingRenderer):
    """CSV rows as each document finishes; the header (after the BOM) comes first. Columns
    named by ``--keep-fields`` follow ``source``, filled from each CSV/JSONL input record."""

    def __init__(self, stream: TextIO, context: RenderContext) -> None:
        super().__init__(stream, context)
        self.summary_only = context.summary_only
        self.keep = context.keep_fields
        self.bom = context.to_file
        self.writer = _writer(stream)
        self.started = False
        # the ranked summary is written at the end; finding rows as each document comes
        self.keeps = "summary" if self.summary_only else "none"

    def _start(self) -> None:
        if not self.started:
            self.started = True
            if self.bom:
                self.stream.write(BOM)
            columns = SUMMARY_COLUMNS if self.summary_only else FINDING_COLUMNS
            self.writer.writerow(_kept(list(columns), self.keep, self.keep))

    def encoder(self) -> Encoder:
        # the summary is ranked: written when every document is in
        return no_text if self.summary_only else partial(finding_text, keep=self.keep)

    def write_encoded(self, text: str) -> None:
        if self.summary_only:
            return
        self._start()
        self.stream.write(text)
        self.stream.flush()

    def finish(self, report: Report) -> None:
        self._start()
        if self.summary_only:
            self.writer.writerows(_kept(summary_row(d), _values(d, self.keep), self.keep)
                                  for d in ranked(report.documents))
