"""Ctrl-C in the middle of a batch and a reader that closes the pipe: nothing cut, quick exit."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    text = (SAMPLES / "marketing-clinic.txt").read_text(encoding="utf-8") * 3
    for n in range(800):  # ~1.1 million words: far longer than the 3 s before Ctrl-C
        (folder / f"page{n:03d}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_stops_fast_with_every_written_line_whole(batch, jobs):
    # -X faulthandler: a child that does not stop is made to print its stack (SIGABRT), so a
    # failure says where it hung; both pipes are drained as it runs, so a child writing much
    # to stderr cannot block on a full pipe
    proc = subprocess.Popen(
        [sys.executable, "-X", "faulthandler", "-m", "claimcheck", "check", "-f", "jsonl",
         "--jobs", jobs, str(batch)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    out_chunks: list[bytes] = []
    err_chunks: list[bytes] = []
    readers = [threading.Thread(target=lambda: out_chunks.append(proc.stdout.read())),
               threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()))]
    for reader in readers:
        reader.start()
    time.sleep(3)  # start-up takes about 1 s; the whole batch takes several more
    proc.send_signal(signal.SIGINT)
    sent = time.monotonic()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running 20 s after Ctrl-C\n{_stack_of(proc, readers, err_chunks)}")
    stopped = time.monotonic() - sent
    for reader in readers:
        reader.join()
    out = b"".join(out_chunks)
    assert proc.returncode == 130
    assert stopped < 5  # asserted loosely: this machine is shared; measured ~0.1 s
    assert out == b"" or out.endswith(b"\n")
    for line in out.decode().splitlines():
        json.loads(line)
    assert b"Traceback" not in b"".join(err_chunks)


def _stack_of(proc: subprocess.Popen, readers: list[threading.Thread],
              err_chunks: list[bytes]) -> str:
    """What a hung child was doing: its signal masks and state, then faulthandler's stack."""
    try:
        status = Path(f"/proc/{proc.pid}/status").read_text()
        state = "\n".join(line for line in status.splitlines()
                          if line.startswith(("State", "Threads", "SigBlk", "SigIgn", "SigCgt")))
    except OSError:
        state = "(no /proc status)"
    proc.send_signal(signal.SIGABRT)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    for reader in readers:
        reader.join(timeout=10)
    return f"{state}\n{b''.join(err_chunks).decode(errors='replace')[-8000:]}"


@pytest.mark.parametrize("fmt", ["jsonl", "text"])
def test_a_closed_pipe_ends_quietly(batch, fmt):
    cmd = f"{sys.executable} -m claimcheck check -f {fmt} {batch} | head -n 1"
    result = subprocess.run(["bash", "-c", f"set -o pipefail; {cmd}"], capture_output=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 141
    assert result.stderr == b""
    assert result.stdout.count(b"\n") == 1


# Ctrl-C while the command is still starting (importing typer and our modules can take half
# a second on a busy machine): a finder makes the import of typer raise KeyboardInterrupt, as
# a signal landing there does
_CTRL_C_AT_START = """
import sys

class CtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == "typer":
            raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, CtrlC())
sys.argv = ["claimcheck", "check", "--format", "json", "-"]
from claimcheck.cli import main
main()
"""


def test_ctrl_c_during_start_up_is_one_line_and_status_130():
    result = subprocess.run([sys.executable, "-c", _CTRL_C_AT_START], input=b"Cure.\n",
                            capture_output=True, cwd=ROOT, timeout=60)
    assert result.returncode == 130
    assert result.stderr == b"claimcheck: interrupted\n"
    assert result.stdout == b""
