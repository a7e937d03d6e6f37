"""The training corpus: labelled sentences written for the project, validated and split.

Each line of ``training/corpus/*.jsonl`` is one sentence:
  {"text": "...", "labels": ["RF-CURE", ...], "kind": "stem-cells", "voice": "landing",
   "context": "asserted", "green": ["GF-RISK"], "pair": "stem-cells-p12"}

``labels`` lists the red-flag classes the sentence makes *as the writer's own claim* (empty for
a negative); ``context`` says how it is framed (for a negative that uses red-flag words, the kind
of hard negative). ``training/WRITING.md`` is the guide its writers follow. The split into
train and validation is a stable hash of the pair id (or the text), so both sentences of a
contrastive pair always fall on the same side. Lines written as whole pages carry the page's
id instead (``"page": "r9a-pg03"``, every line of a page in order), and a page is split whole.
"""

from __future__ import annotations

import collections
import hashlib
import json
from pathlib import Path

RED = (
    "RF-CURE RF-HYPE RF-PANACEA RF-MECH RF-SAFE RF-REG RF-PAY RF-ANEC RF-STATS RF-EVID "
    "RF-ROOT RF-SALES RF-PROVIDER"
).split()
GREEN = (
    "GF-RISK GF-STATUS GF-CITE GF-TRIAL GF-HEDGE GF-NOGUAR GF-CONSULT GF-COST GF-ALT "
    "GF-EVQUAL GF-WARN"
).split()
VOICES_SELLING = (
    "landing faq bullet heading testimonial social-ad email press-release about-us blog "
    "video-script brochure"
).split()
VOICES_CAREFUL = (
    "regulator news hospital review honest-provider forum academic consumer-guide"
).split()
VOICES = VOICES_SELLING + VOICES_CAREFUL
POSITIVE_CONTEXTS = {"asserted", "hedged", "rhetorical-question", "endorsement"}
NEGATIVE_CONTEXTS = {
    "negated", "warning", "reported", "question", "hypothetical", "careful-hedge",
    "standard-care", "plain",
}
HARD_CONTEXTS = NEGATIVE_CONTEXTS - {"plain"}
KEYS = {"text", "labels", "kind", "voice", "context", "green", "pair", "page"}
VALIDATION_PERCENT = 15


def validate(row: object) -> list[str]:
    """The problems with one parsed line (empty when it is well formed)."""
    if not isinstance(row, dict):
        return ["not a JSON object"]
    problems = [f"unknown key {k!r}" for k in row if k not in KEYS]
    for key in ("text", "labels", "kind", "voice", "context"):
        if key not in row:
            problems.append(f"missing key {key!r}")
    if problems:
        return problems
    text, labels, context = row["text"], row["labels"], row["context"]
    if not isinstance(text, str) or not text.strip() or text != text.strip():
        problems.append("text must be a non-empty string without outer spaces")
    if not isinstance(labels, list) or any(x not in RED for x in labels):
        problems.append(f"labels must be a list of {', '.join(RED)}")
    elif len(set(labels)) != len(labels):
        problems.append("labels repeat")
    for key in ("pair", "page"):
        if key in row and (not isinstance(row[key], str) or not row[key]):
            problems.append(f"{key} must be a non-empty string")
    if any(x not in GREEN for x in row.get("green", [])):
        problems.append(f"green must be a list of {', '.join(GREEN)}")
    if row["voice"] not in VOICES:
        problems.append(f"voice {row['voice']!r} is not one of {', '.join(VOICES)}")
    if labels and context not in POSITIVE_CONTEXTS:
        problems.append(f"a sentence with labels needs context in {sorted(POSITIVE_CONTEXTS)}")
    if not labels and context not in NEGATIVE_CONTEXTS:
        problems.append(f"a sentence without labels needs context in {sorted(NEGATIVE_CONTEXTS)}")
    if not isinstance(row["kind"], str) or not row["kind"].islower() or " " in row["kind"]:
        problems.append("kind must be a lower-case slug like 'stem-cells'")
    return problems


def load(paths: list[Path]) -> tuple[list[dict], list[str]]:
    """Rows of every file and the problems found (file:line: message)."""
    rows, problems, seen = [], [], {}
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{n}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{where}: invalid JSON ({exc.msg})")
                continue
            found = validate(row)
            problems += [f"{where}: {p}" for p in found]
            if found:
                continue
            key = " ".join(row["text"].lower().split())
            if key in seen:
                problems.append(f"{where}: same text as {seen[key]}")
            seen[key] = where
            rows.append(row)
    return rows, problems


def split_of(row: dict, percent: int = VALIDATION_PERCENT) -> str:
    """'validation' or 'train', by a stable hash of the row's page id, pair id or text (so a
    whole page, or both sentences of a pair, fall on one side)."""
    key = row.get("page") or row.get("pair") or row["text"]
    bucket = int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "validation" if bucket < percent else "train"


def corpus_files(folder: Path) -> list[Path]:
    """The corpus files in a folder, in a stable order."""
    return sorted(folder.glob("*.jsonl"))


def counts(rows: list[dict]) -> str:
    """A plain-text table of what the corpus holds."""
    out = []
    pos = [r for r in rows if r["labels"]]
    neg = [r for r in rows if not r["labels"]]
    hard = [r for r in neg if r["context"] in HARD_CONTEXTS]
    out.append(f"sentences {len(rows)}: positive {len(pos)}, negative {len(neg)} "
               f"({len(neg) / max(len(rows), 1):.0%}), hard negatives {len(hard)} "
               f"({len(hard) / max(len(neg), 1):.0%} of negatives)")
    per_class = collections.Counter(x for r in rows for x in r["labels"])
    out.append("positives per class: " + ", ".join(f"{c} {per_class[c]}" for c in RED))
    for field in ("kind", "voice", "context"):
        c = collections.Counter(r[field] for r in rows)
        out.append(f"by {field}: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    green = collections.Counter(x for r in rows for x in r.get("green", []))
    out.append("green flags: " + ", ".join(f"{k} {v}" for k, v in sorted(green.items())))
    pairs = collections.Counter(r["pair"] for r in rows if r.get("pair"))
    out.append(f"contrastive pairs: {sum(1 for v in pairs.values() if v >= 2)}")
    return "\n".join(out)


def datasheet(rows: list[dict]) -> str:
    """The corpus's counts as Markdown tables: class x voice group, kinds, contexts, voices."""
    selling = set(VOICES_SELLING)
    out = ["| class | positives | in selling voices | in careful voices |",
           "| --- | ---: | ---: | ---: |"]
    for c in RED:
        mine = [r for r in rows if c in r["labels"]]
        sell = sum(1 for r in mine if r["voice"] in selling)
        out.append(f"| {c} | {len(mine)} | {sell} | {len(mine) - sell} |")
    for c in GREEN:
        mine = [r for r in rows if c in r.get("green", ())]
        sell = sum(1 for r in mine if r["voice"] in selling)
        out.append(f"| {c} (good sign) | {len(mine)} | {sell} | {len(mine) - sell} |")
    out += ["", "| context | sentences | positive or negative |", "| --- | ---: | --- |"]
    contexts = collections.Counter(r["context"] for r in rows)
    for context, n in sorted(contexts.items(), key=lambda kv: -kv[1]):
        kind = "positive" if context in POSITIVE_CONTEXTS else (
            "hard negative" if context in HARD_CONTEXTS else "negative")
        out.append(f"| {context} | {n} | {kind} |")
    out += ["", "| voice | sentences | positives |", "| --- | ---: | ---: |"]
    for voice in VOICES:
        mine = [r for r in rows if r["voice"] == voice]
        out.append(f"| {voice} | {len(mine)} | {sum(1 for r in mine if r['labels'])} |")
    out += ["", "| business kind | sentences | positives | hard negatives |",
            "| --- | ---: | ---: | ---: |"]
    kinds = collections.Counter(r["kind"] for r in rows)
    for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])):
        mine = [r for r in rows if r["kind"] == kind]
        pos = sum(1 for r in mine if r["labels"])
        hard = sum(1 for r in mine if not r["labels"] and r["context"] in HARD_CONTEXTS)
        out.append(f"| {kind} | {n} | {pos} | {hard} |")
    return "\n".join(out)
