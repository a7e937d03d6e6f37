"""CSV and JSONL files -> one ``Document`` per row, read as a stream.

``source`` is ``FILE:ID`` when the row has a non-empty id field, else ``FILE:row N`` (N is the
1-based data row for CSV and the line number for JSONL). A bad row becomes an error record for
that row and the rest go on; a CSV without the text column is one error record for the file.
``max_bytes`` limits each cell or line, not the file, so a large batch can be streamed. The
row's other columns (advertiser, date, URL...) travel with it as ``fields``.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from typing import IO, Any

from ..types import Document, ErrorInfo
from .decode import no_surrogates

#: error type of "the file has no such text column"; a folder scan skips such CSVs
NO_COLUMN = "column"
_NUL_CHECK = 8192


def _note(field: str) -> str:
    return f"line and column refer to the '{field}' field of this row"


def _row_source(source: str, ident: Any, n: int) -> str:
    if isinstance(ident, bool) or ident is None:
        return f"{source}:row {n}"
    if isinstance(ident, (int, float)):
        return f"{source}:{ident}"
    if isinstance(ident, str) and ident.strip():
        return f"{source}:{no_surrogates(ident.strip())}"
    return f"{source}:row {n}"


def _text_stream(stream: IO[bytes], source: str) -> io.TextIOWrapper | Document:
    """Decode a byte stream: UTF-8 (BOM allowed) or BOM-marked UTF-16; NUL bytes mean binary."""
    head = stream.peek(_NUL_CHECK)[:_NUL_CHECK] if hasattr(stream, "peek") else b""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif b"\x00" in head:
        return Document(source, error=ErrorInfo(
            "binary", "looks like a binary file (contains NUL bytes), not text"))
    else:
        encoding = "utf-8-sig"
    return io.TextIOWrapper(stream, encoding=encoding, newline="")  # type: ignore[arg-type]


def _delimiter(first_line: str) -> str:
    """',' unless the header line is plainly split by ';' or tabs (spreadsheet exports)."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] and counts[","] == 0 else ","


def _set_field_limit(max_bytes: int) -> None:
    """Cells up to ``max_bytes`` (the csv module's default stops at 128 KiB); no larger."""
    csv.field_size_limit(min(max(max_bytes, 1024), 2**31 - 1))


def iter_csv(stream: IO[bytes], source: str, *, text_field: str = "text", id_field: str = "id",
             max_bytes: int) -> Iterator[Document]:
    """One document per data row of a CSV byte stream."""
    text = _text_stream(stream, source)
    if isinstance(text, Document):
        yield text
        return
    _set_field_limit(max_bytes)
    try:
        yield from _csv_rows(text, source, text_field, id_field, max_bytes)
    finally:
        text.detach()  # leave the byte stream open: it may be stdin, closed by its owner


class _Lines:
    """The lines fed to ``csv.reader``, counting the quote marks of the record being read.

    When the reader gives up on a record (a cell over the size limit), the rest of that record
    is skipped: while its quote marks are unbalanced, it is still inside a quoted cell.
    """

    def __init__(self, text: IO[str]) -> None:
        self._lines = iter(text)
        self.quotes = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.quotes += line.count('"')
        return line

    def skip_rest_of_record(self) -> None:
        while self.quotes % 2:
            line = next(self._lines, None)
            if line is None:
                break
            self.quotes += line.count('"')
        self.quotes = 0


def _csv_rows(text: IO[str], source: str, text_field: str, id_field: str,
              max_bytes: int) -> Iterator[Document]:
    row_no = 0
    try:
        first = text.readline()
        header_rows = list(csv.reader([first] if first else [], delimiter=_delimiter(first)))
        if not header_rows or not any(c.strip() for c in header_rows[0]):
            yield Document(source, error=ErrorInfo("csv", "empty CSV file: no header row"))
            return
        delimiter = _delimiter(first)
        header = [c.strip() for c in header_rows[0]]
        col = _column(header, text_field)
        if col is None:
            yield Document(source, error=ErrorInfo(NO_COLUMN, (
                f"no column '{text_field}'; the columns are: "
                + ", ".join(h or "(blank)" for h in header)
                + " (choose one with --text-field)")))
            return
        id_col = _column(header, id_field)
        notes = (_note(header[col]),)
        lines = _Lines(text)
        reader = csv.reader(lines, delimiter=delimiter)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:  # this row is bad (e.g. a huge cell): report it, go on
                row_no += 1
                yield Document(f"{source}:row {row_no}", error=_csv_error(exc, row_no, max_bytes))
                lines.skip_rest_of_record()
                reader = csv.reader(lines, delimiter=delimiter)
                continue
            lines.quotes = 0
            if not row:
                continue  # a blank line is not a row
            row_no += 1
            where = f"{source}:row {row_no}"
            if len(row) != len(header):
                yield Document(where, error=ErrorInfo("csv", (
                    f"row {row_no} has {len(row)} field{'s' if len(row) != 1 else ''}, "
                    f"the header has {len(header)}")))
                continue
            ident = row[id_col] if id_col is not None else None
            fields = tuple((h, no_surrogates(v)) for i, (h, v) in enumerate(zip(header, row,
                                                                                strict=True))
                           if i != col and h)
            yield Document(_row_source(source, ident, row_no), row[col], notes=notes,
                           fields=fields)
        if not row_no:
            yield Document(source, error=ErrorInfo("csv", "the file has a header but no rows"))
    except UnicodeDecodeError as exc:
        yield Document(source, error=ErrorInfo("decode", (
            f"not UTF-8 text after data row {row_no} (invalid byte 0x{exc.object[exc.start]:02x}"
            "); convert it to UTF-8 first")))
    except csv.Error as exc:  # in the header row
        yield Document(source, error=_csv_error(exc, 0, max_bytes))


def _csv_error(exc: csv.Error, row_no: int, max_bytes: int) -> ErrorInfo:
    where = f"data row {row_no}" if row_no else "the header row"
    message = " ".join(str(exc).split())
    if "field larger" in message:
        return ErrorInfo("too_large", f"{where} has a cell larger than the --max-bytes limit "
                         f"of {max_bytes:,}; skipped")
    return ErrorInfo("csv", f"{where} cannot be read ({message}); skipped")


def _column(header: list[str], name: str) -> int | None:
    """The index of a column: exact name first, then ignoring case."""
    if name in header:
        return header.index(name)
    lowered = [h.lower() for h in header]
    return lowered.index(name.lower()) if name.lower() in lowered else None


def iter_jsonl(stream: IO[bytes], source: str, *, text_field: str = "text",
               id_field: str = "id", max_bytes: int) -> Iterator[Document]:
    """One document per JSON object line; blank lines are skipped."""
    notes = (_note(text_field),)
    line_no = 0
    found = False
    while True:
        raw = stream.readline(max_bytes + 1)
        if not raw:
            if not found:
                yield Document(source, error=ErrorInfo("jsonl", "the file has no JSON lines"))
            return
        line_no += 1
        where = f"{source}:row {line_no}"
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the long line
                raw = stream.readline(1024 * 1024)
            yield Document(where, error=ErrorInfo(
                "too_large", f"line {line_no} is over the --max-bytes limit of {max_bytes:,}"))
            continue
        if line_no == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Document(where, error=ErrorInfo("decode", (
                f"line {line_no} is not UTF-8 (invalid byte 0x{raw[exc.start]:02x} at column "
                f"{exc.start + 1})")))
            continue
        if not line.strip():
            continue
        found = True
        yield _jsonl_document(line, line_no, source, text_field, id_field, notes)


def _jsonl_document(line: str, line_no: int, source: str, text_field: str, id_field: str,
                    notes: tuple[str, ...]) -> Document:
    """The document of one non-blank JSONL line, or the error record saying what is wrong."""
    where = f"{source}:row {line_no}"
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return Document(where, error=ErrorInfo(
            "jsonl", f"line {line_no} is not valid JSON ({exc.msg} at column {exc.colno})"))
    except RecursionError:
        return Document(where, error=ErrorInfo(
            "jsonl", f"line {line_no} is nested too deeply to read"))
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        detail = " ".join(str(exc).split())[:120]
        return Document(where, error=ErrorInfo(
            "jsonl", f"line {line_no} cannot be read as JSON ({detail})"))
    if not isinstance(obj, dict):
        return Document(where, error=ErrorInfo(
            "jsonl", f"line {line_no} is a JSON {_json_kind(obj)}, not an object"))
    ident = obj.get(id_field)
    if text_field not in obj:
        keys = no_surrogates(", ".join(map(str, obj))) or "none"
        return Document(_row_source(source, ident, line_no), error=ErrorInfo(
            "jsonl", f"line {line_no} has no '{text_field}' key (its keys: {keys})"))
    value = obj[text_field]
    if not isinstance(value, str):
        return Document(_row_source(source, ident, line_no), error=ErrorInfo(
            "jsonl", f"line {line_no}: '{text_field}' is a JSON {_json_kind(value)}, "
            "not a string"))
    fields = tuple((no_surrogates(str(k)), _field_text(v)) for k, v in obj.items()
                   if k != text_field)
    return Document(_row_source(source, ident, line_no), no_surrogates(value), notes=notes,
                    fields=fields)


def _field_text(value: Any) -> str:
    """A record's other value as text for a report (JSON for lists and objects)."""
    if isinstance(value, str):
        return no_surrogates(value)
    return no_surrogates(json.dumps(value, ensure_ascii=False))


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
