"""One file or one blob of bytes -> one ``Document``: text, HTML (main text) or PDF.

The reader is picked by the file's suffix, by ``--input-format``, or by sniffing the bytes
(``%PDF-``, an HTML tag). Too large, unreadable or undecodable inputs become a ``Document``
with ``error`` set. trafilatura and pypdf are imported only when an HTML or PDF input needs them.
"""

from __future__ import annotations

from pathlib import Path

from ..types import Document, ErrorInfo
from .decode import decode_charset, meta_charset

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
RECORD_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl"}
PDF_SUFFIXES = {".pdf"}
#: web archives, one document per page (warc.py); a scan matches the double suffixes whole
ARCHIVE_SUFFIXES = {".warc", ".warc.gz", ".arc", ".arc.gz"}
#: what a folder scan takes; other files are counted as skipped
SCAN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | set(RECORD_SUFFIXES) | PDF_SUFFIXES \
    | ARCHIVE_SUFFIXES
INPUT_FORMATS = ("auto", "text", "html", "csv", "jsonl", "pdf")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def document_from_bytes(raw: bytes, source: str, *, html: bool | None = None,
                        max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Build a document from raw bytes; ``html=None`` sniffs for HTML (and PDF)."""
    kind = "sniff" if html is None else ("html" if html else "text")
    return from_bytes(raw, source, kind, max_bytes)


def _too_large(source: str, size: int, max_bytes: int, what: str = "input") -> Document:
    return Document(source, error=ErrorInfo(
        "too_large", f"{what} is {size:,} bytes, over the --max-bytes limit of {max_bytes:,}"))


def from_bytes(raw: bytes, source: str, kind: str, max_bytes: int,
                charset: str | None = None) -> Document:
    """One document from bytes read as ``kind``: text, html, pdf or sniff (PDF, HTML or text)."""
    if len(raw) > max_bytes:
        return _too_large(source, len(raw), max_bytes)
    if kind == "pdf" or (kind == "sniff" and raw.startswith(b"%PDF-")):
        return _pdf_document(raw, source)
    text = decode_charset(raw, source, charset)
    if isinstance(text, ErrorInfo) and text.type == "decode" and not charset and kind != "text":
        # not UTF-8: an older page may say what it is in a <meta> tag
        declared = meta_charset(raw)
        text = decode_charset(raw, source, declared) if declared else text
    if isinstance(text, ErrorInfo):
        return Document(source, error=text)
    if kind == "html" or (kind == "sniff" and looks_like_html(text)):
        from .html import extract_html

        extracted, note = extract_html(text)
        return Document(source, extracted, notes=(note,))
    return Document(source, text)


def _pdf_document(raw: bytes, source: str) -> Document:
    from .pdf import NOTE, PdfError, pdf_text

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


def open_error(exc: OSError) -> ErrorInfo:
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
        kind = kind_from_suffix(path) or "sniff"
        kind = "text" if kind in ("csv", "jsonl") else "sniff" if kind == "warc" else kind
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return _too_large(source, size, max_bytes, "file")
        with path.open("rb") as f:
            raw = f.read(max_bytes + 1)
    except OSError as exc:
        return Document(source, error=open_error(exc))
    return from_bytes(raw, source, kind, max_bytes)


def kind_from_suffix(path: Path) -> str | None:
    if path.name.lower().endswith(tuple(ARCHIVE_SUFFIXES)):
        return "warc"  # WARC or ARC, plain or gzipped: warcio tells them apart
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in PDF_SUFFIXES:
        return "pdf"
    return RECORD_SUFFIXES.get(suffix)
