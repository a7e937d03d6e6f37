"""Shared fixtures: one real Checker (blank spaCy pipeline, built-in rules) per test session."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# parsed data files are cached as JSON under the user's cache folder: tests (and the CLI runs
# they start) use a folder of their own
os.environ.setdefault("CLAIMCHECK_CACHE_DIR", tempfile.mkdtemp(prefix="claimcheck-cache-"))

from claimcheck.checker import Checker  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"

#: a valid user rule file (the README's example); tests break or extend it
USER_RULE = """\
- id: HYPE950
  name: hype.quantum-healing
  category: hype
  severity: medium
  summary: Uses "quantum healing" language.
  why: It is a sales phrase with no medical meaning.
  ask: Ask what the phrase means in measurable terms.
  sources:
    - url: https://www.ftc.gov/business-guidance/resources/health-products-compliance-guidance
      title: FTC Health Products Compliance Guidance
      quote: "competent and reliable scientific evidence"
  patterns:
    - quantum healing
    - tokens: [{LEMMA: quantum}, {IS_ALPHA: true, OP: "?"}, {LEMMA: {IN: [heal, cure]}}]
  similarity: 90
  examples:
    flag: [Experience quantum healing at our spa.]
    pass: [There is no such thing as quantum healing.]
"""


@pytest.fixture(scope="session")
def checker() -> Checker:
    return Checker()


@pytest.fixture(scope="session")
def rules_checker() -> Checker:
    """The rules alone, as `claimcheck rules test` runs them (no claim classifier)."""
    return Checker(detector="rules")


def run_cli(*args: str, stdin: bytes | None = None, env: dict | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real command line in a subprocess (no terminal: stdout is a pipe)."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "claimcheck", *args], input=stdin, capture_output=True,
        env=full_env, cwd=cwd or ROOT, timeout=300,
    )
