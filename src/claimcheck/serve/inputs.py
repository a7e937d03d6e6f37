"""What a request asks to check -> ``Document``s, through the same readers as the CLI.

A request gives one of: pasted text, a page's address, or a file (.txt .html .pdf). The form
and ``POST /api/check`` accept a form (``text``, ``url``, ``file``); the API also takes JSON
(``{"text": ...}`` or ``{"url": ...}``) or a raw ``text/plain``/``text/html`` body. Bytes go
through ``ingest`` (so a binary upload, a wrong charset or a 404 gets the CLI's own one-line
error) and an address is fetched by ``ingest.fetch`` with its timeout, size cap and, unless
``--allow-private``, the guard that refuses loopback, private and link-local hosts on every
redirect hop. Uploads are parsed in memory: nothing a user sends is written to disk.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import islice
from pathlib import PurePath

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from ..ingest import InputOptions, is_url, iter_documents
from ..ingest.decode import no_surrogates
from ..ingest.fetch import refuse_private
from ..ingest.files import from_bytes, kind_from_suffix
from ..types import Document, ErrorInfo
from .limits import Limits

#: a spreadsheet behind an address is checked row by row, up to this many rows
MAX_DOCUMENTS = 50
PASTED = "pasted text"
API_TEXT = "<text>"
NOTHING = "nothing to check: paste the text, give the page's address or choose a file"
SEVERAL = "give one thing to check: the text, the address or a file, not several"


class InputError(Exception):
    """The request itself is unusable (nothing given, several things, bad JSON): one line."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Submission:
    """One thing to check: text, an address, or raw bytes (an upload or a raw API body)."""

    text: str = ""
    url: str = ""
    raw: bytes | None = None
    name: str = ""  # the document's source: a file name, or a name the API was given
    kind: str = "sniff"  # how to read ``raw``: text, html, pdf or sniff
    charset: str | None = None  # ``raw``'s declared charset (a text/plain body)


async def read_form(request: Request, limits: Limits) -> Submission:
    """The page's form (or a form sent to the API): fields ``text``, ``url`` and ``file``."""
    form = await _form(request, limits)
    text, url = form.get("text"), form.get("url")
    upload = form.get("file")
    given = {
        "text": text if isinstance(text, str) and text.strip() else "",
        "url": url.strip() if isinstance(url, str) else "",
    }
    raw, name = None, ""
    if isinstance(upload, UploadFile) and (upload.filename or upload.size):
        raw = await upload.read()
        name = PurePath((upload.filename or "upload").replace("\\", "/")).name[:200] or "upload"
    if sum(bool(v) for v in (*given.values(), raw is not None)) > 1:
        raise InputError(SEVERAL)
    if raw is not None:
        kind = kind_from_suffix(PurePath(name))
        return Submission(raw=raw, name=name, kind=kind if kind in ("text", "html", "pdf")
                          else "sniff")
    if not any(given.values()):
        raise InputError(NOTHING)
    return Submission(text=given["text"], url=given["url"], name=PASTED)


async def _form(request: Request, limits: Limits) -> FormData:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if media == "multipart/form-data":
            parser = MultiPartParser(request.headers, request.stream(), max_files=1,
                                     max_fields=10, max_part_size=limits.max_body)
            parser.spool_max_size = limits.max_body  # uploads stay in memory, never on disk
            return await parser.parse()
        return await request.form(max_files=0, max_fields=10, max_part_size=limits.max_body)
    except MultiPartException as exc:
        raise InputError(f"the form could not be read: {exc.message}") from None
    except HTTPException as exc:
        raise InputError(f"the form could not be read: {exc.detail}") from None


async def read_api(request: Request, limits: Limits) -> Submission:
    """``POST /api/check``: JSON, a raw text/plain or text/html body, or a form."""
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    if media in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return await read_form(request, limits)
    if media in ("text/plain", "text/html"):
        charset = _charset(content_type)
        return Submission(raw=await request.body(), name=API_TEXT,
                          kind="html" if media == "text/html" else "sniff", charset=charset)
    if media != "application/json":
        raise InputError("send JSON ({\"text\": ...} or {\"url\": ...}), a text/plain body or "
                         "a form with a text, url or file field", status=415)
    try:
        data = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise InputError("the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise InputError('send a JSON object: {"text": "..."} or {"url": "..."}')
    fields = {key: data.get(key) for key in ("text", "url", "source")}
    for key, value in fields.items():
        if value is not None and not isinstance(value, str):
            raise InputError(f"'{key}' must be a string")
    text, url = fields["text"] or "", (fields["url"] or "").strip()
    if text and url:
        raise InputError(SEVERAL)
    if not text and not url:
        raise InputError(NOTHING)
    return Submission(text=text, url=url, name=(fields["source"] or API_TEXT)[:200])


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return None


def documents(submission: Submission, limits: Limits) -> list[Document]:
    """The documents to check (one, or a spreadsheet's rows); blocking: it may fetch."""
    if submission.url:
        return _fetched(normalise_url(submission.url), limits)
    if submission.raw is not None:
        return [from_bytes(submission.raw, submission.name, submission.kind, limits.max_bytes,
                           submission.charset)]
    # pasted text goes through the same decoding checks (NUL bytes) and HTML sniffing as stdin
    return [from_bytes(no_surrogates(submission.text).encode("utf-8"), submission.name,
                       "sniff", limits.max_bytes)]


def normalise_url(url: str) -> str:
    """What a person types into the address field: ``clinic.example/page`` means https."""
    url = url.strip()
    return url if "://" in url else "https://" + url.lstrip("/")


def _fetched(url: str, limits: Limits) -> list[Document]:
    if not is_url(url):  # never a path on the server's disk
        return [Document(url, error=ErrorInfo("url", "not a valid URL"))]
    options = InputOptions(max_bytes=limits.max_bytes, timeout=limits.timeout,
                           url_guard=None if limits.allow_private else refuse_private)
    docs = list(islice(iter_documents([url], options), MAX_DOCUMENTS + 1))
    if len(docs) > MAX_DOCUMENTS:
        docs[MAX_DOCUMENTS] = Document(f"{url} (more rows)", error=ErrorInfo(
            "too_large", f"only the first {MAX_DOCUMENTS} rows are checked here; use "
            "claimcheck check for a whole spreadsheet"))
    return docs
