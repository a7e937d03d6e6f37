"""End to end through the real command line, in a subprocess, on real files."""

from __future__ import annotations

import json

from conftest import SAMPLES, USER_RULE, run_cli

DOC_KEYS = {"source", "score", "grade", "verdict", "findings", "signals", "missing", "stats",
            "error"}
FINDING_KEYS = {"rule", "name", "category", "severity", "sentence", "match", "pattern", "start",
                "end", "line", "column", "similarity", "context", "counted", "weight",
                "message", "why", "ask", "detector", "probability", "evidence"}
SIGNAL_KEYS = {"rule", "name", "detector", "sentence", "start", "end", "line", "column",
               "weight"}


def test_json_contract_and_the_careful_sample_beats_the_marketing_one():
    result = run_cli("check", "--format", "json", "--fail-under", "0",
                     str(SAMPLES / "marketing-clinic.txt"), str(SAMPLES / "careful-article.txt"))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1
    assert set(data["tool"]) == {"name", "version", "rules_version", "model_version"}
    assert set(data["summary"]) == {"documents", "errors", "mean_score"}
    marketing, careful = data["documents"]
    for doc in data["documents"]:
        assert DOC_KEYS <= set(doc) and doc["error"] is None
        assert set(doc["stats"]) == {"words", "sentences", "assertions"}
        for f in doc["findings"]:
            assert FINDING_KEYS <= set(f)
            assert f["context"] in {"asserted", "hedged", "negated", "warning", "question",
                                    "quoted", "conditional", "heading", "qualified",
                                    "reference", "answered"}
            assert f["detector"] in {"rules", "model"}
            assert (f["probability"] is None) == (f["detector"] == "rules")
            # not counted weighs nothing; counted weighs something, except the umpteenth claim
            # of one kind, whose halvings round to 0
            assert f["weight"] >= 0 and (f["counted"] or f["weight"] == 0)
            assert not f["counted"] or f["weight"] > 0 or f["context"] == "hedged" or any(
                g["category"] == f["category"] and g["counted"] and g["start"] < f["start"]
                for g in doc["findings"])
        for s in doc["signals"]:
            assert SIGNAL_KEYS <= set(s)
    assert careful["score"] >= marketing["score"] + 30
    assert len([f for f in marketing["findings"] if f["counted"]]) >= 8


def test_output_is_deterministic():
    args = ("check", "--format", "json", str(SAMPLES / "batch"))
    first, second = run_cli(*args), run_cli(*args)
    assert first.stdout == second.stdout and first.stdout


def test_text_report_reads_for_a_patient_and_has_no_colour_in_a_pipe():
    result = run_cli("check", "--format", "text", str(SAMPLES / "marketing-clinic.txt"))
    out = result.stdout.decode()
    assert "\x1b[" not in out
    for words in ("Score", "grade", "Why it matters:", "What to ask:",
                  "How the score was computed", "**"):
        assert words in out, words
    # the verdict and the most serious claims lead; ids and positions are detail lines after
    assert out.index("Score") < out.index("most serious claims") < out.index("All red flags")
    assert out.index("All red flags") < out.index("How the score")
    lead = out[out.index("most serious claims"):out.index("All red flags")]
    assert lead.count("HIGH") == 4 and "line " in lead
    assert all(line == line.rstrip() for line in out.splitlines())  # no trailing spaces
    assert result.returncode == 1  # the marketing sample is under the default --fail-under


def test_no_color_env_even_when_colour_would_be_forced_by_the_terminal():
    result = run_cli("check", "--format", "text", str(SAMPLES / "careful-article.txt"),
                     env={"NO_COLOR": "1", "TERM": "xterm-256color"})
    assert "\x1b[" not in result.stdout.decode()


def test_stdin_with_no_arguments_and_jsonl_lines():
    result = run_cli("check", "--format", "jsonl",
                     stdin=b"Our stem cells are a guaranteed cure with no side effects.")
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 1
    doc = json.loads(lines[0])
    assert doc["source"] == "<stdin>" and doc["schema_version"] == 1
    assert {f["rule"][:4] for f in doc["findings"] if f["counted"]} >= {"CURE", "SAFE"}
    assert result.returncode == 1


def test_batch_folder_ranked_summary_and_skipped_files():
    result = run_cli("check", "--format", "text", "--fail-under", "0", str(SAMPLES / "batch"))
    out = result.stdout.decode()
    assert "ranked by score" in out
    assert "skipped" in result.stderr.decode()
    assert result.returncode == 0


def test_a_bad_input_in_a_batch_is_an_error_record_and_exit_2(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Stem cell treatment is experimental and has risks.", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Stem cells \xff\xfe cure all")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    result = run_cli("check", "--format", "json", str(good), str(bad), str(binary),
                     str(tmp_path / "missing.txt"))
    assert result.returncode == 2
    docs = json.loads(result.stdout)["documents"]
    assert [d["error"]["type"] if d["error"] else None for d in docs] == [
        None, "decode", "binary", "not_found"]
    assert docs[0]["score"] is not None
    assert b"Traceback" not in result.stderr


def test_utf8_bom_is_handled(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffOur stem cells are a guaranteed cure.".encode())
    doc = json.loads(run_cli("check", "--format", "json", str(path)).stdout)["documents"][0]
    finding = next(f for f in doc["findings"] if f["counted"])
    assert finding["column"] == 22 and finding["match"] == "guaranteed cure"


def test_malformed_rule_file_is_one_line_and_exit_2(tmp_path):
    rule_file = tmp_path / "mine.yaml"
    rule_file.write_text("- id: CURE950\n  name: cure.mine\n  category: cure\n"
                         "  severity: extreme\n", encoding="utf-8")
    result = run_cli("check", "--rules", str(rule_file), str(SAMPLES / "careful-article.txt"))
    assert result.returncode == 2
    err = result.stderr.decode().strip()
    assert len(err.splitlines()) == 1
    assert "mine.yaml" in err and "CURE950" in err
    verbose = run_cli("check", "--verbose", "--rules", str(rule_file),
                      str(SAMPLES / "careful-article.txt"))
    assert b"Traceback" in verbose.stderr


def test_missing_file_alone_is_exit_2_with_one_clear_line(tmp_path):
    result = run_cli("check", "--format", "text", str(tmp_path / "nope.txt"))
    assert result.returncode == 2
    assert "no such file" in result.stdout.decode() + result.stderr.decode()


def test_fail_on_severity(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Book your free consultation today.", encoding="utf-8")
    assert run_cli("check", "--format", "json", str(path)).returncode == 0
    assert run_cli("check", "--format", "json", "--fail-on", "low", str(path)).returncode == 1


def test_user_rules_disable_and_severity(tmp_path):
    rule_file = tmp_path / "mine.yaml"
    rule_file.write_text(USER_RULE, encoding="utf-8")
    text = tmp_path / "t.txt"
    text.write_text("Experience quantum healing at our spa.", encoding="utf-8")
    rules = ("check", "-f", "json", "--detector", "rules", "--rules", str(rule_file))
    doc = json.loads(run_cli(*rules, str(text)).stdout)["documents"][0]
    assert [f["rule"] for f in doc["findings"]] == ["HYPE950"]
    doc = json.loads(run_cli(*rules, "--severity", "HYPE950=high",
                             str(text)).stdout)["documents"][0]
    assert doc["findings"][0]["severity"] == "high"
    doc = json.loads(run_cli(*rules, "--disable", "hype", str(text)).stdout)["documents"][0]
    assert doc["findings"] == []
    result = run_cli("rules", "test", str(rule_file))
    assert result.returncode == 0 and b"1 rules, 2 examples: 2 passed" in result.stdout


def test_rules_list_show_and_explain():
    listing = json.loads(run_cli("rules", "list", "--format", "json").stdout)
    ids = [r["id"] for section in listing["sections"] for r in section["items"]]
    assert "CURE001" in ids and listing["rules_version"]
    shown = run_cli("rules", "show", "CURE001").stdout.decode()
    assert "Sources:" in shown and "Examples that are flagged:" in shown
    explained = run_cli("explain", "cure001")
    assert explained.returncode == 0 and b"What to ask:" in explained.stdout
    missing = run_cli("explain", "NOPE001")
    assert missing.returncode == 2 and b"no rule" in missing.stderr


def test_python_api_returns_the_same_report_objects():
    from claimcheck import check_documents, check_text

    report = check_text("Stem cells regrow damaged nerves with zero risk.")
    assert report.score < 100 and report.findings[0].start >= 0
    batch = check_documents(["Experimental treatment; risks include infection.",
                             SAMPLES / "marketing-clinic.txt"])
    assert len(batch.documents) == 2 and batch.documents[1].source.endswith(".txt")


def test_at_a_terminal_with_no_input_it_asks_for_a_paste_then_checks_it():
    import os
    import subprocess
    import sys

    from conftest import ROOT

    master, slave = os.openpty()  # stdin is a terminal; stdout stays a pipe
    proc = subprocess.Popen([sys.executable, "-m", "claimcheck", "check", "-f", "json"],
                            stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=ROOT)
    os.close(slave)
    os.write(master, b"Our stem cells are a guaranteed cure.\n\x04")
    out, err = proc.communicate(timeout=120)
    os.close(master)
    assert b"Ctrl-D" in err
    doc = json.loads(out)["documents"][0]
    assert doc["source"] == "<stdin>" and doc["findings"][0]["rule"] == "CURE001"
