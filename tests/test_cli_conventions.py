"""Commands that behave like the linters people know: human text by default (also in a pipe),
the format picked by the output file's extension, -h and --version, explain anything the
report names, and readable listings. Everything through the real command line."""

from __future__ import annotations

import csv
import io
import json

from conftest import SAMPLES, run_cli

BOM = "\ufeff".encode()


def test_piped_output_stays_the_human_report():
    result = run_cli("check", "--fail-under", "0", str(SAMPLES / "careful-article.txt"))
    out = result.stdout.decode()
    assert out.startswith("claimcheck report: ") and "How the score was computed" in out
    assert "\x1b[" not in out  # no colour in a pipe


def test_the_output_file_extension_picks_the_format(tmp_path):
    page = str(SAMPLES / "marketing-clinic.txt")
    for name, check in [
        ("r.html", lambda b: b.startswith(b"<!DOCTYPE html>")),
        ("r.json", lambda b: json.loads(b)["schema_version"] == 1),
        ("r.jsonl", lambda b: json.loads(b.splitlines()[0])["source"].endswith("clinic.txt")),
        ("r.md", lambda b: b.startswith(b"# claimcheck report")),
        ("r.sarif", lambda b: json.loads(b)["version"] == "2.1.0"),
        ("r.csv", lambda b: b.startswith(BOM + b"source,score")),
        ("r.txt", lambda b: b.startswith(b"claimcheck report: ")),
    ]:
        target = tmp_path / name
        assert run_cli("check", "--fail-under", "0", "-o", str(target), page).returncode == 0
        assert check(target.read_bytes()), name
    forced = tmp_path / "forced.html"
    run_cli("check", "--fail-under", "0", "-f", "json", "-o", str(forced), page)
    assert json.loads(forced.read_bytes())["schema_version"] == 1  # -f wins over the suffix


def test_csv_on_stdout_has_no_byte_order_mark_and_files_have_no_trailing_spaces(tmp_path):
    out = run_cli("check", "-f", "csv", "--fail-under", "0", str(SAMPLES / "ads.csv")).stdout
    assert out.startswith(b"source,") and not out.startswith(BOM)
    report = tmp_path / "report.txt"
    run_cli("check", "--fail-under", "0", "-o", str(report), str(SAMPLES / "marketing-clinic.txt"))
    lines = report.read_text("utf-8").splitlines()
    assert lines and all(line == line.rstrip() for line in lines)


def test_summary_only_is_ranked_and_said_where_it_does_not_apply():
    batch = str(SAMPLES / "batch")
    rows = list(csv.DictReader(io.StringIO(run_cli(
        "check", "-f", "csv", "--summary-only", "--fail-under", "0", batch).stdout.decode())))
    scores = [int(r["score"]) for r in rows]
    assert len(rows) >= 3 and scores == sorted(scores)
    text = run_cli("check", "--summary-only", "--fail-under", "0", batch).stdout.decode()
    assert "ranked by score" in text and "Why it matters" not in text
    noted = run_cli("check", "-f", "json", "--summary-only", "--fail-under", "0", batch)
    assert "--summary-only applies to text, csv, markdown" in noted.stderr.decode()


def test_record_columns_travel_with_each_document():
    lines = run_cli("check", "-f", "jsonl", "--fail-under", "0", str(SAMPLES / "ads.csv"))
    first = json.loads(lines.stdout.splitlines()[0])
    assert first["fields"]["advertiser"] and "text" not in first["fields"]
    rows = list(csv.DictReader(io.StringIO(run_cli(
        "check", "-f", "csv", "--keep-fields", "advertiser", "--fail-under", "0",
        str(SAMPLES / "ads.csv")).stdout.decode())))
    assert rows and all(r["advertiser"] for r in rows)


def test_version_and_short_help():
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.decode().startswith("claimcheck ")
    assert "rules" in version.stdout.decode() and "model" in version.stdout.decode()
    # the version line hashes the rule files without loading them: it must name the same
    # rules and model versions as a report does
    tool = json.loads(run_cli("check", "-f", "json", "--fail-under", "0",
                              str(SAMPLES / "careful-article.txt")).stdout)["tool"]
    assert f"rules {tool['rules_version']}, model {tool['model_version']}" in \
        version.stdout.decode()
    for args in (("-h",), ("--help",), ("check", "-h"), ("check", "--help"), ("rules", "-h"),
                 ("rules", "list", "-h")):
        result = run_cli(*args)
        assert result.returncode == 0 and b"Usage:" in result.stdout, args
    top = run_cli("--help").stdout.decode()  # the app's own help flag lists itself once
    assert top.count("-h, --help") == 1 and "--version" in top and "check" in top
    help_text = run_cli("check", "-h").stdout.decode()
    assert "<bool>" not in help_text and "--no-summary-only" not in help_text
    assert "tool.claimcheck" in help_text and "20 MiB" in help_text
    assert "auto|text|html|csv|jsonl|pdf" in help_text


def test_explain_knows_rules_names_classes_and_missing_information_checks():
    for name, words in [("MISS001", "risks"), ("missing.risks", "risks"),
                        ("cure.guaranteed", "CURE001"), ("RF-CURE", "model.cure"),
                        ("gf-risk", "GF-RISK")]:
        result = run_cli("explain", name)
        assert result.returncode == 0 and words in result.stdout.decode(), name
    sources = run_cli("explain", "CURE001").stdout.decode()
    assert "advancestudy.org" in sources and "000_6d742740db067447.txt" not in sources
    assert run_cli("explain", "NOPE999").returncode == 2


def test_rules_list_is_one_line_per_rule_and_matches_its_json():
    text = run_cli("rules", "list").stdout.decode()
    data = json.loads(run_cli("rules", "list", "--format", "json").stdout)
    items = [item for section in data["sections"] for item in section["items"]]
    lines = [line for line in text.splitlines() if line[:1].isupper() and "  " in line]
    assert len(lines) == len(items) and {i["id"] for i in items} >= {"CURE001", "RF-CURE",
                                                                    "MISS001"}
    assert all(line.split()[0] == item["id"] for line, item in zip(lines, items, strict=True))


def test_the_text_report_of_a_pdf_names_the_page():
    out = run_cli("check", "--fail-under", "0", str(SAMPLES / "brochure.pdf")).stdout.decode()
    assert "page 2, line" in out or "page 1, line" in out


def test_the_summary_table_keeps_file_names_as_they_are_and_is_drawn_like_rich_draws_it(
        tmp_path):
    pages = {"clinic[final].txt": "Our stem cells are a guaranteed cure. Call today!",
             "médecine été.txt": "Stem cell treatments are experimental; ask about risks.",
             "notes.txt": "Our IV drips cure fatigue with no side effects."}
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = run_cli("check", "--summary-only", "--fail-under", "0", str(tmp_path)).stdout.decode()
    assert "clinic[final].txt" in out  # rich read "[final]" as markup and dropped it
    lines = out.splitlines()
    assert lines[0] == "3 documents, ranked by score (lowest first)"
    table = lines[1:-1]
    assert table[1].split("┃")[1:-1] == [" rank ", " score ", " grade ", " red flags ",
                                          " source" + " " * (len(table[3].split("│")[-2]) - 7)]
    assert len({len(line) for line in table}) == 1  # every row as wide as the box
    assert table[0].startswith("┏") and table[2].startswith("┡") and table[-1].startswith("└")
    assert lines[-1].startswith("mean score ")
