"""Validate the training corpus (training/corpus/*.jsonl) and print its counts.

The format and the checks live in ``claimcheck.classifier.corpus``; ``training/WRITING.md``
says how sentences are written and labelled. Exit status 1 when a line is malformed or a text
repeats.

    python training/check_corpus.py              # all files
    python training/check_corpus.py FILE ...     # some files (duplicates checked among them)
    python training/check_corpus.py --markdown   # the datasheet's tables (training/README.md)
"""

from __future__ import annotations

import sys
from pathlib import Path

from claimcheck.classifier.corpus import corpus_files, counts, datasheet, load

ROOT = Path(__file__).resolve().parent / "corpus"


def main(argv: list[str]) -> int:
    markdown = "--markdown" in argv
    files = [Path(a) for a in argv if a != "--markdown"]
    rows, problems = load(files or corpus_files(ROOT))
    for p in problems[:200]:
        print(p)
    print(datasheet(rows) if markdown else counts(rows))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
