"""Hostile inputs: one catalogue of what can be thrown at claimcheck, and what must happen.

Each row of ``CASES`` builds its input in a temporary folder and runs the real command line in
a subprocess. Every row is also held to the same rules: no traceback and no "internal error" on
stderr, stdout parses as the format asked for (JSON or JSONL), each document is either checked
(a score) or an error record of the listed type, in input order, so a batch goes on past a bad
input. URLs are served by an http.server on 127.0.0.1 in a thread; nothing leaves the machine.
The closed-pipe and Ctrl-C rows reuse the tests in test_signals.py on a batch of their own.
"""

from __future__ import annotations

import gzip
import http.server
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import test_signals as signals
from conftest import SAMPLES, USER_RULE, run_cli

CLAIM = "Our stem cells are a guaranteed cure."  # one counted red flag: CURE001
GOOD_TEXT = CLAIM + "\n"
#: proxies off for the subprocess: empty *_proxy values are ignored, '*' bypasses all hosts
NET_ENV = {"NO_PROXY": "*", "no_proxy": "*", "http_proxy": "", "HTTP_PROXY": "",
           "https_proxy": "", "HTTPS_PROXY": "", "all_proxy": "", "ALL_PROXY": ""}
MB = 1024 * 1024

#: a valid rule file (the README's example); the rule-file rows break it in one way each
RULE = USER_RULE
BILLION_LAUGHS = "".join(
    ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n']
    + [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]\n" for n in range(1, 10)])


# ---------------------------------------------------------------------------------- the server


class _Site(http.server.BaseHTTPRequestHandler):
    """Misbehaving pages. HTTP/1.0: a body without Content-Length ends when the server closes."""

    BLOCK = b"Stem cells cure everything, guaranteed. " * 1600  # 64,000 bytes

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        try:
            self._route()
        except OSError:
            pass  # the client hung up (size cap, timeout): expected, not an error

    def _route(self) -> None:
        if self.path == "/plain":
            self._head(200, "text/plain; charset=utf-8", len(CLAIM))
            self.wfile.write(CLAIM.encode())
        elif self.path == "/slow":  # nothing at all for 3 s
            time.sleep(3)
            self._head(200, "text/plain", len(CLAIM))
            self.wfile.write(CLAIM.encode())
        elif self.path == "/drip":  # headers at once, then a byte now and then, for 20 s
            self._head(200, "text/plain")
            for _ in range(100):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.2)
        elif self.path in ("/loop-a", "/loop-b"):
            self.send_response(302)
            self.send_header("Location", "/loop-b" if self.path == "/loop-a" else "/loop-a")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path in ("/huge", "/huge-declared"):  # 100 MB, streamed, never in memory
            size = 100 * MB
            self._head(200, "text/plain", size if self.path == "/huge-declared" else None)
            sent = 0
            while sent < size:
                self.wfile.write(self.BLOCK[:size - sent])
                sent += len(self.BLOCK)
        elif self.path == "/image.png":
            png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
            self._head(200, "image/png", len(png))
            self.wfile.write(png)
        elif self.path == "/base64-charset":  # a charset label that is not a text encoding
            self._head(200, "text/plain; charset=base64", len(CLAIM))
            self.wfile.write(CLAIM.encode())
        else:
            self.send_error(404, "Not Found")

    def _head(self, status: int, content_type: str, length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def log_message(self, *args) -> None:  # keep the test output quiet
        pass


@pytest.fixture(scope="module")
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def signal_batch(tmp_path_factory):
    """The batch test_signals.py uses: long enough that Ctrl-C lands in the middle of it."""
    folder = tmp_path_factory.mktemp("signal-batch")
    text = (SAMPLES / "marketing-clinic.txt").read_text(encoding="utf-8") * 3
    for n in range(800):
        (folder / f"page{n:03d}.txt").write_text(text, encoding="utf-8")
    return folder


# ---------------------------------------------------------------------------------- builders

Fixture = Callable[[str], object]  # request.getfixturevalue: fixtures are made only if needed
Built = tuple[list[str], bytes | None]  # CLI arguments, stdin


def check(*args: object, fmt: str = "json") -> list[str]:
    """`claimcheck check` with the score threshold off: the exit code is about inputs only."""
    return ["check", "-f", fmt, "--fail-under", "0", *map(str, args)]


def good(tmp: Path) -> Path:
    """A readable document to put beside a bad one: it must still be checked."""
    path = tmp / "zz-good.txt"
    path.write_text(GOOD_TEXT, encoding="utf-8")
    return path


def files_case(*files: tuple[str, bytes | str], fmt: str = "json", with_good: bool = True
               ) -> Callable[[Path, Fixture], Built]:
    """Files with these names and contents, checked in this order (then a good one)."""
    def build(tmp: Path, fx: Fixture) -> Built:
        paths = []
        for name, content in files:
            paths.append(tmp / name)
            paths[-1].write_bytes(content.encode() if isinstance(content, str) else content)
        return check(*paths, *([good(tmp)] if with_good else []), fmt=fmt), None
    return build


def file_case(name: str, content: bytes | str, fmt: str = "json",
              with_good: bool = True) -> Callable[[Path, Fixture], Built]:
    return files_case((name, content), fmt=fmt, with_good=with_good)


def no_punctuation_mb(tmp: Path, fx: Fixture) -> Built:
    words = "our stem cells are a guaranteed cure and repair damaged nerves with no side effects "
    path = tmp / "one-paragraph.txt"
    path.write_text((words * (MB // len(words) + 1))[:MB], encoding="utf-8")
    return check(path), None


def fifty_mb(tmp: Path, fx: Fixture) -> Built:
    path = tmp / "fifty.txt"
    with path.open("wb") as f:
        f.truncate(50 * MB)  # sparse: the size is refused before a byte is read
    return check(path, good(tmp)), None


def csv_big_cell(tmp: Path, fx: Fixture) -> Built:
    path = tmp / "ads.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write(f'id,text\nr1,{CLAIM}\nr2,"')
        block = "Stem cells cure everything. " * 1000
        for _ in range(10 * MB // len(block) + 1):
            f.write(block)
        f.write('"\nr3,Ask your doctor about the risks.\n')
    return check("--max-bytes", "5000000", path, fmt="jsonl"), None


def unreadable_folder(tmp: Path, fx: Fixture) -> Built:
    folder = tmp / "pages"
    (folder / "locked").mkdir(parents=True)
    (folder / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "locked" / "b.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "locked").chmod(0)
    fx("request").addfinalizer(lambda: (folder / "locked").chmod(0o755))  # for the clean-up
    return check(folder), None


def symlink_loop(tmp: Path, fx: Fixture) -> Built:
    folder = tmp / "pages"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "sub" / "back").symlink_to(folder, target_is_directory=True)  # sub/back -> ..
    (folder / "sub" / "c.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "self.txt").symlink_to(folder / "self.txt")  # a file link to itself
    return check(folder), None


def url_case(*paths: str, timeout: str = "5") -> Callable[[Path, Fixture], Built]:
    def build(tmp: Path, fx: Fixture) -> Built:
        base = fx("site")
        return check("--timeout", timeout, *(base + p for p in paths), base + "/plain"), None
    return build


def rule_case(text: str) -> Callable[[Path, Fixture], Built]:
    def build(tmp: Path, fx: Fixture) -> Built:
        path = tmp / "my-rules.yaml"
        path.write_text(text, encoding="utf-8")
        return check("--rules", path, good(tmp)), None
    return build


def nested_html(depth: int) -> str:
    return f"<html><body>{'<div>' * depth}<p>{CLAIM}</p>{'</div>' * depth}</body></html>"


def jsonl(*lines: str) -> str:
    return "".join(line + "\n" for line in lines)


def row(ident: str, text: str = CLAIM) -> str:
    return json.dumps({"id": ident, "text": text})


# ---------------------------------------------------------------------------------- checks

Result = dict  # returncode, stdout, stderr, documents (parsed), tmp


def found(rule: str, index: int = 0) -> Callable[[Result], None]:
    def check_found(r: Result) -> None:
        assert rule in {f["rule"] for f in r["documents"][index]["findings"]}
    return check_found


def nothing_found(r: Result) -> None:
    doc = r["documents"][0]
    assert doc["score"] == 100 and doc["findings"] == [] and doc["stats"]["words"] == 0


def message(index: int, *words: str) -> Callable[[Result], None]:
    def check_message(r: Result) -> None:
        text = r["documents"][index]["error"]["message"]
        assert all(w in text for w in words), text
    return check_message


def both(*checks: Callable[[Result], None]) -> Callable[[Result], None]:
    def check_all(r: Result) -> None:
        for c in checks:
            c(r)
    return check_all


def offsets_valid(r: Result) -> None:
    text = (r["tmp"] / "one-paragraph.txt").read_text(encoding="utf-8")
    findings = r["documents"][0]["findings"]
    assert findings and r["documents"][0]["stats"]["sentences"] >= 1
    for f in findings:
        assert text[f["start"]:f["end"]] == f["match"]
        assert (f["line"], f["column"]) == (1, f["start"] + 1)  # one line, no newline


def one_line_naming_the_file(*words: str) -> Callable[[Result], None]:
    def check_stderr(r: Result) -> None:
        err = r["stderr"].decode()
        assert len(err.strip().splitlines()) == 1, err
        assert "my-rules.yaml" in err and all(w in err for w in words), err
        assert r["stdout"] == b""
    return check_stderr


# ---------------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Path, Fixture], Built] | None  # None: ``reuse`` runs the row
    exit: int
    errors: list[str | None]  # error.type of each document in output order; None = checked
    extra: Callable[[Result], None] | None = None
    reuse: Callable[[Fixture], None] | None = None  # a test from test_signals.py, asserting
    skip: str | None = None  # why this row cannot run here
    xfail: str | None = None  # a known bug in a file this test does not own


ROOT_SKIP = ("running as root: chmod cannot take away root's access, so the folder stays "
             "readable" if hasattr(os, "geteuid") and os.geteuid() == 0 else None)

CASES = [
    # --- plain files: size, encoding, binary
    Case("empty-file", file_case("empty.txt", b"", with_good=False), 0, [None], nothing_found),
    Case("whitespace-only", file_case("blank.txt", " \n\t\n   \r\n", with_good=False), 0,
         [None], nothing_found),
    Case("nul-bytes-and-binary-file", files_case(
        ("nul.txt", CLAIM.encode() + b"\x00\x01" + CLAIM.encode()),
        ("page.txt", gzip.compress(CLAIM.encode() * 50, mtime=0))), 2,
         ["binary", "binary", None], found("CURE001", 2)),
    Case("invalid-utf8", file_case("bad.txt", b"Our stem \xff\xfe cells \xc3 cure."), 2,
         ["decode", None], message(0, "not UTF-8", "0xff", "convert it to UTF-8")),
    Case("utf16-with-bom", file_case("u16.txt", GOOD_TEXT.encode("utf-16"), with_good=False),
         0, [None], found("CURE001")),
    Case("latin1-e-acute", file_case("latin.txt", ("Caf\u00e9 " + CLAIM).encode("latin-1")), 2,
         ["decode", None], message(0, "0xe9", "convert it to UTF-8 first")),
    Case("1mb-no-punctuation", no_punctuation_mb, 0, [None], offsets_valid),
    Case("50mb-file", fifty_mb, 2, ["too_large", None], message(0, "--max-bytes", "20,971,520")),
    Case("stdin-binary", lambda tmp, fx: (check("-"), b"\x89PNG\r\n\x1a\n\x00\x00\x00"), 2,
         ["binary"]),
    # --- HTML
    Case("html-only-scripts-and-styles", file_case(
        "scripts.html", "<html><head><style>p{color:red}</style><script>var a='guaranteed "
        "cure';</script></head><body><script>document.write(1)</script></body></html>",
        with_good=False), 0, [None], nothing_found),
    Case("html-5000-nested-divs", file_case("deep.html", nested_html(5000), with_good=False),
         0, [None], found("CURE001")),
    Case("html-broken", file_case(
        "broken.html", f"<html><body><p>{CLAIM[:-1]} <b>now <div></p></i>< < >> 3 < 4 &&&; "
        "<!-- unclosed <script>var x = '", with_good=False), 0, [None], found("CURE001")),
    Case("html-meta-charset-not-a-text-codec", file_case(
        "rot.html", b'<html><head><meta charset="rot13"></head><body><p>Caf\xe9. '
        + CLAIM.encode() + b"</p></body></html>"), 2, ["decode", None]),
    # --- CSV and JSONL records
    Case("csv-missing-text-column", file_case("notes.csv", f"id,body\n1,{CLAIM}\n"), 2,
         ["column", None], message(0, "no column 'text'", "id, body")),
    Case("csv-ragged-rows", file_case("ads.csv", f"id,text\na,{CLAIM}\nb,too,many\nc\n"
                                      "d,Ask about the risks.\n", with_good=False), 2,
         [None, "csv", "csv", None], message(1, "row 2 has 3 fields")),
    Case("csv-10mb-cell", csv_big_cell, 2, [None, "too_large", None],
         both(message(1, "--max-bytes", "5,000,000"), found("CURE001"))),
    Case("jsonl-malformed-middle-line", file_case(
        "ads.jsonl", jsonl(row("a"), '{"id": "b", "text": "unterminated', row("c")),
        with_good=False, fmt="jsonl"), 2, [None, "jsonl", None], message(1, "line 2")),
    Case("jsonl-hostile-values", file_case(
        "ads.jsonl", jsonl(row("lone-surrogate", CLAIM + " \ud800"),
                           '{"id": "big", "text": "x", "n": 1' + "0" * 5000 + "}",
                           "[" * 100_000 + "]" * 100_000, row("after")),
        with_good=False, fmt="jsonl"), 2, [None, "jsonl", "jsonl", None], found("CURE001")),
    # --- paths and folders
    Case("missing-path", lambda tmp, fx: (check(tmp / "nowhere.txt", good(tmp)), None), 2,
         ["not_found", None]),
    Case("folder-without-permission", unreadable_folder, 2, [None, "permission"],
         skip=ROOT_SKIP),
    Case("symlink-loop-in-folder", symlink_loop, 2, [None, "read", "loop", None],
         message(1, "symbolic links")),
    # --- URLs (a local server)
    Case("url-slow-past-timeout", url_case("/slow", "/drip", timeout="1"), 2,
         ["timeout", "timeout", None],  # no answer at all / headers, then a byte at a time
         both(message(0, "1 s"), message(1, "1 s"))),
    Case("url-404", url_case("/missing"), 2, ["http", None], message(0, "HTTP 404")),
    Case("url-redirect-loop", url_case("/loop-a"), 2, ["redirect", None],
         message(0, "redirect loop")),
    Case("url-100mb-body", url_case("/huge", "/huge-declared"), 2,
         ["too_large", "too_large", None],  # streamed with no length / a declared length
         both(message(0, "--max-bytes", "stopped reading"), message(1, "104,857,600"))),
    Case("url-image-png", url_case("/image.png"), 2, ["not_text", None],
         message(0, "image/png")),
    Case("url-charset-not-a-text-codec", url_case("/base64-charset"), 0, [None, None],
         found("CURE001")),
    # --- rule files: exit 2, one line on stderr naming the file, no report
    Case("rules-yaml-syntax-error", rule_case(RULE.replace("[heal, cure]}}]", "[heal")), 2, [],
         one_line_naming_the_file("YAML error")),
    Case("rules-unknown-key", rule_case(RULE.replace("  similarity: 90\n", "  colour: red\n")),
         2, [], one_line_naming_the_file("'colour'", "unknown key")),
    Case("rules-duplicate-id", rule_case(RULE + RULE), 2, [],
         one_line_naming_the_file("HYPE950", "duplicate rule id")),
    Case("rules-invalid-token-pattern", rule_case(RULE.replace('OP: "?"', 'OP: "x"')), 2, [],
         one_line_naming_the_file("patterns.tokens", "OP must be")),
    Case("rules-token-value-spacy-rejects", rule_case(RULE.replace("{LEMMA: quantum}",
                                                                   "{LENGTH: long}")),
         2, [], one_line_naming_the_file("token pattern does not compile")),
    Case("rules-billion-laughs", rule_case(BILLION_LAUGHS), 2, [],
         one_line_naming_the_file("anchors and aliases are not allowed")),
    Case("rules-op-is-a-list", rule_case(RULE.replace('OP: "?"', "OP: [x]")), 2, [],
         one_line_naming_the_file("OP")),
    Case("rules-impossible-date", rule_case("- 2001-02-30\n"), 2, [],
         one_line_naming_the_file("not a mapping")),
    Case("rules-control-character", rule_case(RULE.replace("HYPE950", "HYPE\x01950", 1)), 2,
         [], one_line_naming_the_file("YAML error")),
    Case("rules-nested-10000-deep", rule_case("[" * 10_000 + "]" * 10_000), 2, [],
         one_line_naming_the_file("YAML")),
    # --- signals (the tests in test_signals.py, run on this module's batch)
    Case("closed-pipe-head-1", None, 141, [None], reuse=lambda fx: (
        signals.test_a_closed_pipe_ends_quietly(fx("signal_batch"), "jsonl"))),
    Case("ctrl-c-mid-batch", None, 130, [None], reuse=lambda fx: (
        signals.test_ctrl_c_stops_fast_with_every_written_line_whole(fx("signal_batch"), "1"))),
]


def _params() -> list:
    params = []
    for case in CASES:
        marks = [pytest.mark.skip(reason=case.skip)] if case.skip else []
        if case.xfail:
            marks.append(pytest.mark.xfail(reason=case.xfail, strict=False))
        params.append(pytest.param(case, id=case.id, marks=marks))
    return params


def parse(stdout: bytes, fmt: str) -> list[dict]:
    """The documents of a JSON or JSONL report; raises if the output is not whole."""
    if not stdout:
        return []
    if fmt == "jsonl":
        assert stdout.endswith(b"\n")
        return [json.loads(line) for line in stdout.decode("utf-8").splitlines()]
    report = json.loads(stdout.decode("utf-8"))
    assert report["schema_version"] == 1
    assert report["summary"]["documents"] == len(report["documents"])
    return report["documents"]


def test_catalogue_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", _params())
def test_hostile_input(case: Case, tmp_path, request):
    if case.reuse is not None:  # asserts its own exit code, stderr and output
        case.reuse(request.getfixturevalue)
        return
    args, stdin = case.build(tmp_path, request.getfixturevalue)
    result = run_cli(*args, stdin=stdin, env=NET_ENV, cwd=tmp_path)
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "internal error" not in err, err
    documents = parse(result.stdout, args[args.index("-f") + 1])
    kinds = [d["error"]["type"] if d["error"] else None for d in documents]
    assert (result.returncode, kinds) == (case.exit, case.errors), err
    for doc in documents:  # a bad input is an error record; every other one is checked
        if doc["error"] is None:
            assert 0 <= doc["score"] <= 100 and doc["grade"], doc["source"]
        else:
            assert doc["score"] is None and doc["findings"] == []
            assert doc["error"]["message"] and "\n" not in doc["error"]["message"]
    if case.extra:
        case.extra({"returncode": result.returncode, "stdout": result.stdout,
                    "stderr": result.stderr, "documents": documents, "tmp": tmp_path})
