"""HTML -> the page's main text: trafilatura first, the standard library's parser as fallback.

trafilatura (boilerplate removal) keeps the article and drops navigation, cookie banners, ads,
footers, scripts and styles. Its markdown/txt output loses or marks up headings, so we walk its
XML tree ourselves: every heading, paragraph and list item gets a line of its own with no
markup, which is what the sentence splitter needs to tell a heading from a claim. When
trafilatura finds nothing (a short fragment, a pathologically nested page) or fails, the
stdlib extractor returns all the visible text instead.
"""

from __future__ import annotations

import logging
from html.parser import HTMLParser
from typing import Any

#: notes for the document, saying which text line and column refer to
NOTE_MAIN = ("line and column refer to the text extracted from the HTML (its main content; "
             "navigation, banners, ads and footers left out)")
NOTE_ALL = "line and column refer to the text extracted from the HTML (all its visible text)"

#: trafilatura's output elements that start a block of their own
_BLOCKS = {"head", "p", "list", "quote", "code", "table", "div", "main", "doc", "body"}


def extract_html(html: str) -> tuple[str, str]:
    """The page's main text and a note saying what it is; never raises on bad HTML."""
    text = main_text(html)
    if text.strip():
        return text, NOTE_MAIN
    return fallback_text(html), NOTE_ALL


def main_text(html: str) -> str:
    """The main content found by trafilatura, as plain lines; '' when it finds none."""
    try:
        import trafilatura
        from lxml import etree
    except ImportError:  # pragma: no cover - a broken install; the fallback still works
        return ""
    logger = logging.getLogger("trafilatura")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # its warnings about odd pages are not ours to print
    try:
        result = trafilatura.bare_extraction(
            html, include_formatting=True, include_comments=False, include_tables=True,
            include_images=False, include_links=False, with_metadata=False)
        body = getattr(result, "body", None)
        if body is None:
            return ""
        return _tidy(_xml_text(body, etree))
    except Exception:  # noqa: BLE001 - any failure inside the extractor means "use the fallback"
        return ""
    finally:
        logger.setLevel(level)


def _xml_text(body: Any, etree: Any) -> str:
    """Flatten trafilatura's XML (head, p, list/item, table/row/cell, hi, lb...) to lines.

    Walked with ``iterwalk`` rather than recursion, so deep nesting cannot overflow the stack.
    """
    parts: list[str] = []
    for event, el in etree.iterwalk(body, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _BLOCKS:
                parts.append("\n\n")
            elif tag == "item":
                parts.append("\n• ")
            elif tag == "row":
                parts.append("\n")
            elif tag == "cell" and el.getprevious() is not None:
                parts.append(" | ")
            elif tag == "lb":
                parts.append("\n")
            if el.text and tag not in ("graphic",):
                parts.append(el.text)
        else:
            if tag in _BLOCKS:
                parts.append("\n\n")
            if el.tail and el is not body:
                parts.append(el.tail)
    return "".join(parts)


def _tidy(text: str) -> str:
    """Spaces collapsed in each line, at most one blank line in a row, one final newline."""
    lines: list[str] = []
    for line in text.split("\n"):
        line = " ".join(line.split())
        if line == "•":
            continue  # an empty list item
        if line or (lines and lines[-1]):
            lines.append(line)
    out = "\n".join(lines).strip()
    return out + "\n" if out else ""


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

    def handle_starttag(self, tag: str, attrs: Any) -> None:
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
        if self.skip:
            return
        if not data.strip():
            self.parts.append(" ")
            return
        # keep the space at either edge: "a <b>cure</b>" must not become "acure"
        lead = " " if data[:1].isspace() else ""
        tail = " " if data[-1:].isspace() else ""
        self.parts.append(lead + " ".join(data.split()) + tail)


def fallback_text(html: str) -> str:
    """All visible text of a page (standard library only); scripts, styles, nav, footer dropped."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser is lenient; keep whatever it got so far
        pass
    text = _tidy("".join(parser.parts))
    return text or "\n"
