"""Detection quality on labelled text: sentence P/R/F1, hard-negative false positives, document AUC.

Usage:
    python bench/accuracy.py [--sentences FILE.jsonl] [--docs FOLDER] [--seeds FOLDER]
                             [--model NAME] [--errors]

Defaults read ../shared/corpus and ../shared/seeds beside this checkout. A sentence counts as
flagged when it gets at least one counted finding. Documents: AUC of the score separating
``balanced`` (should score higher) from ``marketing``, and Spearman correlation with the
1-5 ``credibility`` label. ``--errors`` lists the misjudged sentences (for development only:
never copy them into the project).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
HARD_KINDS = ("warning", "negated", "quoted", "question", "hedged")


def ranks(values: list[float]) -> list[float]:
    """Ranks from 1, ties given their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def spearman(xs: list[float], ys: list[float]) -> float:
    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx) ** 0.5
    vy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (vx * vy) if vx and vy else float("nan")


def auc(positives: list[float], negatives: list[float]) -> float:
    """P(a positive scores higher than a negative), ties counting half."""
    if not positives or not negatives:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def sentence_metrics(checker, path: Path, show_errors: bool) -> dict:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    tp = fp = fn = tn = 0
    hard = defaultdict(Counter)
    errors = []
    started = time.perf_counter()
    for row in rows:
        report = checker.check_text(row["text"], row["id"])
        flagged = any(f.counted for f in report.findings)
        red = row["label"] == "red"
        tp += flagged and red
        fp += flagged and not red
        fn += (not flagged) and red
        tn += (not flagged) and not red
        if row.get("hard") and not red:
            hard[row["hard"]]["n"] += 1
            hard[row["hard"]]["fp"] += flagged
        if flagged != red:
            why = [f"{f.rule}:{f.context}{'*' if f.counted else ''}:{f.match!r}"
                   for f in report.findings]
            errors.append(("FP" if flagged else "FN", row, why))
    elapsed = time.perf_counter() - started
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"sentences: {len(rows)} ({tp + fn} red, {fp + tn} ok) in {elapsed:.2f} s")
    print(f"  precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  "
          f"(tp {tp}, fp {fp}, fn {fn}, tn {tn})")
    total_n = sum(c["n"] for c in hard.values())
    total_fp = sum(c["fp"] for c in hard.values())
    if total_n:
        print(f"  false-positive rate on hard negatives: {total_fp}/{total_n} = "
              f"{total_fp / total_n:.1%}")
        for kind in HARD_KINDS:
            if hard[kind]["n"]:
                c = hard[kind]
                print(f"    {kind:<9} {c['fp']}/{c['n']} = {c['fp'] / c['n']:.1%}")
    if show_errors:
        for tag, row, why in errors:
            print(f"  {tag} {row['id']} [{row.get('hard') or '-'}] {row['text'][:160]!r}")
            print(f"       {', '.join(why) or 'no match'}  (flags {row.get('flags')})")
    return {"precision": precision, "recall": recall, "f1": f1,
            "hard_fp_rate": total_fp / total_n if total_n else 0.0}


def document_metrics(checker, folder: Path) -> dict:
    index = [json.loads(line) for line in (folder / "index.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    scores, cred = [], []
    by_label = defaultdict(list)
    for row in index:
        text = (folder / row["file"]).read_text(encoding="utf-8")
        report = checker.check_text(text, row["file"])
        scores.append(report.score)
        cred.append(row["credibility"])
        by_label[row["label"]].append(report.score)
        counted = sum(1 for f in report.findings if f.counted)
        print(f"  {report.score:>3} {report.grade}  {row['label']:<9} cred {row['credibility']}  "
              f"{counted} flags  {row['file']}")
    a = auc(by_label["balanced"], by_label["marketing"])
    rho = spearman([float(s) for s in scores], [float(c) for c in cred])
    print(f"documents: {len(index)}  AUC(balanced > marketing) {a:.3f}  "
          f"Spearman(score, credibility) {rho:.3f}")
    return {"auc": a, "spearman": rho}


def seed_scores(checker, folder: Path) -> dict:
    scores = {}
    for path in sorted(folder.glob("*.txt")):
        report = checker.check_text(path.read_text(encoding="utf-8"), path.name)
        counted = sum(1 for f in report.findings if f.counted)
        mentioned = sum(1 for f in report.findings if not f.counted)
        scores[path.name[:3]] = report.score
        print(f"  seed {path.name[:3]}: score {report.score:>3} grade {report.grade}  "
              f"{counted} counted, {mentioned} mentioned, {len(report.signals)} good signs")
    if {"000", "001", "002"} <= set(scores):
        gap = scores["000"] - max(scores["001"], scores["002"])
        print(f"  seed 000 minus best of 001/002: {gap:+d} points (target >= +20)")
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=Path, default=SHARED / "corpus" / "sentences.jsonl")
    parser.add_argument("--docs", type=Path, default=SHARED / "corpus" / "docs")
    parser.add_argument("--seeds", type=Path, default=SHARED / "seeds")
    parser.add_argument("--model", default=None, help="spaCy pipeline, e.g. en_core_web_sm")
    parser.add_argument("--errors", action="store_true", help="list misjudged sentences")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    from claimcheck.checker import Checker

    started = time.perf_counter()
    checker = Checker(model=args.model)
    print(f"pipeline: {checker.pipeline.model_name} (setup {time.perf_counter() - started:.2f} s)"
          + (f"  note: {checker.note}" if checker.note else ""))
    if args.sentences.is_file():
        sentence_metrics(checker, args.sentences, args.errors)
    if (args.docs / "index.jsonl").is_file():
        document_metrics(checker, args.docs)
    if args.seeds.is_dir():
        seed_scores(checker, args.seeds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
