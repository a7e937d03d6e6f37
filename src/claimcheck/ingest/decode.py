"""Bytes -> text, or a plain reason why not: BOMs, declared charsets, NUL bytes, surrogates.

Every reader goes through here, so an input that is not text fails the same way wherever it
came from (a file, stdin, a URL, a CSV cell): UTF-8 (BOM allowed) and BOM-marked UTF-16 are
read, a declared charset is honoured when it is a real text encoding, and anything else is an
``ErrorInfo`` that says what to do.
"""

from __future__ import annotations

import codecs
import re

from ..types import ErrorInfo

_SNIFF = 8192
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


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


def meta_charset(raw: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag near its top, if any."""
    match = _META_CHARSET.search(raw[:4096])
    if not match:
        return None
    label = match.group(1).decode("ascii")
    # HTML's rule: a page whose <meta> can be read as ASCII is not UTF-16/32, whatever it says
    name = _text_codec(label) or ""
    return None if name.startswith(("utf-16", "utf-32")) else label
