"""How well does the context judge alone tell a claim from its denial, warning or report?

Usage:
    python bench/judge.py [--split train|validation] [--errors FILE]

The shipped classifier learnt from the negated, warned-against, reported, asked and
hypothetical twins of its claims, so it filters most of them itself and hides what the judge
misses. This script trains a model without those twins (same corpus otherwise, same
training/config.toml, about a minute), puts it in place of the shipped one, checks every
sentence of the chosen split of training/corpus that is a claim or such a twin, and prints the
share of each kind that gets a counted finding: claims should (POSITIVE), twins should not.
The train split has about 9,000 claims and 5,800 twins; for the twins the model is out of
sample (it never saw them), so what is counted there is what the judge let through.
``--errors FILE`` writes the misjudged sentences with their findings and contexts.

Our own sentences only: use it to develop cues (data/cues.yaml) and the judge on many
examples, then measure the result on real text with bench/accuracy.py. Needs the ``train``
extra (scikit-learn).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from claimcheck.checker import Checker  # noqa: E402
from claimcheck.classifier.corpus import corpus_files, load, split_of  # noqa: E402
from claimcheck.classifier.train import TrainConfig, train  # noqa: E402

#: contexts the judge is there to recognise (the careful kinds, "standard-care" and
#: "careful-hedge", are the model's to learn: no cue can tell accurate care from a claim)
JUDGED = ("negated", "warning", "reported", "question", "hypothetical")


def judged_twin(row: dict) -> bool:
    return not row["labels"] and row["context"] in JUDGED


def judge_alone_model(corpus: Path, config: TrainConfig):  # type: ignore[no-untyped-def]
    """A model trained on the corpus without its judged twins."""
    with tempfile.TemporaryDirectory() as tmp:
        for path in corpus_files(corpus):
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                    if line.strip()]
            kept = [json.dumps(r, ensure_ascii=False) for r in rows if not judged_twin(r)]
            (Path(tmp) / path.name).write_text("\n".join(kept) + "\n", encoding="utf-8")
        return train(Path(tmp), config).model


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("train", "validation"), default="train")
    parser.add_argument("--errors", type=Path, help="write misjudged sentences here")
    args = parser.parse_args()
    corpus = ROOT / "training" / "corpus"
    config = TrainConfig.read(ROOT / "training" / "config.toml")
    started = time.perf_counter()
    model = judge_alone_model(corpus, config)
    checker = Checker(detector="both")
    detector = next(d for d in checker.detectors if d.name == "model")
    detector.model = model  # type: ignore[attr-defined]
    print(f"model without the judged twins trained in {time.perf_counter() - started:.0f} s")
    rows, _ = load(corpus_files(corpus))
    rows = [r for r in rows if split_of(r, config.validation_percent) == args.split
            and (r["labels"] or judged_twin(r))]
    counted, total = Counter(), Counter()
    errors = []
    for row in rows:
        kind = "POSITIVE" if row["labels"] else row["context"]
        report = checker.check_text(row["text"])
        hit = any(f.counted for f in report.findings)
        total[kind] += 1
        counted[kind] += hit
        if hit != (kind == "POSITIVE"):
            why = ", ".join(f"{f.rule}:{f.context}{'*' if f.counted else ''}:{f.match!r}"
                            for f in report.findings)
            errors.append(f"{kind} | {row['text']} | {why or 'no finding'}")
    print(f"{args.split} split: share with a counted finding (claims should, twins should not)")
    for kind in ("POSITIVE", *JUDGED):
        if total[kind]:
            print(f"  {kind:13} {counted[kind]:5} / {total[kind]:5} = "
                  f"{counted[kind] / total[kind]:.1%}")
    if args.errors:
        args.errors.write_text("\n".join(errors) + "\n", encoding="utf-8")
        print(f"{len(errors)} misjudged sentences written to {args.errors}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
