"""Inputs -> ``Document``s: stdin, files, folders, URLs; HTML, PDF, CSV and JSONL reduced to text.

``iter_documents`` expands what the user named, lazily and in a stable order: ``files`` reads
one file or blob (``decode``, ``html``, ``pdf``), ``records`` streams CSV/JSONL rows, ``warc``
the pages of web archives (WARC/ARC), ``walk`` scans folders, ``fetch`` gets URLs. A document
that cannot be read becomes a ``Document`` with ``error`` set, so a batch reports it and goes
on. Nothing here knows about rules or spaCy.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import UsageError
from ..types import Document, ErrorInfo
from .decode import decode_charset
from .files import (
    DEFAULT_MAX_BYTES,
    SCAN_SUFFIXES,
    document_from_bytes,
    from_bytes,
    kind_from_suffix,
    open_error,
    read_file,
)

__all__ = ["Collected", "Document", "InputOptions", "collect", "document_from_bytes",
           "input_format", "is_url", "iter_documents", "read_file"]

INPUT_FORMATS = ("auto", "text", "html", "csv", "jsonl", "pdf")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+://")


@dataclass(frozen=True)
class InputOptions:
    """How to read inputs; the CLI fills it from its flags (and, later, the config file)."""

    input_format: str = "auto"  # auto | text | html | csv | jsonl | pdf
    text_field: str = "text"  # CSV/JSONL: the column or key that holds the ad text
    id_field: str = "id"  # CSV/JSONL: the column or key that names the row
    include: tuple[str, ...] = ()  # folder scan: only paths matching one of these globs
    exclude: tuple[str, ...] = ()  # folder scan: leave out paths matching these globs
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = 15.0  # URLs: seconds
    #: URLs: called with each URL before it is requested, redirects too (fetch.refuse_private)
    url_guard: Callable[[str], None] | None = None


@dataclass
class Collected:
    """What the inputs expanded to, plus what was skipped and why."""

    documents: list[Document] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)


def input_format(options: InputOptions) -> str:
    """The --input-format value, checked; a bad one is a usage error."""
    value = (options.input_format or "auto").strip().lower()
    if value not in INPUT_FORMATS:
        raise UsageError(f"unknown --input-format {options.input_format!r}; use one of: "
                         + ", ".join(INPUT_FORMATS))
    return value


def iter_documents(inputs: Sequence[str], options: InputOptions | None = None,
                   skipped: dict[str, int] | None = None) -> Iterator[Document]:
    """Expand CLI inputs (files, folders, URLs, '-') into documents lazily, in a stable order.

    Folders pick a reader by suffix; ``--input-format`` forces the reader for stdin, files
    named directly and URLs. Files a folder scan leaves out are counted in ``skipped``.
    """
    options = options or InputOptions()
    fmt = input_format(options)  # checked now, not at the first document
    return _iter(list(inputs), options, fmt, skipped if skipped is not None else {})


def is_url(item: str) -> bool:
    """Does a CLI input look like a URL (``scheme://...``) rather than a path?"""
    return _URL.match(item) is not None


def _iter(inputs: list[str], options: InputOptions, fmt: str,
          skipped: dict[str, int]) -> Iterator[Document]:
    for item in inputs:
        if item == "-":
            docs = _stdin_documents(options, fmt)
        elif is_url(item):
            docs = _url_documents(item, options, fmt)
        elif Path(item).is_dir():
            docs = _folder_documents(Path(item), options, skipped)
        else:
            docs = _path_documents(Path(item), options, fmt, skipped)
        try:
            yield from docs
        except Exception as exc:  # noqa: BLE001 - a reader's bug must not end the whole batch
            detail = " ".join(str(exc).split())[:200]
            yield Document("<stdin>" if item == "-" else item, error=ErrorInfo(
                "read", f"could not read this input ({type(exc).__name__}: {detail})"))


def collect(inputs: Sequence[str], options: InputOptions | None = None, *,
            max_bytes: int | None = None) -> Collected:
    """Expand CLI inputs (files, folders, URLs, '-') into a list of documents."""
    options = options or InputOptions()
    if max_bytes is not None:
        options = replace(options, max_bytes=max_bytes)
    out = Collected()
    out.documents.extend(iter_documents(inputs, options, out.skipped))
    return out


def _records(stream: io.BufferedIOBase, source: str, kind: str,
             options: InputOptions) -> Iterator[Document]:
    from .records import iter_csv, iter_jsonl

    reader = iter_csv if kind == "csv" else iter_jsonl
    return reader(stream, source, text_field=options.text_field,  # type: ignore[arg-type]
                  id_field=options.id_field, max_bytes=options.max_bytes)


def _stdin_documents(options: InputOptions, fmt: str) -> Iterator[Document]:
    stream = sys.stdin.buffer
    if fmt in ("csv", "jsonl"):
        yield from _records(stream, "<stdin>", fmt, options)
        return
    raw = stream.read(options.max_bytes + 1)
    yield from_bytes(raw, "<stdin>", "sniff" if fmt == "auto" else fmt, options.max_bytes)


def _path_documents(path: Path, options: InputOptions, fmt: str,
                    skipped: dict[str, int] | None = None) -> Iterator[Document]:
    kind = (kind_from_suffix(path) or "sniff") if fmt == "auto" else fmt
    if kind == "warc":  # a web archive: one document per page, streamed
        from .warc import iter_archive

        yield from iter_archive(path, options.max_bytes, skipped if skipped is not None else {})
        return
    if kind not in ("csv", "jsonl"):
        yield read_file(path, options.max_bytes, kind=kind)
        return
    try:
        stream = path.open("rb")
    except OSError as exc:
        yield Document(str(path), error=open_error(exc))
        return
    with stream:
        try:
            yield from _records(stream, str(path), kind, options)
        except OSError as exc:  # e.g. an I/O error half-way through
            yield Document(str(path), error=open_error(exc))


def _folder_documents(root: Path, options: InputOptions,
                      skipped: dict[str, int]) -> Iterator[Document]:
    from .records import NO_COLUMN
    from .walk import walk

    for item in walk(root, SCAN_SUFFIXES, skipped, include=options.include,
                     exclude=options.exclude):
        if isinstance(item, Document):
            yield item
            continue
        docs = _path_documents(item, options, "auto", skipped)
        if item.suffix.lower() == ".csv":
            # a spreadsheet of notes beside the ads is not an input: count it, don't fail on it
            first = next(docs, None)
            if first is not None and first.error is not None and first.error.type == NO_COLUMN:
                key = f".csv (no '{options.text_field}' column)"
                skipped[key] = skipped.get(key, 0) + 1
                continue
            if first is not None:
                yield first
        yield from docs


def _url_documents(url: str, options: InputOptions, fmt: str) -> Iterator[Document]:
    from ..version import __version__
    from .fetch import FetchError, fetch

    try:
        response = fetch(url, timeout=options.timeout, max_bytes=options.max_bytes,
                         user_agent=f"claimcheck/{__version__}", guard=options.url_guard)
    except FetchError as exc:
        yield Document(url, error=ErrorInfo(exc.type, exc.message))
        return
    kind = fmt if fmt != "auto" else _kind_from_media(response.media_type, response.url)
    notes = (f"fetched from {response.url} (redirected)",) if response.url != url else ()
    if kind in ("csv", "jsonl"):
        body = response.body
        if response.charset:
            text = decode_charset(body, url, response.charset)
            if isinstance(text, ErrorInfo):
                yield Document(url, error=text)
                return
            body = text.encode("utf-8")
        for doc in _records(io.BufferedReader(io.BytesIO(body)), url, kind, options):
            yield replace(doc, notes=doc.notes + notes)
        return
    doc = from_bytes(response.body, url, kind, options.max_bytes, response.charset)
    yield replace(doc, notes=doc.notes + notes)


def _kind_from_media(media_type: str, url: str) -> str:
    """How to read a response: by its content type, or its URL's suffix when that says little."""
    if media_type in ("text/html", "application/xhtml+xml"):
        return "html"
    if media_type in ("application/pdf", "application/x-pdf"):
        return "pdf"
    if media_type in ("text/csv", "application/csv"):
        return "csv"
    if "json" in media_type and ("nd" in media_type or "lines" in media_type
                                 or media_type.endswith("jsonl")):
        return "jsonl"
    if media_type in ("", "text/plain", "application/json"):
        from urllib.parse import urlsplit

        by_suffix = kind_from_suffix(Path(urlsplit(url).path))
        if by_suffix in ("csv", "jsonl", "pdf", "html"):
            return by_suffix
        return "sniff" if not media_type else "text"
    return "sniff"
