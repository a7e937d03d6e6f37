"""How well does the classifier carry over to sentences written later, by other writers?

    python training/shift_check.py                       # hold out round 5, try c = 4, 8
    python training/shift_check.py --hold 'r4-*' --c 1 2 4 8 16

Trains on every corpus file except those matching ``--hold`` (a glob) with each value of ``c``
(the other settings from training/config.toml), then flags the held-out sentences with the
model alone, as the shipped detector would (any red class predicted) and prints precision,
recall and F1 for each. A held-out round was written for failure classes the earlier rounds
lacked, so it is a fairer stand-in for unseen text than the random validation split; this is
how ``c`` in config.toml was chosen (never on ../shared/corpus). Needs the train extra.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent
CORPUS = ROOT / "corpus"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hold", default="r5-*", help="glob of corpus files to hold out")
    parser.add_argument("--c", type=float, nargs="+", default=[4.0, 8.0])
    args = parser.parse_args(argv)

    from claimcheck.classifier.train import TrainConfig, train
    from claimcheck.nlp import Pipeline

    held = sorted(CORPUS.glob(f"{args.hold}.jsonl" if not args.hold.endswith(".jsonl")
                              else args.hold))
    if not held:
        print(f"no corpus file matches {args.hold!r}", file=sys.stderr)
        return 2
    rows = [json.loads(line) for f in held for line in f.read_text("utf-8").splitlines()
            if line.strip()]
    pipeline = Pipeline()
    analyses = [pipeline.analyse(r["text"]) for r in rows]
    base = TrainConfig.read(ROOT / "config.toml")
    print(f"held out: {len(held)} files, {len(rows)} sentences "
          f"({sum(bool(r['labels']) for r in rows)} claims)")
    with tempfile.TemporaryDirectory() as tmp:
        for f in sorted(CORPUS.glob("*.jsonl")):
            if f not in held:
                shutil.copy(f, tmp)
        for c in args.c:
            model = train(Path(tmp), replace(base, c=c)).model
            tp = fp = fn = 0
            for row, a in zip(rows, analyses, strict=True):
                flagged = any(p.label.startswith("RF-") for p in
                              model.predict(a.lemmas, a.lower, 0, len(a.lemmas)))
                truth = bool(row["labels"])
                tp, fp, fn = tp + (flagged and truth), fp + (flagged and not truth), \
                    fn + (truth and not flagged)
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            print(f"c = {c:g}: P {p:.3f} R {r:.3f} F1 {f1:.3f} (tp {tp}, fp {fp}, fn {fn})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
