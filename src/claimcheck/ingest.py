"""Inputs -> ``Document``s: stdin, files, folders; bytes decoded, HTML reduced to its text.

A document that cannot be read becomes a ``Document`` with ``error`` set, so a batch reports it
and goes on. Nothing here knows about rules or spaCy.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .models import ErrorInfo

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_SNIFF = 8192


@dataclass(frozen=True)
class Document:
    """One input: its text (as checked) or the error that stopped it being read."""

    source: str
    text: str = ""
    error: ErrorInfo | None = None
    notes: tuple[str, ...] = ()


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


def document_from_bytes(raw: bytes, source: str, *, html: bool | None = None,
                        max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Build a document from raw bytes; ``html=None`` sniffs for HTML."""
    if len(raw) > max_bytes:
        return Document(source, error=ErrorInfo(
            "too_large", f"input is {len(raw):,} bytes, over the --max-bytes limit of "
            f"{max_bytes:,}"))
    text = decode(raw, source)
    if isinstance(text, ErrorInfo):
        return Document(source, error=text)
    if html is None:
        html = looks_like_html(text)
    if html:
        return Document(source, html_to_text(text),
                        notes=("line and column refer to the text extracted from the HTML",))
    return Document(source, text)


def looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or (
        "<body" in head or "<p>" in head or "<div" in head
    )


def read_stdin(max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    raw = sys.stdin.buffer.read(max_bytes + 1)
    return document_from_bytes(raw, "<stdin>", max_bytes=max_bytes)


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    source = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Document(source, error=ErrorInfo(
                "too_large", f"file is {size:,} bytes, over the --max-bytes limit of "
                f"{max_bytes:,}"))
        raw = path.read_bytes()
    except IsADirectoryError:
        return Document(source, error=ErrorInfo("read", "is a directory"))
    except FileNotFoundError:
        return Document(source, error=ErrorInfo("not_found", "no such file or directory"))
    except PermissionError:
        return Document(source, error=ErrorInfo("permission", "permission denied"))
    except OSError as exc:
        return Document(source, error=ErrorInfo("read", exc.strerror or str(exc)))
    return document_from_bytes(raw, source, html=path.suffix.lower() in HTML_SUFFIXES,
                               max_bytes=max_bytes)


def collect(inputs: Sequence[str], options: InputOptions | None = None, *,
            max_bytes: int | None = None) -> Collected:
    """Expand CLI inputs (files, folders, '-') into documents, in a stable order."""
    options = options or InputOptions()
    max_bytes = max_bytes if max_bytes is not None else options.max_bytes
    out = Collected()
    for item in inputs:
        if item == "-":
            out.documents.append(read_stdin(max_bytes))
            continue
        path = Path(item)
        if path.is_dir():
            for doc in _walk(path, out.skipped, max_bytes):
                out.documents.append(doc)
        else:
            out.documents.append(read_file(path, max_bytes))
    return out


def _walk(root: Path, skipped: dict[str, int], max_bytes: int) -> Iterator[Document]:
    """Files under a folder with a text or HTML suffix, sorted; count the others by suffix."""
    found: list[Path] = []
    errors: list[Document] = []

    def onerror(exc: OSError) -> None:
        errors.append(Document(str(exc.filename or root), error=ErrorInfo(
            "permission" if isinstance(exc, PermissionError) else "read",
            exc.strerror or str(exc))))

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            suffix = path.suffix.lower()
            if suffix in TEXT_SUFFIXES or suffix in HTML_SUFFIXES:
                found.append(path)
            else:
                skipped[suffix or "(none)"] = skipped.get(suffix or "(none)", 0) + 1
    yield from errors
    for path in sorted(found):
        yield read_file(path, max_bytes)


_BLOCK_TAGS = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "li", "ul",
    "ol", "br", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dd", "dt",
    "figcaption", "form", "hr", "title", "td", "th", "pre",
}
_SKIP_TAGS = {
    "script", "style", "noscript", "template", "svg", "head", "iframe", "button", "nav", "footer",
    "aside", "form", "select",
}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:  # type: ignore[no-untyped-def]
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n" if tag != "li" else "\n• ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(" ".join(data.split()) if data.strip() else " ")


def html_to_text(html: str) -> str:
    """The visible text of an HTML page, one block per paragraph; scripts and styles dropped."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = []
    for line in "".join(parser.parts).split("\n"):
        line = " ".join(line.split())
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip() + "\n"
