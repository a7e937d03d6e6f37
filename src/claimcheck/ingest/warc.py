"""Web archives (WARC and ARC, plain or gzipped) -> one ``Document`` per page, streamed.

Each HTTP response record holding HTML, plain text or a PDF (by its Content-Type; sniffed when
it has none) becomes a document named ``TARGET-URI @ CAPTURE-DATE`` and read like a file of
that kind (``files.from_bytes``). Other records (request, metadata, warcinfo, revisit), other
media types, non-2xx responses and empty bodies are counted in ``skipped``. warcio reads the
archive record by record, so memory stays flat however large it is; a page over ``max_bytes``
is a ``too_large`` error record and the rest of it is skipped unread.

A broken record (a header that does not parse, a gzip member that does not inflate, an archive
cut off in the middle of a record) becomes a ``warc`` error record, and reading goes on at the
next record found after it: the next gzip member of a ``.gz`` archive, else the next
``WARC/1.x`` or ARC header line.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from email.message import Message
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from ..types import Document, ErrorInfo
from .files import from_bytes, open_error

#: what a folder scan and suffix detection take as an archive (double suffixes included)
ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
#: the error type of a record that cannot be read
BROKEN = "warc"
_KINDS = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text",
          "text/markdown": "text", "application/pdf": "pdf", "application/x-pdf": "pdf"}
_GZIP_MAGIC = re.compile(rb"\x1f\x8b\x08")
_RECORD_START = re.compile(rb"(?:^|\n)(WARC/1\.[0-9]\r?\n|[a-z][a-z0-9+.-]*://\S+ \S+ \d{14} )")
_BLOCK = 1 << 20


def is_archive(path: str | Path) -> bool:
    """Is this file name a WARC or ARC archive (``.warc``, ``.warc.gz``, ``.arc``, ``.arc.gz``)?"""
    return str(path).lower().endswith(ARCHIVE_SUFFIXES)


def iter_archive(path: Path, max_bytes: int, skipped: dict[str, int]) -> Iterator[Document]:
    """The pages of one archive file, in file order; skipped records are counted."""
    name = str(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Document(name, error=open_error(exc))
        return
    with handle:
        compressed = handle.read(2) == b"\x1f\x8b"
        start: int | None = 0
        while start is not None:
            start = yield from _read_from(handle, start, name, max_bytes, skipped, compressed)


def _read_from(handle: BinaryIO, start: int, name: str, max_bytes: int,
               skipped: dict[str, int], compressed: bool) -> Iterator[Document]:
    """Records from ``start`` on; returns where to go on after a broken one (None: done)."""
    handle.seek(start)
    records = _iterator_class()(handle, arc2warc=True)
    reported = -1  # the offset of a record already given an error record
    try:
        for record in records:
            if compressed and not _member_at(handle, records.offset):
                # a .gz archive is gzipped record by record: bytes that are not a gzip member
                # are a damaged record, whatever warcio made of them as plain text
                raise ValueError("the record is not a gzip member: its bytes are damaged")
            doc = _page(record, name, records.offset, max_bytes, skipped)
            if doc is not None:
                if doc.error is not None and doc.error.type == BROKEN:
                    reported = records.offset
                yield doc
        tail = _unread_tail(handle, records.offset)
        if tail is not None:
            yield _broken(f"{name} (record at byte {tail:,})",
                          EOFError("the archive ends in the middle of this record"))
    except OSError as exc:  # the disk, not the archive: going on would fail the same way
        yield Document(f"{name} (at byte {records.offset:,})", error=open_error(exc))
        return None
    except Exception as exc:  # noqa: BLE001 - warcio, zlib and gzip each raise their own
        at = max(records.offset, start)
        if at != reported:
            yield _broken(f"{name} (record at byte {at:,})", exc)
        return _resync(handle, at + 1, compressed)
    return None


@lru_cache(maxsize=1)
def _iterator_class() -> Any:
    """warcio's ArchiveIterator, without its multi-line warning on stderr for a record whose
    Content-Length looks wrong (the record is still read; a run says one line per problem)."""
    from warcio.archiveiterator import ArchiveIterator

    class QuietIterator(ArchiveIterator):
        INC_RECORD = ""  # warcio writes INC_RECORD.format(...): empty, it writes nothing

    return QuietIterator


def _page(record: Any, name: str, offset: int, max_bytes: int,
          skipped: dict[str, int]) -> Document | None:
    """One record as a document, or None (counted in ``skipped``) when it is not a page."""
    if record.rec_type != "response":
        return _skip(skipped, f"archive {record.rec_type} record")
    http = record.http_headers
    status = (http.get_statuscode() or "") if http is not None else ""
    if status and not status.startswith("2"):
        return _skip(skipped, f"archive HTTP {status} response")
    declared = (http.get_header("Content-Type") if http is not None else None) \
        or record.rec_headers.get_header("WARC-Identified-Payload-Type")
    media, charset = _media_type(declared)
    kind = _KINDS.get(media) if media else "sniff"
    if kind is None:
        return _skip(skipped, f"archive {media} response")
    uri = record.rec_headers.get_header("WARC-Target-URI") or "<no target URI>"
    date = record.rec_headers.get_header("WARC-Date") or "<no date>"
    source = f"{uri} @ {date}"
    try:
        raw = record.content_stream().read(max_bytes + 1)
    except Exception as exc:  # noqa: BLE001 - a body that does not inflate or is cut short
        return _broken(source, exc)
    if len(raw) <= max_bytes and _cut_short(record):
        return _broken(source, EOFError("the archive ends in the middle of this record"))
    if not raw:
        return _skip(skipped, "archive empty response")
    doc = from_bytes(raw, source, kind, max_bytes, charset)
    note = f"from {name}, record at byte {offset:,}"
    return Document(doc.source, doc.text, doc.error, doc.notes + (note,), doc.pages)


def _cut_short(record: Any) -> bool:
    """Did the archive end before the record's declared Content-Length (a cut-off download)?"""
    raw = record.raw_stream
    return getattr(raw, "limit", 0) > 0 and not raw.read(1)


def _media_type(value: str | None) -> tuple[str, str | None]:
    """'text/html; charset=utf-8' -> ('text/html', 'utf-8'); ('', None) when there is none."""
    if not value or not value.strip():
        return "", None
    message = Message()
    message["Content-Type"] = value
    return message.get_content_type(), message.get_content_charset()


def _skip(skipped: dict[str, int], key: str) -> None:
    skipped[key] = skipped.get(key, 0) + 1
    return None


def _member_at(handle: BinaryIO, offset: int) -> bool:
    """Does a gzip member start at ``offset``? (Read without moving the handle, which the
    archive iterator is reading from.)"""
    try:
        head = os.pread(handle.fileno(), 3, offset)
    except (AttributeError, OSError, io.UnsupportedOperation):  # not a plain file
        here = handle.tell()
        handle.seek(offset)
        head = handle.read(3)
        handle.seek(here)
    return _GZIP_MAGIC.match(head) is not None


def _unread_tail(handle: BinaryIO, end: int) -> int | None:
    """Where unread bytes start after the last whole record (a cut-off archive), or None."""
    handle.seek(end)
    rest = handle.read(4096)
    return end if rest.strip() else None


def _broken(source: str, exc: BaseException) -> Document:
    detail = " ".join(str(exc).split())
    if detail.startswith("Unknown archive format"):
        detail = "the record header is not a WARC or ARC header"
    elif "non-chunked gzip" in detail:
        detail = ("the archive is gzipped as a whole, not record by record; `warcio recompress "
                  "IN OUT` makes it readable")
    detail = "".join(c if c.isprintable() else "?" for c in detail[:160]) or type(exc).__name__
    return Document(source, error=ErrorInfo(BROKEN, f"broken archive record, skipped: {detail}"))


def _resync(handle: BinaryIO, position: int, compressed: bool) -> int | None:
    """The offset of the next record start at or after ``position``, or None at the end."""
    pattern = _GZIP_MAGIC if compressed else _RECORD_START
    handle.seek(position)
    carry = b""
    base = position
    while True:
        block = handle.read(_BLOCK)
        if not block:
            return None
        data = carry + block
        found = pattern.search(data)
        if found is not None:
            at = found.start(1) if found.groups() else found.start()
            return base + at
        keep = min(len(data), 256)  # a header line split between two blocks
        carry, base = data[-keep:], base + len(data) - keep
