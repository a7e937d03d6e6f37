"""Inputs -> ``Document``s: stdin, files, folders, URLs; HTML, PDF, CSV and JSONL reduced to text.

A document that cannot be read becomes a ``Document`` with ``error`` set, so a batch reports it
and goes on. Readers live beside this module (htmltext, pdftext, records, fetch, scan) and are
imported when first needed, so checking a plain text file does not load trafilatura or pypdf.
Nothing here knows about rules or spaCy.
"""

from __future__ import annotations

import codecs
import io
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import UsageError
from .models import ErrorInfo

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
RECORD_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl"}
PDF_SUFFIXES = {".pdf"}
#: what a folder scan takes; other files are counted as skipped
SCAN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | set(RECORD_SUFFIXES) | PDF_SUFFIXES
INPUT_FORMATS = ("auto", "text", "html", "csv", "jsonl", "pdf")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_SNIFF = 8192
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+://")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


@dataclass(frozen=True)
class Document:
    """One input: its text (as checked) or the error that stopped it being read."""

    source: str
    text: str = ""
    error: ErrorInfo | None = None
    notes: tuple[str, ...] = ()
    pages: tuple[int, ...] = ()  # PDF: the character offset where each page starts


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


@dataclass
class Collected:
    """What the inputs expanded to, plus what was skipped and why."""

    documents: list[Document] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)


def decode(raw: bytes, source: str) -> str | ErrorInfo:
    """Decode bytes as UTF-8 (BOM allowed) or BOM-marked UTF-16; say clearly when we can't."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            return ErrorInfo("decode", "marked as UTF-16 but not valid UTF-16 text")
    if b"\x00" in raw[:_SNIFF]:
        return ErrorInfo("binary", "looks like a binary file (contains NUL bytes), not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return ErrorInfo(
            "decode",
            f"not UTF-8 text (invalid byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "convert it to UTF-8 first",
        )


def decode_charset(raw: bytes, source: str, charset: str | None) -> str | ErrorInfo:
    """Decode with a declared charset (e.g. from Content-Type); without one, as ``decode``."""
    name = _text_codec(charset) if charset else None
    if name and name not in ("utf-8", "utf-8-sig"):
        try:
            return no_surrogates(raw.decode(name))
        except UnicodeDecodeError as exc:
            return ErrorInfo("decode", f"not valid {charset} text as declared (invalid byte "
                             f"0x{raw[exc.start]:02x} at offset {exc.start})")
        except (UnicodeError, LookupError, ValueError):  # e.g. Python's 'undefined' codec
            return ErrorInfo("decode", f"cannot decode it as {charset}, the charset it declares")
    return decode(raw, source)


def _text_codec(charset: str) -> str | None:
    """The Python codec for a declared charset; None for an unknown label or a codec that is not
    a text encoding ('base64', 'rot13', 'zlib'... a page or server may say anything)."""
    try:
        info = codecs.lookup(charset)
    except (LookupError, ValueError):
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


_SURROGATE = re.compile("[\ud800-\udfff]")


def no_surrogates(text: str) -> str:
    """Lone surrogates (from JSON escapes or odd codecs) -> U+FFFD; offsets stay the same.

    No UTF-8 writer (or spaCy's string store) accepts them, so one would end the whole run.
    """
    return _SURROGATE.sub("\ufffd", text)


def document_from_bytes(raw: bytes, source: str, *, html: bool | None = None,
                        max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Build a document from raw bytes; ``html=None`` sniffs for HTML (and PDF)."""
    kind = "sniff" if html is None else ("html" if html else "text")
    return _from_bytes(raw, source, kind, max_bytes)


def _too_large(source: str, size: int, max_bytes: int, what: str = "input") -> Document:
    return Document(source, error=ErrorInfo(
        "too_large", f"{what} is {size:,} bytes, over the --max-bytes limit of {max_bytes:,}"))


def _from_bytes(raw: bytes, source: str, kind: str, max_bytes: int,
                charset: str | None = None) -> Document:
    """One document from bytes read as ``kind``: text, html, pdf or sniff (PDF, HTML or text)."""
    if len(raw) > max_bytes:
        return _too_large(source, len(raw), max_bytes)
    if kind == "pdf" or (kind == "sniff" and raw.startswith(b"%PDF-")):
        return _pdf_document(raw, source)
    text = decode_charset(raw, source, charset)
    if isinstance(text, ErrorInfo) and text.type == "decode" and not charset and kind != "text":
        # not UTF-8: an older page may say what it is in a <meta> tag
        declared = _meta_charset(raw)
        text = decode_charset(raw, source, declared) if declared else text
    if isinstance(text, ErrorInfo):
        return Document(source, error=text)
    if kind == "html" or (kind == "sniff" and looks_like_html(text)):
        from .htmltext import extract_html

        extracted, note = extract_html(text)
        return Document(source, extracted, notes=(note,))
    return Document(source, text)


def _meta_charset(raw: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag near its top, if any."""
    match = _META_CHARSET.search(raw[:4096])
    if not match:
        return None
    label = match.group(1).decode("ascii")
    # HTML's rule: a page whose <meta> can be read as ASCII is not UTF-16/32, whatever it says
    name = _text_codec(label) or ""
    return None if name.startswith(("utf-16", "utf-32")) else label


def _pdf_document(raw: bytes, source: str) -> Document:
    from .pdftext import NOTE, PdfError, pdf_text

    try:
        text, pages = pdf_text(raw)
    except PdfError as exc:
        return Document(source, error=ErrorInfo("pdf", str(exc)))
    noun = "page" if len(pages) == 1 else "pages"
    return Document(source, text, notes=(f"{NOTE} ({len(pages)} {noun})",), pages=pages)


def looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or (
        "<body" in head or "<p>" in head or "<div" in head
    )


def html_to_text(html: str) -> str:
    """The main text of an HTML page (kept here for callers of the old API)."""
    from .htmltext import html_to_text as convert

    return convert(html)


def _open_error(exc: OSError) -> ErrorInfo:
    if isinstance(exc, IsADirectoryError):
        return ErrorInfo("read", "is a directory")
    if isinstance(exc, FileNotFoundError):
        return ErrorInfo("not_found", "no such file or directory")
    if isinstance(exc, PermissionError):
        return ErrorInfo("permission", "permission denied")
    return ErrorInfo("read", (exc.strerror or str(exc)).lower())


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, *, kind: str | None = None
              ) -> Document:
    """One file as one document; ``kind`` (text/html/pdf/sniff) defaults to its suffix."""
    source = str(path)
    if kind is None:
        kind = _kind_from_suffix(path) or "sniff"
        kind = "text" if kind in ("csv", "jsonl") else kind
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return _too_large(source, size, max_bytes, "file")
        with path.open("rb") as f:
            raw = f.read(max_bytes + 1)
    except OSError as exc:
        return Document(source, error=_open_error(exc))
    return _from_bytes(raw, source, kind, max_bytes)


def _kind_from_suffix(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in PDF_SUFFIXES:
        return "pdf"
    return RECORD_SUFFIXES.get(suffix)


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
            docs = _path_documents(Path(item), options, fmt)
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
    yield _from_bytes(raw, "<stdin>", "sniff" if fmt == "auto" else fmt, options.max_bytes)


def _path_documents(path: Path, options: InputOptions, fmt: str) -> Iterator[Document]:
    kind = (_kind_from_suffix(path) or "sniff") if fmt == "auto" else fmt
    if kind not in ("csv", "jsonl"):
        yield read_file(path, options.max_bytes, kind=kind)
        return
    try:
        stream = path.open("rb")
    except OSError as exc:
        yield Document(str(path), error=_open_error(exc))
        return
    with stream:
        try:
            yield from _records(stream, str(path), kind, options)
        except OSError as exc:  # e.g. an I/O error half-way through
            yield Document(str(path), error=_open_error(exc))


def _folder_documents(root: Path, options: InputOptions,
                      skipped: dict[str, int]) -> Iterator[Document]:
    from .records import NO_COLUMN
    from .scan import walk

    for item in walk(root, SCAN_SUFFIXES, skipped, include=options.include,
                     exclude=options.exclude):
        if isinstance(item, Document):
            yield item
            continue
        docs = _path_documents(item, options, "auto")
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
    from . import __version__
    from .fetch import FetchError, fetch

    try:
        response = fetch(url, timeout=options.timeout, max_bytes=options.max_bytes,
                         user_agent=f"claimcheck/{__version__}")
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
    doc = _from_bytes(response.body, url, kind, options.max_bytes, response.charset)
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

        by_suffix = _kind_from_suffix(Path(urlsplit(url).path))
        if by_suffix in ("csv", "jsonl", "pdf", "html"):
            return by_suffix
        return "sniff" if not media_type else "text"
    return "sniff"
