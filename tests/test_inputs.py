"""Inputs: HTML pages, URLs (a local server), CSV/JSONL records, PDF, folders and stdin.

The network tests talk only to an http.server on 127.0.0.1 started inside the test.
"""

from __future__ import annotations

import http.server
import io
import json
import os
import socket
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES, run_cli

from claimcheck import ingest
from claimcheck.errors import UsageError
from claimcheck.ingest import Document, InputOptions, collect, iter_documents
from claimcheck.ingest.html import NOTE_ALL, NOTE_MAIN, extract_html

CLINIC_PAGE = SAMPLES / "clinic-page.html"
#: words that appear only in the clinic page's navigation, cookie banner, ad, form and footer
BOILERPLATE = ("cookie", "Accept all", "Our Treatments", "Pricing and Financing",
               "Contact the Team", "Sponsored", "collagen gummies", "Related pages",
               "newsletter", "Subscribe", "Privacy Policy", "Terms of Use", "400 Harbor View",
               "social media", "analyticsQueue", "miracle results", "font-family")
NO_PROXY = {"no_proxy": "127.0.0.1,localhost", "NO_PROXY": "127.0.0.1,localhost"}


def errors(docs: list[Document]) -> list[str | None]:
    return [d.error.type if d.error else None for d in docs]


def at(text: str, line: int, column: int) -> str:
    """The text from a 1-based line and column on."""
    return text.split("\n")[line - 1][column - 1:]


# ---------------------------------------------------------------------------------- HTML


def test_clinic_page_keeps_the_main_text_only():
    doc = ingest.read_file(CLINIC_PAGE)
    assert doc.error is None and doc.notes == (NOTE_MAIN,)
    for words in BOILERPLATE:
        assert words.lower() not in doc.text.lower(), words
    assert "Our stem cell injections are a guaranteed cure for knee arthritis." in doc.text
    # headings on lines of their own, without markdown marks
    lines = doc.text.split("\n")
    assert "How the Treatment Works" in lines and "Stem Cell Therapy for Knee Arthritis" in lines
    assert "#" not in doc.text and "**" not in doc.text
    assert "• Local numbing only, no general anaesthetic" in lines


def test_clinic_page_end_to_end_line_and_column_point_at_the_extracted_text():
    result = run_cli("check", "--format", "json", str(CLINIC_PAGE))
    assert result.returncode == 1, result.stderr
    doc = json.loads(result.stdout)["documents"][0]
    assert any("extracted from the HTML" in note for note in doc["notes"])
    text = ingest.read_file(CLINIC_PAGE).text
    cure = next(f for f in doc["findings"] if f["rule"] == "CURE001")
    assert cure["counted"] and cure["match"] == "guaranteed cure"
    assert text[cure["start"]:cure["end"]] == "guaranteed cure"
    assert at(text, cure["line"], cure["column"]).startswith("guaranteed cure")
    for finding in doc["findings"]:  # nothing comes from the menu, banner or footer
        assert not any(w.lower() in finding["sentence"].lower() for w in BOILERPLATE)
    headings = [f for f in doc["findings"] if f["context"] == "heading"]
    assert all(not f["counted"] for f in headings)


def test_fragment_falls_back_to_the_stdlib_extractor():
    text, note = extract_html("<p>Our stem cells are a <b>guaranteed cure</b>.</p>")
    assert text == "Our stem cells are a guaranteed cure.\n" and note == NOTE_ALL


@pytest.mark.parametrize("html", [
    "<html><body>" + "<div>" * 5000 + "<p>Deep text about stem cells.</p>" + "</div>" * 5000,
    "<html><body><p>broken <b>tag <div></p></i>< < >>&&&; <script>var x = '",
    "<p>unclosed <table><tr><td>cell<td>cell two</table></p></li></ul>",
    "<<<>>>",
    "",
])
def test_broken_or_deeply_nested_html_never_crashes(html):
    text, note = extract_html(html)
    assert isinstance(text, str) and note in (NOTE_MAIN, NOTE_ALL)
    if "Deep text" in html:
        assert "Deep text about stem cells." in text


def test_html_meta_charset_is_honoured(tmp_path):
    page = tmp_path / "latin.html"
    page.write_bytes('<html><head><meta charset="iso-8859-1"></head><body><p>Caf\u00e9 '
                     'cells cure all.</p></body></html>'.encode("latin-1"))
    assert "Caf\u00e9" in ingest.read_file(page).text


def test_stdin_html_is_sniffed_and_input_format_forces_the_reader():
    html = CLINIC_PAGE.read_bytes()
    result = run_cli("check", "--format", "jsonl", "--fail-under", "0", "-", stdin=html)
    doc = json.loads(result.stdout)
    assert doc["source"] == "<stdin>" and doc["notes"] == [NOTE_MAIN]
    assert "CURE001" in {f["rule"] for f in doc["findings"]}


def test_input_format_on_a_file_and_stdin(tmp_path, monkeypatch):
    page = tmp_path / "page.txt"
    page.write_text("<div><p>Our stem cells are a guaranteed cure.</p></div>", encoding="utf-8")
    as_text = collect([str(page)]).documents[0]
    assert "<p>" in as_text.text and not as_text.notes
    as_html = collect([str(page)], InputOptions(input_format="html")).documents[0]
    assert as_html.text == "Our stem cells are a guaranteed cure.\n" and as_html.notes
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(page.read_bytes())))
    forced = collect(["-"], InputOptions(input_format="text")).documents[0]
    assert forced.source == "<stdin>" and forced.text.startswith("<div>")


def test_unknown_input_format_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown --input-format 'docx'"):
        iter_documents(["x.txt"], InputOptions(input_format="docx"))
    result = run_cli("check", "--input-format", "docx", str(CLINIC_PAGE))
    assert result.returncode == 2  # a usage error, worded by the option parser with the choices
    err = result.stderr.decode().strip().splitlines()[-1]
    assert "--input-format" in err and "html" in err and "Traceback" not in result.stderr.decode()


# ---------------------------------------------------------------------------------- records


def test_ads_csv_one_document_per_row():
    docs = collect([str(SAMPLES / "ads.csv")]).documents
    assert [d.source.rsplit(":", 1)[1] for d in docs] == [
        "ad-101", "ad-102", "ad-103", "ad-104", "ad-105", "ad-106"]
    assert errors(docs) == [None] * 6
    assert "single visit.\nLimited spots" in docs[1].text  # a quoted newline inside a cell
    assert docs[0].text.startswith("Stem cell injections for knee pain")
    assert "'text' field" in docs[0].notes[0]


def test_ads_csv_and_jsonl_end_to_end():
    result = run_cli("check", "--format", "json", "--fail-under", "0",
                     str(SAMPLES / "ads.csv"), str(SAMPLES / "ads.jsonl"))
    assert result.returncode == 0, result.stderr
    docs = {d["source"]: d for d in json.loads(result.stdout)["documents"]}
    ad = docs[str(SAMPLES / "ads.csv") + ":ad-101"]
    cure = next(f for f in ad["findings"] if f["rule"] == "CURE001")
    assert cure["counted"] and cure["line"] == 1
    first = collect([str(SAMPLES / "ads.csv")]).documents[0]
    assert at(first.text, cure["line"], cure["column"]).startswith("guaranteed cure")
    second_line = next(f for f in docs[str(SAMPLES / "ads.csv") + ":ad-102"]["findings"]
                       if f["match"] == "call now")
    assert second_line["line"] == 2
    assert docs[str(SAMPLES / "ads.jsonl") + ":fb-2001"]["score"] < 30
    assert docs[str(SAMPLES / "ads.csv") + ":ad-103"]["score"] >= 85


def test_csv_rows_without_ids_bad_rows_and_other_fields(tmp_path):
    path = tmp_path / "ads.csv"
    path.write_bytes("\ufeffid,body,advertiser\r\n"
                     ",Our cells are a guaranteed cure.,A\r\n"
                     "x2,too,many,fields\r\n"
                     "\r\n"
                     "x3,\"Line one\r\nline two\",C\r\n".encode())
    docs = collect([str(path)], InputOptions(text_field="body")).documents
    assert [d.source for d in docs] == [f"{path}:row 1", f"{path}:row 2", f"{path}:x3"]
    assert errors(docs) == [None, "csv", None]
    assert "row 2 has 4 fields, the header has 3" in docs[1].error.message
    assert docs[2].text == "Line one\r\nline two"
    named = collect([str(path)], InputOptions(text_field="BODY", id_field="advertiser"))
    assert named.documents[0].source == f"{path}:A"


def test_csv_without_the_text_column_is_one_error_naming_the_columns(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("file,reviewer,status\na.txt,JS,done\nb.txt,AM,open\n", encoding="utf-8")
    docs = collect([str(path)]).documents
    assert len(docs) == 1 and docs[0].source == str(path)
    assert docs[0].error.type == "column"
    assert "'text'" in docs[0].error.message
    assert "file, reviewer, status" in docs[0].error.message


def test_csv_large_cells_semicolons_and_the_size_cap(tmp_path):
    big = "Stem cells cure everything. " * 20_000  # ~560 KB, over csv's default 128 KB limit
    path = tmp_path / "big.csv"
    path.write_text(f'id;text\n1;"{big}"\n2;short one\n', encoding="utf-8")
    docs = collect([str(path)]).documents
    assert errors(docs) == [None, None] and len(docs[0].text) == len(big)
    capped = collect([str(path)], InputOptions(max_bytes=100_000)).documents
    assert capped[0].error.type == "too_large" and "--max-bytes" in capped[0].error.message


def test_jsonl_with_a_malformed_line_in_the_middle(tmp_path):
    path = tmp_path / "ads.jsonl"
    lines = [
        json.dumps({"id": "a1", "text": "Our stem cells are a guaranteed cure."}),
        '{"id": "a2", "text": "unterminated',
        "",
        "[1, 2, 3]",
        json.dumps({"id": 7, "body": "no text key"}),
        json.dumps({"text": 42}),
        json.dumps({"id": "", "text": "Ask about the risks."}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs = collect([str(path)]).documents
    assert [d.source for d in docs] == [
        f"{path}:a1", f"{path}:row 2", f"{path}:row 4", f"{path}:7", f"{path}:row 6",
        f"{path}:row 7"]
    assert errors(docs) == [None, "jsonl", "jsonl", "jsonl", "jsonl", None]
    messages = [d.error.message for d in docs if d.error]
    assert messages[0].startswith("line 2 is not valid JSON")
    assert "line 4 is a JSON array, not an object" in messages[1]
    assert "no 'text' key (its keys: id, body)" in messages[2]
    assert "'text' is a JSON number, not a string" in messages[3]
    assert all("\n" not in m and "Traceback" not in m for m in messages)


def test_records_from_stdin_through_the_cli():
    csv_in = b"id,text\nr1,Our stem cells are a guaranteed cure.\n"
    result = run_cli("check", "--format", "json", "--input-format", "csv", "-", stdin=csv_in)
    doc = json.loads(result.stdout)["documents"][0]
    assert doc["source"] == "<stdin>:r1"
    assert "CURE001" in {f["rule"] for f in doc["findings"]}


# ---------------------------------------------------------------------------------- PDF


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF written by hand: one page per list of lines, Helvetica 12 pt."""
    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
            3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               b"/Encoding /WinAnsiEncoding >>"}
    kids = []
    for i, lines in enumerate(pages):
        page_id, content_id = 4 + 2 * i, 5 + 2 * i
        kids.append(f"{page_id} 0 R")
        ops = "BT /F1 12 Tf 16 TL 72 720 Td " + " ".join(
            f"({esc(line)}) Tj T*" for line in lines) + " ET"
        stream = ops.encode("cp1252")
        objs[page_id] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
                         f"<< /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>").encode()
        objs[content_id] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    objs[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for k in sorted(objs):
        offsets[k] = len(out)
        out += b"%d 0 obj\n" % k + objs[k] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for k in sorted(objs):
        out += b"%010d 00000 n \n" % offsets[k]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, xref)
    return bytes(out)


#: the text of samples/brochure.pdf (regenerate with: python tests/test_inputs.py)
BROCHURE = [
    ["Evergreen Cell Health Center",
     "",
     "Welcome to a new chapter in healing.",
     "Our stem cell treatments are a guaranteed cure for joint pain and back pain.",
     "Because we use your own cells, there are no side effects."],
    ["Why Patients Choose Us",
     "",
     "Our cells repair damaged nerves and regrow worn cartilage.",
     "Seats are limited, so book your free consultation today.",
     "Evergreen Cell Health Center (a made-up clinic for this example)"],
]


def test_pdf_pages_are_joined_by_form_feeds(tmp_path):
    path = tmp_path / "two.pdf"
    path.write_bytes(make_pdf([["Page one (intro) text."],
                               ["Our stem cells are a guaranteed cure."]]))
    doc = ingest.read_file(path)
    assert doc.error is None
    assert doc.text == "Page one (intro) text.\n\f\nOur stem cells are a guaranteed cure."
    assert doc.pages == (0, doc.text.index("Our stem"))
    assert "form feeds" in doc.notes[0] and "start of the document" in doc.notes[0]
    forced = collect([str(path)], InputOptions(input_format="pdf")).documents[0]
    assert forced.text == doc.text


def test_brochure_pdf_end_to_end():
    assert (SAMPLES / "brochure.pdf").read_bytes() == make_pdf(BROCHURE)
    result = run_cli("check", "--format", "json", str(SAMPLES / "brochure.pdf"))
    assert result.returncode == 1, result.stderr
    doc = json.loads(result.stdout)["documents"][0]
    text = ingest.read_file(SAMPLES / "brochure.pdf").text
    rules = {f["rule"]: f for f in doc["findings"] if f["counted"]}
    assert {"CURE001", "SAFE001", "MECH002"} <= set(rules)
    nerve = rules["MECH002"]
    assert nerve["line"] > text[:text.index("\f")].count("\n") + 1  # on page two
    assert at(text, nerve["line"], nerve["column"]).startswith(nerve["match"])


def test_encrypted_and_broken_pdfs_are_error_records(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([["Secret cure."]]))))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    locked = io.BytesIO()
    writer.write(locked)
    (tmp_path / "locked.pdf").write_bytes(locked.getvalue())
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage")
    (tmp_path / "empty.pdf").write_bytes(make_pdf([[]]))
    docs = collect([str(tmp_path / n) for n in ("locked.pdf", "broken.pdf", "empty.pdf")])
    assert errors(docs.documents) == ["pdf", "pdf", "pdf"]
    locked_msg, broken_msg, empty_msg = (d.error.message for d in docs.documents)
    assert "encrypted" in locked_msg and "not a readable PDF" in broken_msg
    assert "no text" in empty_msg


# ---------------------------------------------------------------------------------- URLs


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        route = self.routes.get(self.path)
        if route is None:
            self.send_error(404, "Not Found")
            return
        status, headers, body, delay = route
        if delay:
            time.sleep(delay)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if "Content-Length" not in headers and body is not None:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body or b"")
        except OSError:
            pass  # the client gave up (size cap, timeout)

    def log_message(self, *args) -> None:  # keep the test output quiet
        pass


class _NoLengthHandler(_Handler):
    """Writes the body in pieces with no Content-Length, closing the connection at the end."""

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            for _ in range(200):
                self.wfile.write(b"Stem cells cure all. " * 50)
        except OSError:
            pass
        self.close_connection = True


def _serve(handler: type) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def site():
    html = CLINIC_PAGE.read_bytes()
    _Handler.routes = {
        "/page.html": (200, {"Content-Type": "text/html; charset=utf-8"}, html, 0),
        "/plain": (200, {"Content-Type": "text/plain"},
                   b"Our stem cells are a guaranteed cure.", 0),
        "/latin1": (200, {"Content-Type": "text/plain; charset=iso-8859-1"},
                    "Caf\u00e9 cells.".encode("latin-1"), 0),
        "/moved": (301, {"Location": "/plain"}, b"", 0),
        "/loop-a": (302, {"Location": "/loop-b"}, b"", 0),
        "/loop-b": (302, {"Location": "/loop-a"}, b"", 0),
        "/error": (500, {"Content-Type": "text/plain"}, b"oops", 0),
        "/slow": (200, {"Content-Type": "text/plain"}, b"late", 3),
        "/big": (200, {"Content-Type": "text/plain"}, b"x" * 5000, 0),
        "/image.png": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n", 0),
        "/download": (200, {"Content-Type": "application/octet-stream"}, b"\x00\x01", 0),
        "/ads.csv": (200, {"Content-Type": "text/csv"},
                     (SAMPLES / "ads.csv").read_bytes(), 0),
        "/brochure": (200, {"Content-Type": "application/pdf"}, make_pdf(BROCHURE), 0),
    }
    for n in range(7):  # a chain longer than the 5 redirects allowed
        _Handler.routes[f"/hop{n}"] = (302, {"Location": f"/hop{n + 1}"}, b"", 0)
    server, base = _serve(_Handler)
    streaming, stream_base = _serve(_NoLengthHandler)
    yield base, stream_base
    for s in (server, streaming):
        s.shutdown()
        s.server_close()


@pytest.fixture
def no_proxy(monkeypatch):
    for key, value in NO_PROXY.items():
        monkeypatch.setenv(key, value)


def _fetch(url: str, **options) -> list[Document]:
    return collect([url], InputOptions(**{"timeout": 2.0, **options})).documents


def test_url_html_page_goes_through_the_extractor(site, no_proxy):
    base, _ = site
    doc = _fetch(f"{base}/page.html")[0]
    assert doc.error is None and doc.source == f"{base}/page.html"
    assert doc.notes == (NOTE_MAIN,)
    assert "guaranteed cure" in doc.text and "cookie" not in doc.text.lower()


def test_url_text_charset_redirect_records_and_pdf(site, no_proxy):
    base, _ = site
    plain, latin, moved, csv_docs, pdf = (
        _fetch(f"{base}/plain"), _fetch(f"{base}/latin1"), _fetch(f"{base}/moved"),
        _fetch(f"{base}/ads.csv"), _fetch(f"{base}/brochure"))
    assert plain[0].text == "Our stem cells are a guaranteed cure." and not plain[0].notes
    assert latin[0].text == "Caf\u00e9 cells."
    assert moved[0].text == plain[0].text and moved[0].source == f"{base}/moved"
    assert "redirected" in moved[0].notes[0]
    assert [d.source for d in csv_docs][:2] == [f"{base}/ads.csv:ad-101", f"{base}/ads.csv:ad-102"]
    assert "guaranteed cure" in pdf[0].text and len(pdf[0].pages) == 2


@pytest.mark.parametrize("path, options, kind, words", [
    ("/missing", {}, "http", "HTTP 404"),
    ("/error", {}, "http", "HTTP 500"),
    ("/loop-a", {}, "redirect", "redirect loop"),
    ("/hop0", {}, "redirect", "more than 5"),
    ("/slow", {"timeout": 0.5}, "timeout", "0.5 s"),
    ("/big", {"max_bytes": 1000}, "too_large", "--max-bytes"),
    ("/image.png", {}, "not_text", "image/png"),
    ("/download", {}, "not_text", "application/octet-stream"),
])
def test_url_failures_are_error_records(site, no_proxy, path, options, kind, words):
    base, _ = site
    started = time.monotonic()
    doc = _fetch(base + path, **options)[0]
    assert doc.error is not None and doc.error.type == kind, doc.error
    assert words in doc.error.message and "\n" not in doc.error.message
    assert time.monotonic() - started < 2.5


def test_url_body_past_max_bytes_without_content_length(site, no_proxy):
    _, stream_base = site
    doc = _fetch(f"{stream_base}/anything", max_bytes=10_000)[0]
    assert doc.error.type == "too_large" and "stopped reading" in doc.error.message


def test_unreachable_port_and_other_schemes(no_proxy):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    docs = collect([f"http://127.0.0.1:{port}/", "ftp://example.invalid/ad.txt",
                    "file:///etc/hostname"], InputOptions(timeout=2.0)).documents
    assert errors(docs) == ["fetch", "url", "url"]
    assert "connection refused" in docs[0].error.message
    assert "only http and https" in docs[1].error.message


def test_urls_end_to_end_one_bad_url_does_not_stop_the_batch(site):
    base, _ = site
    result = run_cli("check", "--format", "json", "--timeout", "2", f"{base}/page.html",
                     f"{base}/missing", env=NO_PROXY)
    assert result.returncode == 2
    docs = json.loads(result.stdout)["documents"]
    assert docs[0]["source"] == f"{base}/page.html" and docs[0]["score"] is not None
    assert "CURE001" in {f["rule"] for f in docs[0]["findings"]}
    assert docs[1]["error"] == {"type": "http", "message": "HTTP 404 Not Found"}


# ---------------------------------------------------------------------------------- folders


def _tree(root: Path) -> None:
    files = {
        "a.txt": "Our stem cells are a guaranteed cure.",
        "b.md": "# Notes\n\nAsk about the risks.",
        "image.png": "not really a png",
        "Makefile": "all:",
        ".hidden.txt": "hidden",
        ".secret/x.txt": "hidden folder",
        "sub/c.html": "<html><body><p>Our cells repair nerves.</p></body></html>",
        "sub/ads.jsonl": json.dumps({"id": "j1", "text": "No side effects."}) + "\n",
        "sub/notes.csv": "file,reviewer\na.txt,JS\n",
        "sub/deeper/d.txt": "Deep.",
        "drafts/e.txt": "Draft.",
        "drafts/more/f.txt": "Draft too.",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _rel(docs: list[Document], root: Path) -> list[str]:
    return [os.path.relpath(d.source, root) for d in docs]


def test_folder_scan_sorted_hidden_skipped_and_other_types_counted(tmp_path):
    _tree(tmp_path)
    out = collect([str(tmp_path)])
    assert _rel(out.documents, tmp_path) == [
        "a.txt", "b.md", "drafts/e.txt", "drafts/more/f.txt", "sub/ads.jsonl:j1", "sub/c.html",
        "sub/deeper/d.txt"]
    assert out.skipped == {".png": 1, "(none)": 1, ".csv (no 'text' column)": 1}
    assert errors(out.documents) == [None] * 7


def test_include_exclude_and_claimcheckignore(tmp_path):
    _tree(tmp_path)
    only_txt = collect([str(tmp_path)], InputOptions(include=("*.txt",), exclude=("sub/*",)))
    assert _rel(only_txt.documents, tmp_path) == ["a.txt", "drafts/e.txt", "drafts/more/f.txt"]
    by_dir = collect([str(tmp_path)], InputOptions(exclude=("drafts/", "deeper")))
    assert "drafts/e.txt" not in _rel(by_dir.documents, tmp_path)
    assert "sub/deeper/d.txt" not in _rel(by_dir.documents, tmp_path)
    (tmp_path / ".claimcheckignore").write_text(
        "# drafts are not published\ndrafts/\n\n*.md\n/sub/c.html\n", encoding="utf-8")
    ignored = collect([str(tmp_path)])
    assert _rel(ignored.documents, tmp_path) == ["a.txt", "sub/ads.jsonl:j1",
                                                 "sub/deeper/d.txt"]


def test_symlink_loops_and_unreadable_folders_are_error_records(tmp_path, monkeypatch):
    _tree(tmp_path)
    (tmp_path / "sub" / "back").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "deeper":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr("claimcheck.ingest.walk.os.scandir", scandir)
    docs = collect([str(tmp_path)]).documents
    by_source = {os.path.relpath(d.source, tmp_path): d for d in docs}
    assert by_source["sub/back"].error.type == "loop"
    assert by_source["self.txt"].error.type == "read"
    assert by_source["gone.txt"].error.type == "not_found"
    assert by_source["sub/deeper"].error.type == "permission"
    assert by_source["a.txt"].error is None


def test_folder_of_mixed_inputs_end_to_end(tmp_path):
    _tree(tmp_path)
    (tmp_path / "brochure.pdf").write_bytes(make_pdf(BROCHURE))
    result = run_cli("check", "--format", "json", "--fail-under", "0", "--exclude", "drafts/",
                     str(tmp_path))
    assert result.returncode == 0, result.stderr
    sources = [os.path.relpath(d["source"], tmp_path)
               for d in json.loads(result.stdout)["documents"]]
    assert sources == ["a.txt", "b.md", "brochure.pdf", "sub/ads.jsonl:j1", "sub/c.html",
                       "sub/deeper/d.txt"]
    assert "skipped" in result.stderr.decode()


def test_iter_documents_is_lazy(tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"id": n, "text": f"Ad {n}."}) + "\n"
                            for n in range(1000)), encoding="utf-8")
    skipped: dict[str, int] = {}
    docs = iter_documents([str(path)], InputOptions(), skipped)
    assert next(docs).source == f"{path}:0"
    assert next(docs).text == "Ad 1."


if __name__ == "__main__":  # regenerate the sample brochure
    (ROOT / "samples" / "brochure.pdf").write_bytes(make_pdf(BROCHURE))


def test_pdf_findings_carry_their_page():
    from claimcheck.checker import check_documents

    report = check_documents([SAMPLES / "brochure.pdf"])
    pages = {f.page for f in report.documents[0].findings}
    assert pages == {1, 2}
    assert all(f.to_dict()["page"] in (1, 2) for f in report.documents[0].findings)
