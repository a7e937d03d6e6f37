"""Config files, --jobs, usage errors: settings a user expects to carry over between runs."""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLES, run_cli

CLAIM = b"Our stem cells cure arthritis. Book your free consultation today."


def test_pyproject_table_is_found_from_a_subfolder_and_flags_override_it(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.claimcheck]\nfail-under = 90\ndisable = ["sales"]\nformat = "jsonl"\n',
        encoding="utf-8")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    result = run_cli("check", stdin=CLAIM, cwd=sub)
    doc = json.loads(result.stdout)  # jsonl from the config: one line
    assert not any(f["category"] == "sales" for f in doc["findings"])
    assert result.returncode == 1  # fail-under 90 from the config
    assert run_cli("check", "--fail-under", "0", stdin=CLAIM, cwd=sub).returncode == 0


def test_dotfile_wins_and_rule_paths_are_relative_to_it(tmp_path):
    rules = tmp_path / "myrules"
    rules.mkdir()
    (rules / "r.yaml").write_text("""\
- id: HYPE951
  name: hype.wonder-juice
  category: hype
  severity: low
  summary: Calls the product a wonder juice.
  why: It is a sales phrase.
  ask: Ask what is in it.
  sources: [{url: "https://www.ftc.gov/", quote: "competent and reliable"}]
  patterns: [wonder juice]
  examples: {flag: [Try our wonder juice.], pass: [Plain water.]}
""", encoding="utf-8")
    (tmp_path / ".claimcheck.toml").write_text('rules = ["myrules"]\n', encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.claimcheck]\nfail-under = 99\n",
                                             encoding="utf-8")
    result = run_cli("check", "-f", "json", "--detector", "rules", stdin=b"Try our wonder juice.",
                     cwd=tmp_path)
    doc = json.loads(result.stdout)["documents"][0]
    assert [f["rule"] for f in doc["findings"]] == ["HYPE951"]
    shown = json.loads(run_cli("config", "-f", "json", cwd=tmp_path).stdout)
    assert shown["config_file"].endswith(".claimcheck.toml")
    assert shown["settings"]["fail_under"]["source"] == "default"
    assert shown["settings"]["rules"]["source"].endswith(".claimcheck.toml")


def test_bad_config_is_one_line_and_exit_2(tmp_path):
    (tmp_path / ".claimcheck.toml").write_text("colour = 'red'\n", encoding="utf-8")
    result = run_cli("check", stdin=CLAIM, cwd=tmp_path)
    assert result.returncode == 2
    assert b"unknown key 'colour'" in result.stderr and b"Traceback" not in result.stderr


def test_usage_errors_exit_2():
    assert run_cli("check", "--no-such-flag").returncode == 2
    assert run_cli("check", "--fail-under", "500", "x").returncode == 2


@pytest.mark.parametrize("fmt", [("jsonl",), ("json",), ("csv",), ("csv", "--summary-only"),
                                 ("line",), ("github",), ("text",), ("text", "--summary-only"),
                                 ("markdown",)])
def test_jobs_gives_the_same_bytes_in_the_same_order(tmp_path, fmt):
    """With --jobs the workers turn reports into these formats' text themselves; the output,
    an unreadable input's error record and the exit code are those of a serial run."""
    (tmp_path / "broken.txt").write_bytes(b"\x00\x01\xff binary \x00" * 50)
    args = ("check", "-f", *fmt, "--fail-on", "high", str(SAMPLES / "batch"),
            str(tmp_path / "broken.txt"), str(SAMPLES / "marketing-clinic.txt"),
            str(SAMPLES / "careful-article.txt"))
    serial = run_cli(*args, "--jobs", "1")
    parallel = run_cli(*args, "--jobs", "2")
    assert serial.stdout == parallel.stdout and b"broken.txt" in serial.stdout
    assert serial.returncode == parallel.returncode == 2  # the unreadable input


def test_a_batch_is_split_over_the_cores_by_default_with_the_same_output(tmp_path):
    """--jobs 0, the default, forks one process per core for 8 documents or more; the report
    is byte-identical to a run in one process, in every format that streams or summarises."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    for n in range(12):
        (tmp_path / f"page{n:02d}.txt").write_text(texts[n % len(texts)] + f"\nPage {n}.\n",
                                                   encoding="utf-8")
    for fmt in ("jsonl", "json", "text"):
        args = ("check", "-f", fmt, "--fail-under", "0", str(tmp_path))
        default, serial = run_cli(*args), run_cli(*args, "--jobs", "1")
        assert default.returncode == serial.returncode == 0, default.stderr
        assert default.stdout == serial.stdout and b"page11.txt" in default.stdout
