"""Shared fixtures: one real Checker (blank spaCy pipeline, built-in rules) per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from claimcheck.api import Checker

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session")
def checker() -> Checker:
    return Checker()


def run_cli(*args: str, stdin: bytes | None = None, env: dict | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real command line in a subprocess (no terminal: stdout is a pipe)."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "claimcheck", *args], input=stdin, capture_output=True,
        env=full_env, cwd=cwd or ROOT, timeout=300,
    )
