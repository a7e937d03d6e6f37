"""Detection quality on labelled text, by detector: rules, the claim model, and both.

Usage:
    python bench/accuracy.py [--detector all|both|rules|model] [--sentences FILE.jsonl]
                             [--docs FOLDER] [--seeds FOLDER] [--no-validation]
                             [--model NAME] [--errors] [--held]

Defaults read ../shared/corpus and ../shared/seeds beside this checkout (real text the project
never trains on), and the validation split of training/corpus (our own sentences, held out by
the training run). A sentence counts as flagged when it gets at least one counted finding; it is
flagged for a class when a counted finding has that class (a rule's category maps to its
taxonomy class). Printed for each detector:

- sentences: precision, recall, F1 overall, per part of the corpus (cc-*, d2-*), per RF class,
  per kind of source and per business (the treatment a sentence names, as the verdicts find
  it); false positives on hard negatives (warnings, negations, quotes, questions, hedges) by
  kind;
- validation split: the same per class and per business kind;
- pages: scores, AUC of the score separating balanced pages from marketing, Spearman with the
  1-5 credibility rating, marketing pages graded A/B and balanced pages graded D/F;
- seeds: scores, and seed 000's lead over seeds 001 and 002;
- with ``--held``: the rounds in training/held (our own sentences, kept out of training because
  training on them did not help on real text), per file, and every negative context's false
  alarms, plain and standard-care included (how often accurate statements are flagged); and
  the rounds written as whole pages checked as pages, as the tool reads a real one (a line is
  flagged when a counted red flag stands on it, so a heading is judged as a heading).

``--errors`` lists the misjudged sentences (for development only: never copy them into the
project).
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
HELD = ROOT / "training" / "held"  # rounds kept out of training (see its README)
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


class Tally:
    """True/false positives and negatives, and the figures made of them."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = self.tn = 0

    def add(self, truth: bool, predicted: bool) -> None:
        self.tp += truth and predicted
        self.fp += predicted and not truth
        self.fn += truth and not predicted
        self.tn += not truth and not predicted

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def group_line(self, group_by: str, name: str) -> str:
        """One group's figures, as the per-part, per-kind and per-file lines print them."""
        p, r, f = self.prf()
        return (f"    {group_by} {name:<22} P {p:.2f} R {r:.2f} F1 {f:.2f}  "
                f"(n {self.tp + self.fp + self.fn + self.tn})")

    def line(self) -> str:
        p, r, f = self.prf()
        return (f"P {p:.3f}  R {r:.3f}  F1 {f:.3f}  "
                f"(tp {self.tp}, fp {self.fp}, fn {self.fn}, tn {self.tn})")


def classes_of(report, category_class: dict[str, str]) -> set[str]:  # type: ignore[no-untyped-def]
    """The taxonomy classes of a report's counted findings."""
    return {category_class.get(f.category, f.category) for f in report.findings if f.counted}


def judge_sentences(checker, rows: list[dict], group_by: str, category_class: dict,
                    show_errors: bool, details: bool = True,
                    negatives: str = "hard negatives") -> dict:
    """Sentence figures for rows with 'text' and 'flags' (true classes) or 'labels'."""
    overall, per_class, per_group = Tally(), defaultdict(Tally), defaultdict(Tally)
    hard: dict[str, Counter] = defaultdict(Counter)
    errors = []
    for row in rows:
        report = checker.check_text(row["text"], row.get("id", "<text>"))
        found = classes_of(report, category_class)
        truth = set(row["truth"])
        overall.add(bool(truth), bool(found))
        per_group[row.get(group_by, "?")].add(bool(truth), bool(found))
        for c in set(category_class.values()):
            per_class[c].add(c in truth, c in found)
        if row.get("hard") and not truth:
            hard[row["hard"]]["n"] += 1
            hard[row["hard"]]["fp"] += bool(found)
        if bool(found) != bool(truth):
            why = [f"{f.rule}:{f.context}{'*' if f.counted else ''}:{f.match!r}"
                   for f in report.findings]
            errors.append(("FP" if found else "FN", row, why))
    if details:
        print(f"  all {len(rows)}: {overall.line()}")
    for name, tally in sorted(per_group.items()):
        print(tally.group_line(group_by, name))
    for name in sorted(per_class) if details else ():
        tally = per_class[name]
        if tally.tp + tally.fn:
            p, r, f = tally.prf()
            print(f"    class {name:<12} P {p:.2f} R {r:.2f} F1 {f:.2f}  "
                  f"(true {tally.tp + tally.fn}, found {tally.tp + tally.fp})")
    total_n = sum(c["n"] for c in hard.values())
    total_fp = sum(c["fp"] for c in hard.values())
    if total_n and details:
        kinds = ", ".join(f"{k} {hard[k]['fp']}/{hard[k]['n']}" for k in sorted(hard))
        print(f"    {negatives} wrongly counted: {total_fp}/{total_n} = "
              f"{total_fp / total_n:.1%}  ({kinds})")
    if show_errors:
        for tag, row, why in errors:
            print(f"    {tag} {row.get('id', '')} [{row.get('hard') or '-'}] {row['text'][:160]!r}")
            print(f"         {', '.join(why) or 'no match'}  (truth {sorted(row['truth'])})")
    p, r, f = overall.prf()
    return {"precision": p, "recall": r, "f1": f,
            "hard_fp_rate": total_fp / total_n if total_n else 0.0}


def dev_sentences(path: Path) -> list[dict]:
    from claimcheck.score.topic import page_treatment

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    for row in rows:
        row["truth"] = row["flags"] if row["label"] == "red" else []
        row["part"] = row["id"].split("-")[0]
        # the business a sentence is about, as the verdicts name it (none: not named)
        row["treatment"] = page_treatment(row["text"]) or "(not named)"
    return rows


def validation_sentences() -> list[dict]:
    from claimcheck.classifier.corpus import corpus_files, load, split_of
    from claimcheck.classifier.train import TrainConfig

    config_path = ROOT / "training" / "config.toml"
    config = TrainConfig.read(config_path if config_path.is_file() else None)
    out = []
    for path in corpus_files(ROOT / "training" / "corpus"):
        # the round a file was written in: r3-*, r4-*, r5-* by name, the rest rounds 1-2
        prefix = path.stem.split("-")[0]
        written = prefix if prefix[:1] == "r" and prefix[1:].isdigit() else "r1-2"
        rows, _ = load([path])
        out += [dict(r, truth=r["labels"], round=written) for r in rows
                if split_of(r, config.validation_percent) == "validation"]
    for r in out:
        if not r["labels"] and r["context"] != "plain":
            r["hard"] = r["context"]
    return out


def document_metrics(checker, folder: Path) -> dict:
    index = [json.loads(line) for line in (folder / "index.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    scores, cred = [], []
    by_label = defaultdict(list)
    bad = Counter()
    for row in index:
        text = (folder / row["file"]).read_text(encoding="utf-8")
        report = checker.check_text(text, row["file"])
        scores.append(report.score)
        cred.append(row["credibility"])
        by_label[row["label"]].append(report.score)
        bad["marketing A/B"] += row["label"] == "marketing" and report.grade in ("A", "B")
        bad["balanced D/F"] += row["label"] == "balanced" and report.grade in ("D", "F")
        counted = sum(1 for f in report.findings if f.counted)
        print(f"    {report.score:>3} {report.grade}  {row['label']:<9} cred {row['credibility']}"
              f"  {counted:>2} flags  {row['file']}")
    a = auc(by_label["balanced"], by_label["marketing"])
    rho = spearman([float(s) for s in scores], [float(c) for c in cred])
    print(f"  pages {len(index)}: AUC(balanced > marketing) {a:.3f}  Spearman(score, "
          f"credibility) {rho:.3f}  marketing graded A/B {bad['marketing A/B']}/"
          f"{len(by_label['marketing'])}  balanced graded D/F {bad['balanced D/F']}/"
          f"{len(by_label['balanced'])}")
    return {"auc": a, "spearman": rho, **bad}


def seed_scores(checker, folder: Path) -> dict:
    scores = {}
    for path in sorted(folder.glob("*.txt")):
        report = checker.check_text(path.read_text(encoding="utf-8"), path.name)
        counted = sum(1 for f in report.findings if f.counted)
        mentioned = sum(1 for f in report.findings if not f.counted)
        scores[path.name[:3]] = report.score
        print(f"    seed {path.name[:3]}: score {report.score:>3} grade {report.grade}  "
              f"{counted} counted, {mentioned} mentioned, {len(report.signals)} good signs")
    if {"000", "001", "002"} <= set(scores):
        gap = scores["000"] - max(scores["001"], scores["002"])
        print(f"  seed 000 minus best of 001/002: {gap:+d} points (target >= +20)")
    return scores


def held_sentences() -> list[dict]:
    """training/held's lines; every negative's context is kept, plain ones included."""
    from claimcheck.classifier.corpus import corpus_files, load

    out = []
    for path in corpus_files(HELD):
        rows, _ = load([path])
        out += [dict(r, truth=r["labels"], file=path.stem,
                     **({} if r["labels"] else {"hard": r["context"]})) for r in rows]
    return out


def judge_pages(checker, rows: list[dict]) -> None:
    """Held lines that carry a ``page`` id, each page checked as one text (its lines in
    order, one per line), per file: what the tool finds on a whole page, where a short line
    is a heading and a claim can lean on the lines around it."""
    pages: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        if row.get("page"):
            pages[row["file"], row["page"]].append(row)
    if not pages:
        return
    overall, per_file = Tally(), defaultdict(Tally)
    for (file, page), lines in pages.items():
        report = checker.check_text("\n".join(row["text"] for row in lines), page)
        flagged = {f.line for f in report.findings if f.counted}
        for number, row in enumerate(lines, 1):
            overall.add(bool(row["truth"]), number in flagged)
            per_file[file].add(bool(row["truth"]), number in flagged)
    print(f"  {len(pages)} pages checked whole, {sum(map(len, pages.values()))} lines: "
          f"{overall.line()}")
    for name, tally in sorted(per_file.items()):
        print(tally.group_line("file", name))


def run(detector: str, args: argparse.Namespace) -> None:
    from claimcheck.checker import Checker
    from claimcheck.ruleset.schema import CATEGORIES

    category_class = {cat: cls for cat, (_, kind, cls) in CATEGORIES.items()
                      if kind.value == "red"}
    started = time.perf_counter()
    checker = Checker(model=args.model, detector=detector)
    print(f"== detector: {detector}  (pipeline {checker.pipeline.model_name}, setup "
          f"{time.perf_counter() - started:.2f} s)")
    if args.sentences.is_file():
        print(f"sentences of {args.sentences.parent.name}/{args.sentences.name}:")
        rows = dev_sentences(args.sentences)
        judge_sentences(checker, rows, "part", category_class, args.errors)
        judge_sentences(checker, rows, "kind", category_class, False, details=False)
        judge_sentences(checker, rows, "treatment", category_class, False, details=False)
    if not args.no_validation and (ROOT / "training" / "corpus").is_dir():
        rows = validation_sentences()
        print("validation split of training/corpus:")
        judge_sentences(checker, rows, "kind", category_class, False)
        judge_sentences(checker, rows, "round", category_class, False, details=False)
    if args.held and HELD.is_dir():
        rows = held_sentences()
        print("held-out rounds of training/held:")
        judge_sentences(checker, rows, "file", category_class, False, negatives="negatives")
        judge_pages(checker, rows)
    if (args.docs / "index.jsonl").is_file():
        print(f"pages of {args.docs}:")
        document_metrics(checker, args.docs)
    if args.seeds.is_dir():
        print("seeds:")
        seed_scores(checker, args.seeds)
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--detector", default="all", choices=("all", "both", "rules", "model"))
    parser.add_argument("--sentences", type=Path, default=SHARED / "corpus" / "sentences.jsonl")
    parser.add_argument("--docs", type=Path, default=SHARED / "corpus" / "docs")
    parser.add_argument("--seeds", type=Path, default=SHARED / "seeds")
    parser.add_argument("--no-validation", action="store_true",
                        help="skip the validation split of training/corpus")
    parser.add_argument("--model", default=None, help="spaCy pipeline, e.g. en_core_web_sm")
    parser.add_argument("--errors", action="store_true", help="list misjudged sentences")
    parser.add_argument("--held", action="store_true",
                        help="also the held-out rounds of training/held, by file and context")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    for detector in (("rules", "model", "both") if args.detector == "all" else (args.detector,)):
        run(detector, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
