"""--jobs N against a serial run: wall time of the CLI over a folder of many documents.

Usage: python bench/jobs.py [--docs 400] [--runs 3] [--jobs 2]

Writes the seed articles (../shared/seeds, or samples/ when they are absent) into a temporary
folder until it holds --docs files, then times `claimcheck check -f jsonl` serially and with
--jobs, checks the outputs are byte-identical, and prints medians and the speed-up.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def sources() -> list[str]:
    seeds = ROOT.parent / "shared" / "seeds"
    files = sorted(seeds.glob("*.txt")) if seeds.is_dir() else []
    files = files or sorted((ROOT / "samples").glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in files]


def run(folder: Path, jobs: int) -> tuple[float, bytes]:
    cmd = [sys.executable, "-m", "claimcheck", "check", "-f", "jsonl", "--fail-under", "0",
           "--jobs", str(jobs), str(folder)]
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, check=False).stdout
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    texts = sources()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        words = 0
        for n in range(args.docs):
            text = texts[n % len(texts)]
            words += len(text.split())
            (folder / f"doc{n:05d}.txt").write_text(text, encoding="utf-8")
        serial = [run(folder, 1) for _ in range(args.runs)]
        parallel = [run(folder, args.jobs) for _ in range(args.runs)]
    same = all(out == serial[0][1] for _, out in serial + parallel)
    s = statistics.median(t for t, _ in serial)
    p = statistics.median(t for t, _ in parallel)
    print(f"corpus: {args.docs} documents, {words:,} words")
    print(f"serial:   {s:.2f} s (median of {args.runs}), {words / s:,.0f} words/s end to end")
    print(f"--jobs {args.jobs}: {p:.2f} s (median of {args.runs}), {words / p:,.0f} words/s")
    print(f"speed-up: {s / p:.2f}x; outputs byte-identical: {same}")


if __name__ == "__main__":
    main()
