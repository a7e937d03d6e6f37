"""Train the claim classifier from the project's own corpus, reproducibly.

    claimcheck train                  # training/corpus, training/config.toml -> shipped model
    claimcheck train --corpus DIR --out model.npz

Every sentence is analysed by the same ``nlp`` pipeline as checked text and turned into terms by
``features.sentence_terms``; terms seen in at least ``min_df`` training sentences make the
vocabulary. ``fragments`` short runs of words cut from each plain negative join the training
sentences as negatives of the red classes and the gate (see ``fragments``). One
L2-regularised logistic regression per class, and one for the gate ("makes any red-flag
claim"), learn the weights (scikit-learn's deterministic lbfgs solver, classes balanced). Each
head's threshold is the one with the best F-beta on the validation split (``beta`` for the
classes, ``gate_beta`` for the gate), never below ``threshold_floor``. Same corpus and config,
same bytes. Needs the ``train`` extra (scikit-learn).
"""

from __future__ import annotations

import hashlib
import math
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy

from ..errors import UsageError
from .corpus import GREEN, RED, corpus_files, load, split_of
from .features import sentence_terms
from .model import ClaimModel

#: the name of the gate head in training reports
GATE = "any-claim"


@dataclass(frozen=True)
class TrainConfig:
    """What a training run is free to choose; ``training/config.toml`` holds the shipped one."""

    min_df: int = 2
    c: float = 4.0
    max_iter: int = 3000
    validation_percent: int = 15
    beta: float = 1.0
    gate_beta: float = 1.0
    threshold_floor: float = 0.3
    fragments: int = 0
    fragment_words: tuple[int, int] = (2, 6)

    @classmethod
    def read(cls, path: Path | None) -> TrainConfig:
        if path is None:
            return cls()
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - known)
        if unknown:
            raise UsageError(f"{path}: unknown training setting {unknown[0]!r}")
        if "fragment_words" in data:
            words = data["fragment_words"]
            if not (isinstance(words, list) and len(words) == 2
                    and all(isinstance(w, int) and not isinstance(w, bool) for w in words)
                    and 1 <= words[0] <= words[1]):
                raise UsageError(f"{path}: fragment_words must be [low, high] with "
                                 "1 <= low <= high")
            data["fragment_words"] = (words[0], words[1])
        return cls(**data)


@dataclass
class TrainResult:
    model: ClaimModel
    report: dict[str, Any]


def _terms(texts: Sequence[str]) -> list[list[str]]:
    from ..nlp import Pipeline

    pipeline = Pipeline()
    out = []
    for text in texts:
        a = pipeline.analyse(text)
        out.append([t for t, _, _ in sentence_terms(a.lemmas, a.lower, 0, len(a.lemmas))])
    return out


def _matrix(docs: list[list[str]], vocab: dict[str, int], idf: numpy.ndarray):  # type: ignore[no-untyped-def]
    from scipy.sparse import csr_matrix

    indptr, indices, data = [0], [], []
    for terms in docs:
        counts = Counter(vocab[t] for t in terms if t in vocab)
        ids = sorted(counts)
        values = [(1.0 + math.log(counts[i])) * float(idf[i]) for i in ids]
        norm = math.sqrt(sum(v * v for v in values)) or 1.0
        indices.extend(ids)
        data.extend(v / norm for v in values)
        indptr.append(len(indices))
    return csr_matrix((numpy.array(data, dtype=numpy.float64), indices, indptr),
                      shape=(len(docs), len(vocab)))


def _best_threshold(y: numpy.ndarray, p: numpy.ndarray, beta: float, floor: float) -> float:
    best, best_score = 0.5, -1.0
    for t in numpy.arange(floor, 0.951, 0.025):
        pred = p >= t
        tp = float((pred & (y == 1)).sum())
        fp = float((pred & (y == 0)).sum())
        fn = float((~pred & (y == 1)).sum())
        denom = (1 + beta**2) * tp + beta**2 * fn + fp
        score = (1 + beta**2) * tp / denom if denom else 0.0
        if score > best_score + 1e-9:
            best, best_score = round(float(t), 3), score
    return best


def train(corpus: Path, config: TrainConfig) -> TrainResult:
    """Fit the model on the corpus's train split; thresholds and figures from validation."""
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise UsageError("training needs scikit-learn: pip install 'claimcheck[train]'") from None
    files = corpus_files(corpus)
    rows, problems = load(files)
    if problems:
        raise UsageError(f"the corpus has problems, first: {problems[0]} "
                         "(python training/check_corpus.py lists them)")
    if not rows:
        raise UsageError(f"no corpus files (*.jsonl) in {corpus}")
    parts = {"train": [], "validation": []}
    for row in rows:
        parts[split_of(row, config.validation_percent)].append(row)
    train_rows, val_rows = parts["train"], parts["validation"]
    train_terms = _terms([r["text"] for r in train_rows])
    df = Counter(t for terms in train_terms for t in set(terms))
    cut = _terms(fragments(train_rows, config.fragments, config.fragment_words))
    words = sorted(t for t, n in df.items() if n >= config.min_df)
    vocab = {w: i for i, w in enumerate(words)}
    n = len(train_rows)
    idf = numpy.array([math.log((1 + n) / (1 + df[w])) + 1 for w in words], dtype=numpy.float32)
    x_train = _matrix(train_terms + cut, vocab, idf)
    x_val = _matrix(_terms([r["text"] for r in val_rows]), vocab, idf) if val_rows else None
    heads = [*RED, *GREEN, GATE]  # the last column is the gate: "makes any red-flag claim"
    y_train, y_val = _targets(train_rows), _targets(val_rows)
    # the fragments are negatives of every red class and the gate; good-sign heads never see
    # them (a cut-off "talk to your" is no longer the consult advice it came from)
    y_train = numpy.vstack([y_train, numpy.zeros((len(cut), y_train.shape[1]), dtype=int)])
    whole = x_train[:len(train_rows)]
    coef = numpy.zeros((len(words), len(heads)), dtype=numpy.float32)
    intercept = numpy.zeros(len(heads), dtype=numpy.float32)
    thresholds = numpy.zeros(len(heads), dtype=numpy.float32)
    per_class = {}
    for j, label in enumerate(heads):
        if len(set(y_train[:, j])) < 2:  # a class the corpus never shows: it never fires
            intercept[j], thresholds[j] = -10.0, 1.0
            continue
        fit = LogisticRegression(C=config.c, max_iter=config.max_iter, class_weight="balanced",
                                 solver="lbfgs")
        if label in GREEN:
            fit.fit(whole, y_train[:len(train_rows), j])
        else:
            fit.fit(x_train, y_train[:, j])
        coef[:, j] = fit.coef_[0]
        intercept[j] = fit.intercept_[0]
        if not val_rows:  # nothing held out (a tiny corpus): the even-odds threshold
            thresholds[j] = max(0.5, config.threshold_floor)
            continue
        p_val = fit.predict_proba(x_val)[:, 1]
        beta = config.gate_beta if label == GATE else config.beta
        thresholds[j] = _best_threshold(y_val[:, j], p_val, beta, config.threshold_floor)
        per_class[label] = _figures(y_val[:, j], p_val >= thresholds[j])
        per_class[label]["threshold"] = round(float(thresholds[j]), 3)
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    meta = {"corpus_sha256": digest.hexdigest()[:16], "sentences": len(rows),
            "train": n, "validation": len(val_rows), "terms": len(words),
            "config": config.__dict__}
    model = ClaimModel(tuple(RED + GREEN), vocab, idf, coef, intercept, thresholds, meta)
    return TrainResult(model, {"meta": meta, "validation": per_class})


def fragments(rows: list[dict], per_row: int, words: tuple[int, int]) -> list[str]:
    """``per_row`` runs of ``words`` words cut from each plain negative, as more negatives.

    Real pages are full of short lines (headings, menu items, captions, cut-off excerpts). On
    sentences alone the model learns that a word seen only in claims is a claim, and a short
    line with that word gets its whole weight ("Three sentences." scored as a cure claim). A
    piece of a sentence that makes no claim makes none either. Plain negatives only: a piece
    of a denied or reported claim could be the claim itself. Positions come from a hash of
    the text, so the same corpus gives the same fragments.
    """
    low, high = words
    out = []
    for row in rows:
        if row["labels"] or row["context"] != "plain":
            continue
        tokens = row["text"].split()
        if len(tokens) <= low:
            continue
        for k in range(per_row):
            digest = hashlib.sha256(f"{k}\0{row['text']}".encode()).digest()
            size = low + digest[0] % (min(high, len(tokens) - 1) - low + 1)
            start = int.from_bytes(digest[1:5], "big") % (len(tokens) - size + 1)
            out.append(" ".join(tokens[start:start + size]))
    return out


def _targets(rows: list[dict]) -> numpy.ndarray:
    """One column per red class, per green class, and the gate (any red class)."""
    red = numpy.array([[c in r["labels"] for c in RED] for r in rows], dtype=int)
    red = red.reshape(len(rows), len(RED))
    green = numpy.array([[c in r.get("green", ()) for c in GREEN] for r in rows], dtype=int)
    green = green.reshape(len(rows), len(GREEN))
    return numpy.hstack([red, green, red.max(axis=1, keepdims=True) if len(rows) else
                         numpy.zeros((0, 1), dtype=int)])


def _figures(y: numpy.ndarray, pred: numpy.ndarray) -> dict[str, float]:
    tp = int((pred & (y == 1)).sum())
    fp = int((pred & (y == 0)).sum())
    fn = int((~pred & (y == 1)).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
            "support": int(y.sum())}


def rebuild(corpus: Path, config: Path | None = None, out: Path | None = None
            ) -> tuple[dict[str, Any], Path]:
    """Train and write the model: ``config`` defaults to training/config.toml when it exists,
    ``out`` to the model the package ships. Returns the training report and where it went."""
    from . import MODEL_FILE

    if config is None and Path("training/config.toml").is_file():
        config = Path("training/config.toml")
    result = train(corpus, TrainConfig.read(config))
    target = out or Path(__file__).resolve().parent.parent / MODEL_FILE
    result.model.save(target)
    return result.report, target
