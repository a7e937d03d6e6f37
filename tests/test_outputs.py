"""Every output format through the real command line, checked against the JSON output.

One run per format on the batch folder, the marketing sample, a page with Markdown-significant
characters and a path that does not exist; the JSON of the same run is the reference.
"""

from __future__ import annotations

import csv
import io
import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SAMPLES, run_cli

FORMATS = ("line", "csv", "markdown", "html", "sarif", "github")
SPECIAL = ("Our stem cells are a guaranteed cure | call *now* for <b>results</b> `today` _only_.\n"
           'The clinic told me: "no side effects" & =1+1.\n')
MISSING_PATH = "no/such/file.txt"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> tuple[str, ...]:
    special = tmp_path_factory.mktemp("outputs") / "special|page.txt"
    special.write_text(SPECIAL, encoding="utf-8")
    return (str(SAMPLES / "batch"), str(SAMPLES / "marketing-clinic.txt"), str(special),
            MISSING_PATH)


@cache
def _run(*args: str) -> bytes:
    result = run_cli("check", *args)
    assert result.returncode == 2, result.stderr  # the missing path fails the batch
    assert result.stdout
    return result.stdout


def output(fmt: str, inputs: tuple[str, ...], *extra: str) -> bytes:
    return _run("--format", fmt, *extra, *inputs)


def reference(inputs: tuple[str, ...]) -> list[dict]:
    return json.loads(output("json", inputs))["documents"]


def counted(docs: list[dict]) -> list[tuple[dict, dict]]:
    return [(d, f) for d in docs for f in d["findings"] if f["counted"]]


# --- line -----------------------------------------------------------------------------------

def test_line_format_is_one_counted_finding_a_line(inputs):
    docs = reference(inputs)
    lines = output("line", inputs).decode("utf-8").splitlines()
    expected = [f"{d['source']}:{f['line']}:{f['column']}: {f['severity']} {f['rule']} "
                f"{f['message']}" for d, f in counted(docs)]
    errors = [f"{d['source']}: error: {d['error']['message']}" for d in docs if d["error"]]
    assert errors == [f"{MISSING_PATH}: error: no such file or directory"]
    assert lines == expected + errors  # the failed input is last in input order
    assert len(expected) >= 30


# --- csv ------------------------------------------------------------------------------------

def _unguard(cell: str) -> str:
    return cell[1:] if cell[:2] in ("'=", "'+", "'-", "'@") else cell


def test_csv_has_one_row_per_finding_matching_the_json(inputs):
    raw = output("csv", inputs)
    assert not raw.startswith("\ufeff".encode())  # a pipe gets no BOM; a file does
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == ["source", "score", "grade", "rule", "name", "category", "severity",
                             "context", "counted", "weight", "line", "column", "start", "end",
                             "match", "sentence", "message", "error"]
    expected = []
    for d in reference(inputs):
        if d["error"]:
            expected.append((d["source"], "", "", "", "", "", d["error"]["message"]))
        elif not d["findings"]:
            expected.append((d["source"], str(d["score"]), "", "", "", "", ""))
        for f in d["findings"]:
            expected.append((d["source"], str(d["score"]), f["rule"], f["start"], f["match"],
                             "true" if f["counted"] else "false", ""))
            row = rows[len(expected) - 1]
            assert float(row["weight"]) == f["weight"]
            assert (int(row["line"]), int(row["column"]), int(row["end"])) == (
                f["line"], f["column"], f["end"])
            assert _unguard(row["sentence"]) == f["sentence"]
    got = [(r["source"], r["score"], r["rule"], int(r["start"]) if r["start"] else "",
            _unguard(r["match"]), r["counted"], r["error"]) for r in rows]
    assert got == expected
    assert any(r["counted"] == "false" for r in rows)  # mentions are rows too
    formula = next(r for r in rows if r["sentence"].startswith("The clinic told me"))
    assert formula["sentence"].endswith("=1+1.")  # a cell that starts with '=' would be guarded


def test_csv_summary_only_is_one_row_per_document_ranked(inputs):
    raw = output("csv", inputs, "--summary-only")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    docs = sorted(reference(inputs), key=lambda d: (d["score"] is None, d["score"] or 0,
                                                    d["source"]))
    assert list(rows[0]) == ["source", "score", "grade", "verdict", "red_flags", "mentioned",
                             "good_signs", "missing", "words", "error"]
    assert [r["source"] for r in rows] == [d["source"] for d in docs]
    for row, d in zip(rows, docs, strict=True):
        if d["error"]:
            assert row["error"] == d["error"]["message"] and row["score"] == ""
            continue
        assert (row["score"], row["grade"], row["verdict"]) == (str(d["score"]), d["grade"],
                                                                d["verdict"])
        n_counted = sum(f["counted"] for f in d["findings"])
        assert int(row["red_flags"]) == n_counted
        assert int(row["mentioned"]) == len(d["findings"]) - n_counted
        assert int(row["good_signs"]) == len(d["signals"])
        assert int(row["missing"]) == len(d["missing"])
        assert int(row["words"]) == d["stats"]["words"]


# --- markdown -------------------------------------------------------------------------------

def _cells(row: str) -> list[str]:
    return re.split(r"(?<!\\)\|", row.strip())[1:-1]


def test_markdown_has_the_tables_and_escapes_quoted_text(inputs):
    md = output("markdown", inputs).decode("utf-8")
    docs = reference(inputs)
    assert md.startswith("# claimcheck report")
    for d in docs:
        if not d["error"]:
            assert f"score {d['score']}/100, grade {d['grade']}" in md
    assert "| line | severity | rule | quote | why it matters |" in md
    # the quoted sentence keeps its | * < > ` _ as text, and the table keeps five columns
    row = next(line for line in md.splitlines() if "CURE001" in line and "today" in line)
    assert "**guaranteed cure** \\| call \\*now\\* for \\<b\\>results\\</b\\> \\`today\\` " \
           "\\_only\\_." in row
    assert len(_cells(row)) == 5
    for line in md.splitlines():
        if line.startswith("| "):
            assert len(_cells(line)) in (3, 5), line
    assert "special\\|page.txt" in md  # file names are escaped too
    summary = md[md.index("## Summary"):]
    ranked = [s for s in (d["score"] for d in docs) if s is not None]
    scores = [int(c[1]) for c in map(_cells, summary.splitlines()[4:]) if c and c[1].strip()
              != "-"]
    assert scores == sorted(ranked)
    assert "no such file or directory" in summary


# --- sarif ----------------------------------------------------------------------------------

def test_sarif_is_structurally_valid_and_matches_the_json(inputs):
    log = json.loads(output("sarif", inputs))
    assert log["version"] == "2.1.0"
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "claimcheck" and driver["version"]
    rules = driver["rules"]
    assert [r["id"] for r in rules] == sorted({r["id"] for r in rules})
    for rule in rules:
        assert rule["name"] and rule["shortDescription"]["text"]
    expected = counted(reference(inputs))
    assert len(run["results"]) == len(expected)
    levels = {"high": "error", "medium": "warning", "low": "note"}
    for result, (doc, f) in zip(run["results"], expected, strict=True):
        assert set(result) >= {"ruleId", "level", "message", "locations"}
        assert result["ruleId"] == f["rule"] == rules[result["ruleIndex"]]["id"]
        assert result["level"] == levels[f["severity"]]
        assert result["message"]["text"].startswith(f["message"])
        physical = result["locations"][0]["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert uri == doc["source"].replace("|", "%7C")
        region = physical["region"]
        assert (region["startLine"], region["startColumn"]) == (f["line"], f["column"])
        assert (region["charOffset"], region["charLength"]) == (f["start"],
                                                                f["end"] - f["start"])
        assert region["endLine"] == f["line"] + f["match"].count("\n")
        if "\n" not in f["match"]:
            assert region["endColumn"] == f["column"] + len(f["match"])
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["error"]
    assert run["invocations"][0]["executionSuccessful"] is False


# --- github ---------------------------------------------------------------------------------

ANNOTATION = re.compile(r"^::(error|warning|notice) file=([^,:]+),line=(\d+),col=(\d+),"
                        r"title=([A-Z]+\d{3}|RF-[A-Z]+) ([^,:]+)::(.+)$")


def test_github_annotations(inputs):
    lines = output("github", inputs).decode("utf-8").splitlines()
    expected = counted(reference(inputs))
    commands = {"high": "error", "medium": "warning", "low": "notice"}
    assert len(lines) == len(expected) + 1
    for line, (doc, f) in zip(lines[:-1], expected, strict=True):
        m = ANNOTATION.match(line)
        assert m, line
        assert m.group(1) == commands[f["severity"]]
        assert m.group(2) == doc["source"]
        assert (int(m.group(3)), int(m.group(4))) == (f["line"], f["column"])
        assert m.group(5) == f["rule"]
        assert "\n" not in m.group(7) and m.group(7).startswith(
            f["message"].replace("%", "%25"))
    assert "%25" in "\n".join(lines)  # "100% safe" is escaped
    assert lines[-1] == f"::error file={MISSING_PATH}::no such file or directory"


def test_github_escaping():
    from claimcheck.render.github import escape_data, escape_property

    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


# --- html -----------------------------------------------------------------------------------

VOID = {"meta", "br", "hr", "img", "input", "link", "source", "wbr", "area", "base", "col"}


class Page(HTMLParser):
    """Checks that tags nest, collects the highlights (with their text) and every id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.open: list[tuple[int, dict]] = []
        self.marks: list[dict] = []
        self.ids: set[str] = set()
        self.problems: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            if a["id"] in self.ids:
                self.problems.append(f"duplicate id {a['id']}")
            self.ids.add(a["id"])
        for key in ("src", "href", "action", "data"):
            if key in a:
                self.urls.append(a[key])
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag == "mark" and "hl" in a.get("class", "").split():
            mark = {**a, "text": ""}
            self.marks.append(mark)
            self.open.append((len(self.stack), mark))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else ''}>")
            return
        if self.open and self.open[-1][0] == len(self.stack):
            self.open.pop()
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for _, mark in self.open:
            mark["text"] += data


def parse_page(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def check_highlights(page: Page, docs: list[dict]) -> int:
    """Each finding and good sign has one highlight (maybe split) at its JSON offsets."""
    groups: dict[str, list[dict]] = {}
    for mark in page.marks:
        groups.setdefault(mark["data-card"], []).append(mark)
    expected = {}
    for n, d in enumerate(docs, 1):
        for i, f in enumerate(d["findings"], 1):
            expected[f"d{n}-f{i}"] = (f, "counted" if f["counted"] else "mentioned")
        for i, s in enumerate(d["signals"], 1):
            expected[f"d{n}-s{i}"] = (s, "signal")
    assert set(groups) == set(expected)
    for card, marks in groups.items():
        item, kind = expected[card]
        assert [("cont" in m["class"].split()) for m in marks] == [False] + [True] * (
            len(marks) - 1), card
        for m in marks:
            assert (int(m["data-start"]), int(m["data-end"])) == (item["start"], item["end"])
            assert m["data-rule"] == item["rule"] and kind in m["class"].split()
        assert "".join(m["text"] for m in marks) == item["match"], card
        assert card in page.ids and f"{card}-hl" in page.ids
    return len(groups)


def test_html_is_well_formed_with_one_highlight_per_finding(inputs):
    html = output("html", inputs).decode("utf-8")
    docs = reference(inputs)
    page = parse_page(html)
    assert not page.problems and not page.stack
    assert html.startswith("<!DOCTYPE html>")
    assert check_highlights(page, docs) == sum(len(d["findings"]) + len(d["signals"])
                                               for d in docs)
    assert not [u for u in page.urls if not u.startswith("#")]  # links stay in the page
    assert "Content-Security-Policy" in html
    for n in range(1, len(docs) + 1):
        assert f'id="doc-{n}"' in html and f'href="#doc-{n}"' in html
    assert '<span class="badge grade-F"' in html
    # the index is ranked lowest first, the failed input last
    index = html[html.index('id="index"'):html.index('id="doc-1"')]
    order = [int(n) for n in re.findall(r'href="#doc-(\d+)"', index)]
    scores = [docs[n - 1]["score"] for n in order]
    assert scores[-1] is None and scores[:-1] == sorted(scores[:-1])


def test_html_splits_overlapping_spans(tmp_path):
    """The careful article has partly overlapping good signs and mentions."""
    out = tmp_path / "careful.html"
    args = ("--fail-under", "0", str(SAMPLES / "careful-article.txt"))
    assert run_cli("check", "-f", "html", "-o", str(out), *args).returncode == 0
    docs = json.loads(run_cli("check", "-f", "json", *args).stdout)["documents"]
    page = parse_page(out.read_text("utf-8"))
    assert not page.problems
    check_highlights(page, docs)
    assert any("cont" in m["class"].split() for m in page.marks)


def test_html_highlight_nesting_unit():
    from claimcheck.render.html import Span, highlight

    spans = [Span(0, 6, "counted", "A", "a", "t"), Span(4, 9, "signal", "B", "b", "t<\"&"),
             Span(2, 4, "mentioned", "C", "c", "t"), Span(9, 9, "signal", "D", "d", "t")]
    page = parse_page(f"<div>{highlight('abcdefghij<', spans)}</div>")
    assert not page.problems and not page.stack
    texts: dict[str, str] = {}
    for m in page.marks:
        texts[m["data-card"]] = texts.get(m["data-card"], "") + m["text"]
    assert texts == {"a": "abcdef", "b": "efghi", "c": "cd", "d": ""}


# --- every format ---------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_deterministic_and_output_writes_the_file(fmt, inputs, tmp_path):
    """A second run, this time with --output: the file is byte-identical to the first stdout."""
    first = output(fmt, inputs)
    assert b"\x1b[" not in first
    target = tmp_path / f"report.{fmt}"
    result = run_cli("check", "--format", fmt, "--output", str(target), *inputs)
    assert result.returncode == 2 and result.stdout == b""
    written = target.read_bytes()
    if fmt == "csv":  # a CSV file starts with a byte-order mark, for spreadsheets
        assert written.startswith("\ufeff".encode())
        written = written[len("\ufeff".encode()):]
    assert written == first


def test_the_cli_offers_every_format():
    message = run_cli("check", "--format", "nope", "x").stderr.decode()
    for fmt in FORMATS:
        assert f"'{fmt}'" in message


def test_missing_path_constant_really_is_missing():
    assert not Path(MISSING_PATH).exists()


@pytest.mark.parametrize("texts", [[], ["Our stem cells cure everything. Call today!"],
                                   ["", "Risks include infection.", "A “miracle” cure?\n\nNo."]])
def test_streamed_json_is_the_same_bytes_as_the_whole_report(checker, texts):
    """JSON is written document by document (a batch is never held in memory); the bytes are
    exactly those of the whole report dumped at once, even with no documents."""
    from claimcheck.render.json import report_dict

    docs = [checker.check_text(t, f"doc{n}.txt") for n, t in enumerate(texts)]
    assert streamed("json", checker, docs) == json.dumps(report_dict(checker.report(docs)),
                                                         ensure_ascii=False, indent=2) + "\n"


def streamed(fmt: str, checker, docs, whole: bool = False) -> str:  # type: ignore[no-untyped-def]
    """``docs`` written in ``fmt`` as a run writes them: each as it comes, then the end of run
    from the slim copies kept (``whole``: from the whole reports, as a reference)."""
    from claimcheck.render import RenderContext, make_renderer

    out, run = io.StringIO(), checker.report([])
    renderer = make_renderer(fmt, out, RenderContext(run.tool_version, run.rules_version,
                                                     run.model_version))
    for doc in docs:
        renderer.document(doc)
    renderer.finish(checker.report(docs if whole else [d.slim(renderer.keeps) for d in docs]))
    return out.getvalue()


def test_iter_json_writes_the_bytes_of_json_dumps():
    """SARIF is written in parts, its results as they are read back; the bytes are those of
    json.dumps(indent=2) of the same value with lists in place of the iterators."""
    from claimcheck.render.json import iter_json

    value = {"a": [], "b": {}, "c": [1, 2.5, None, True, "é\n\"\u2028"], "d": [{"e": [[]]}],
             "f": iter([{"g": [1, {"h": "x"}]}, "y", []]), "i": iter([])}
    plain = dict(value, f=[{"g": [1, {"h": "x"}]}, "y", []], i=[])
    assert "".join(iter_json(value)) == json.dumps(plain, ensure_ascii=False, indent=2)
    assert "".join(iter_json([])) == "[]" and "".join(iter_json("z")) == '"z"'


def test_sarif_results_keep_any_text_and_name_rules_first_seen_late(checker):
    """Results are spooled until the rules are known: a line separator or a control character
    in a flagged sentence comes back as it was, and a rule first seen in a
    later document still has the right index (the rules are sorted by id)."""
    texts = ["Risks include infection.", "Stem cells reverse ageing, a miracle\u2028cure.",
             "Our stem cells are a miracle cure for arthritis,\nwith no side effects\x01 at all."]
    docs = [checker.check_text(t, f"doc {n}.txt") for n, t in enumerate(texts)]
    (run,) = json.loads(streamed("sarif", checker, docs))["runs"]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    expected = [(n, f) for n, d in enumerate(docs) for f in d.counted_findings]
    assert rules == sorted({f.rule for _, f in expected}) and len(expected) > 2
    assert {"\u2028", "\x01"} <= {c for _, f in expected for c in f.sentence}
    for result, (n, f) in zip(run["results"], expected, strict=True):
        assert rules[result["ruleIndex"]] == result["ruleId"] == f.rule
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": f"doc%20{n}.txt", "index": n}
        assert location["region"]["snippet"]["text"] == f.match
        assert location["contextRegion"]["snippet"]["text"] == f.sentence
    assert [a["properties"]["score"] for a in run["artifacts"]] == [d.score for d in docs]


def test_html_links_back_to_the_index_only_in_a_batch(checker):
    """Sections are spooled while the run goes on and the index, which needs every score,
    comes first; a single page has no index, and each section of a batch, the first one too,
    links back to it."""
    texts = ["Our stem cells cure arthritis.", "Risks include infection.", "A miracle cure!"]
    docs = [checker.check_text(t, f"doc{n}.txt") for n, t in enumerate(texts)]
    single = streamed("html", checker, docs[:1])
    assert 'id="index"' not in single and "back to the index" not in single
    assert "<title>claimcheck report: doc0.txt</title>" in single and 'id="doc-1"' in single
    batch = streamed("html", checker, docs)
    assert not parse_page(batch).problems and "<title>claimcheck report: 3 documents" in batch
    sections = batch.split('<section class="doc"')
    assert 'id="index"' in sections[0] and len(sections) == 4
    assert all("back to the index" in s for s in sections[1:])
    assert [s.split('"', 2)[1] for s in sections[1:]] == ["doc-1", "doc-2", "doc-3"]
    assert "no documents" in streamed("html", checker, [])


def test_kept_reports_still_give_every_summary_row_and_exit_code(checker):
    """A batch keeps of each report only what the format's end of run reads: the ranked rows
    (score, grade, counts of findings, signs, missing items) and the exit code come out the
    same from the slim copies."""
    from claimcheck.render.csv import summary_row
    from claimcheck.types import Severity

    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    for text in texts:
        doc = checker.check_text(text, "page.txt")
        summary, least = doc.slim("summary"), doc.slim("none")
        assert summary_row(summary) == summary_row(doc) and not summary.text
        assert len(summary.counted_findings) == len(doc.counted_findings)
        for slim in (summary, least, doc.slim("findings")):
            for fail_on in (None, Severity.LOW, Severity.HIGH):
                assert slim.fails(55, fail_on) == doc.fails(55, fail_on)
            assert (slim.score, slim.grade, slim.error) == (doc.score, doc.grade, doc.error)
        assert doc.slim("all") is doc


def test_a_long_batch_keeps_one_shared_report_per_score_for_the_summary_line(checker):
    """For json, jsonl, csv, line and github the end of run reads only counts (documents,
    errors, mean score) and the exit code, so what a batch keeps of a checked page is a
    reference to one report per score, grade and worst severity, not a report per page; a page
    that could not be checked keeps its own, error and source included."""
    from claimcheck.types import DocumentReport, ErrorInfo

    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    docs = [checker.check_text(t, f"site{n}/page{k}.txt") for n in range(20)
            for k, t in enumerate(texts)]
    failed = DocumentReport.failed("gone.html", ErrorInfo("unreachable", "no answer"))
    kept = [d.slim("none") for d in [*docs, failed]]
    assert len({id(k) for k in kept[:-1]}) <= len(texts)
    assert kept[-1].source == "gone.html" and kept[-1].error == failed.error
    assert checker.report(kept).summary_dict() == checker.report([*docs, failed]).summary_dict()
    for fmt in ("json", "jsonl", "csv"):
        assert streamed(fmt, checker, docs) == streamed(fmt, checker, docs, whole=True)

