"""PDF bytes -> text with pypdf (pure Python), pages kept apart by form feeds.

The text of page k starts at ``pages[k]``; pages are joined by "\\n\\f\\n" (a form feed on a
line of its own), so line numbers count from the start of the document and a sentence never
runs from one page into the next. Encrypted or broken files raise ``PdfError``.
"""

from __future__ import annotations

import io
import logging

PAGE_BREAK = "\n\f\n"
NOTE = ("line numbers count from the start of the document, not of each page; pages are "
        "separated by form feeds")


class PdfError(Exception):
    """A PDF that cannot be read: encrypted, broken, or with no text layer."""


def pdf_text(raw: bytes) -> tuple[str, tuple[int, ...]]:
    """The text of a PDF and the character offset where each page starts."""
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - pypdf is a dependency
        raise PdfError("reading PDF files needs the pypdf package") from None
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # warnings about sloppy PDFs are noise for our users
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # many PDFs are encrypted only to set permissions
            except Exception:  # noqa: BLE001 - e.g. AES without the cryptography package
                opened = 0
            if not opened:
                raise PdfError("the PDF is encrypted (password-protected); save an unprotected "
                               "copy or its text first")
        texts = [_clean(page.extract_text() or "") for page in reader.pages]
    except PdfError:
        raise
    except RecursionError:
        raise PdfError("not a readable PDF (its structure is nested too deeply)") from None
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on broken files
        detail = " ".join(str(exc).split())[:160] or type(exc).__name__
        raise PdfError(f"not a readable PDF ({detail})") from None
    finally:
        logger.setLevel(level)
    if not texts:
        raise PdfError("the PDF has no pages")
    if not any(t.strip() for t in texts):
        raise PdfError("the PDF has no text layer (scanned images?); run OCR on it first")
    starts, offset = [], 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + len(PAGE_BREAK)
    return PAGE_BREAK.join(texts), tuple(starts)


def _clean(text: str) -> str:
    """One page's text with trailing spaces and edge blank lines trimmed, and no stray \\f."""
    from .decode import no_surrogates  # a broken ToUnicode map can give lone surrogates

    lines = [line.rstrip() for line in text.replace("\f", "\n").replace("\r\n", "\n")
             .replace("\r", "\n").split("\n")]
    return no_surrogates("\n".join(lines).strip("\n"))
