"""Instructions, not seconds: a check pass counted by valgrind's callgrind, for small speed
changes that wall time on a shared machine cannot show.

    .venv/bin/python bench/instructions.py [TREE ...] [--words 30000] [--detector both]

Each TREE is a checkout of claimcheck (default: this one); compare a change with
``git worktree add --detach ../base HEAD~1`` and ``bench/instructions.py ../base .``. For each
tree, two runs under callgrind with the same corpus (bench/speed.py's, cut to ``--words``):
one that only builds the Checker and one that also checks the corpus once; the difference is
the pass. The trees run side by side (one per core). The counts of one tree repeat to within
about 0.2% (PYTHONHASHSEED is fixed), but the same code in two checkouts at different paths
has differed by up to 0.8% (2026-12-07: 2,829M and 2,853M per pass), so a change under 1% is
within noise unless it repeats with the trees swapped. A run takes about 2 minutes for
30,000 words, as valgrind runs Python some 50 times slower. Needs valgrind (Debian's
package); nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: the child: build the corpus and a Checker, then check the corpus ``passes`` times
_CHILD = """
import gc, sys
sys.path.insert(0, sys.argv[1])
import speed
from claimcheck.checker import Checker
docs, _ = speed.build_corpus(None, int(sys.argv[2]))
print(sum(speed.word_count(d) for d in docs))
checker = Checker(detector=sys.argv[3])
gc.freeze()
for _ in range(int(sys.argv[4])):
    for doc in docs:
        checker.check_text(doc)
"""


def count(tree: Path, words: int, detector: str, passes: int) -> tuple[int, int]:
    """Instructions callgrind counted for one child run on ``tree``'s code, and the words of
    its corpus."""
    env = dict(os.environ, PYTHONPATH=str(tree / "src"), PYTHONHASHSEED="0")
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
         "-c", _CHILD, str(REPO / "bench"), str(words), detector, str(passes)],
        env=env, capture_output=True, text=True, check=False)
    found = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode != 0 or found is None:
        tail = result.stderr.strip().splitlines()[-3:]
        raise SystemExit(f"callgrind run failed on {tree}: {' / '.join(tail)}")
    return int(found.group(1)), int(result.stdout.split()[0])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="*", type=Path, default=[REPO],
                        help="claimcheck checkouts to compare (default: this one)")
    parser.add_argument("--words", type=int, default=30_000,
                        help="corpus size in words (default 30000)")
    parser.add_argument("--detector", default="both", choices=("rules", "model", "both"))
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("instructions: valgrind is not installed (apt-get install valgrind)")
        return
    trees = [t.resolve() for t in args.trees]
    for tree in trees:
        if not (tree / "src" / "claimcheck").is_dir():
            parser.error(f"not a claimcheck checkout: {tree}")
    jobs = [(tree, passes) for tree in trees for passes in (0, 1)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        counts = dict(zip(jobs, pool.map(lambda j: count(j[0], args.words, args.detector,
                                                         j[1]), jobs), strict=True))
    words = counts[(trees[0], 0)][1]
    print(f"instructions (callgrind, detector {args.detector}, corpus of {words:,} words):")
    first = None
    for tree in trees:
        setup, total = counts[(tree, 0)][0], counts[(tree, 1)][0]
        check = total - setup
        first = first or check
        print(f"  {tree}: set-up {setup / 1e6:,.0f}M, one pass {check / 1e6:,.0f}M "
              f"({check / words:,.0f} per word; {check / first:.3f}x the first tree)")


if __name__ == "__main__":
    main()
