"""Which model reads a claim best: the shipped n-gram model against spaCy's textcat and static
word embeddings, on the gate's task ("does this sentence make any red-flag claim").

Usage:
    python bench/architectures.py [--sentences FILE.jsonl] [--epochs N] [--skip NAME ...]

Takes about four minutes (textcat-ensemble three of them).

Every architecture learns from the train split of training/corpus (with the same fragments of
plain negatives the shipped model gets, training/config.toml) and is measured on the
validation split and on real sentences it never saw (../shared/corpus by default). Printed for
each: AUC on validation, AUC on the real sentences (all, and the d2-* part), and real-sentence
precision / recall / F1 at the threshold chosen on validation with the gate's F-beta
(``gate_beta``), as the shipped model chooses it. Architectures:

- ``ngrams``: the shipped one, L2 logistic regression over tf-idf lemma 1-3-grams;
- ``textcat-bow``: spaCy's ``textcat_multilabel`` with ``spacy.TextCatBOW.v3`` (hashed 1-3-grams
  of lower-case words), trained ``--epochs`` times, seeded;
- ``textcat-ensemble``: ``textcat_multilabel``'s default model, that BOW layer beside an
  attention layer over a tok2vec (learnt hash embeddings of norm, prefix, suffix and shape);
- ``wordllama``, ``ngrams+wordllama``: the mean of the 256-d static token embeddings shipped in
  the ``wordllama`` wheel (read from its files: its loader looks in the wrong folder and then
  tries a download), alone and appended to the n-grams; skipped when wordllama is not installed.

Needs the ``train`` extra (scikit-learn). For development only: the real sentences measure, they
never choose a sentence to write.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import accuracy  # noqa: E402  (bench/accuracy.py, beside this script)

from claimcheck.classifier import train as training  # noqa: E402
from claimcheck.classifier.corpus import corpus_files, load, split_of  # noqa: E402

Scores = tuple[numpy.ndarray, numpy.ndarray]  # (validation, real) probabilities


def auc(y: numpy.ndarray, p: numpy.ndarray) -> float:
    """accuracy.auc over the scores of the claims and of the rest."""
    return accuracy.auc(p[y == 1].tolist(), p[y == 0].tolist())


class Data:
    """The train split (+ fragments), the validation split and the real sentences."""

    def __init__(self, real_path: Path) -> None:
        self.config = training.TrainConfig.read(ROOT / "training" / "config.toml")
        rows, problems = load(corpus_files(ROOT / "training" / "corpus"))
        if problems:
            raise SystemExit(f"corpus problem: {problems[0]}")
        train_rows = [r for r in rows if split_of(r, self.config.validation_percent) == "train"]
        val_rows = [r for r in rows if split_of(r, self.config.validation_percent) != "train"]
        cut = training.fragments(train_rows, self.config.fragments, self.config.fragment_words)
        real = [json.loads(line) for line in real_path.read_text(encoding="utf-8").splitlines()
                if line.strip()]
        self.train = [r["text"] for r in train_rows] + cut
        self.y_train = numpy.array([int(bool(r["labels"])) for r in train_rows] + [0] * len(cut))
        self.val = [r["text"] for r in val_rows]
        self.y_val = numpy.array([int(bool(r["labels"])) for r in val_rows])
        self.real = [r["text"] for r in real]
        self.y_real = numpy.array([int(r["label"] == "red") for r in real])
        self.d2 = numpy.array([r["id"].startswith("d2") for r in real])
        self.sentences = len(train_rows)  # the rest of ``train`` are fragments
        self._ngrams: tuple | None = None

    def ngram_matrices(self):  # type: ignore[no-untyped-def]
        """tf-idf matrices (train, validation, real) as ``claimcheck train`` builds them: the
        vocabulary and idf come from the whole training sentences, not the fragments."""
        if self._ngrams is None:
            terms = training._terms(self.train)
            df = Counter(t for ts in terms[:self.sentences] for t in set(ts))
            words = sorted(t for t, n in df.items() if n >= self.config.min_df)
            vocab = {w: i for i, w in enumerate(words)}
            idf = numpy.array([math.log((1 + self.sentences) / (1 + df[w])) + 1 for w in words],
                              dtype=numpy.float32)
            self._ngrams = tuple(training._matrix(ts, vocab, idf) for ts in
                                 (terms, training._terms(self.val), training._terms(self.real)))
        return self._ngrams


def logistic(x_train, y, x_val, x_real, c: float) -> Scores:  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", solver="lbfgs")
    fit.fit(x_train, y)
    return fit.predict_proba(x_val)[:, 1], fit.predict_proba(x_real)[:, 1]


def ngrams(data: Data, args: argparse.Namespace) -> Scores:
    x_train, x_val, x_real = data.ngram_matrices()
    return logistic(x_train, data.y_train, x_val, x_real, data.config.c)


def _textcat(data: Data, args: argparse.Namespace, model: dict | None) -> Scores:
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(0)
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": model} if model else {})
    textcat.add_label("CLAIM")
    examples = [Example.from_dict(nlp.make_doc(text), {"cats": {"CLAIM": float(y)}})
                for text, y in zip(data.train, data.y_train, strict=True)]
    # balance the classes as the logistic regressions do: repeat the claims
    ratio = max(1, round((data.y_train == 0).sum() / max(1, data.y_train.sum())))
    examples += [e for e, y in zip(examples, data.y_train, strict=True) if y] * (ratio - 1)
    optimizer = nlp.initialize(lambda: examples[:2000])
    rng = random.Random(0)
    for _ in range(args.epochs):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=64):
            nlp.update(batch, sgd=optimizer, drop=0.1)

    def scores(texts: list[str]) -> numpy.ndarray:
        return numpy.array([doc.cats["CLAIM"] for doc in nlp.pipe(texts, batch_size=256)])

    return scores(data.val), scores(data.real)


def textcat_bow(data: Data, args: argparse.Namespace) -> Scores:
    return _textcat(data, args, {"@architectures": "spacy.TextCatBOW.v3",
                                 "exclusive_classes": False, "ngram_size": 3,
                                 "no_output_layer": False, "length": 262144})


def textcat_ensemble(data: Data, args: argparse.Namespace) -> Scores:
    return _textcat(data, args, None)  # textcat_multilabel's default: BOW + tok2vec attention


def _wordllama_embedder() -> Callable[[list[str]], numpy.ndarray] | None:
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        return None
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    home = Path(next(iter(spec.submodule_search_locations)))
    table = next(iter(load_file(str(home / "weights" / "l2_supercat_256.safetensors"))
                      .values())).astype(numpy.float32)
    tokenizer = Tokenizer.from_file(str(home / "tokenizers" / "l2_supercat_tokenizer_config.json"))

    def embed(texts: list[str]) -> numpy.ndarray:
        out = numpy.zeros((len(texts), table.shape[1]), dtype=numpy.float32)
        for i, encoding in enumerate(tokenizer.encode_batch(texts, add_special_tokens=False)):
            if encoding.ids:
                out[i] = table[encoding.ids].mean(axis=0)
        norms = numpy.linalg.norm(out, axis=1, keepdims=True)
        return out / numpy.where(norms == 0, 1, norms)

    return embed


def _embeddings(data: Data) -> tuple[numpy.ndarray, ...] | None:
    embed = _wordllama_embedder()
    if embed is None:
        return None
    return embed(data.train), embed(data.val), embed(data.real)


def wordllama(data: Data, args: argparse.Namespace) -> Scores | None:
    vectors = _embeddings(data)
    return None if vectors is None else logistic(vectors[0], data.y_train, *vectors[1:],
                                                 data.config.c)


def ngrams_wordllama(data: Data, args: argparse.Namespace) -> Scores | None:
    from scipy.sparse import csr_matrix, hstack

    vectors = _embeddings(data)
    if vectors is None:
        return None
    joined = [hstack([m, csr_matrix(v)]).tocsr()
              for m, v in zip(data.ngram_matrices(), vectors, strict=True)]
    return logistic(joined[0], data.y_train, *joined[1:], data.config.c)


ARCHITECTURES: dict[str, Callable[[Data, argparse.Namespace], Scores | None]] = {
    "ngrams": ngrams, "textcat-bow": textcat_bow, "textcat-ensemble": textcat_ensemble,
    "wordllama": wordllama, "ngrams+wordllama": ngrams_wordllama,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=Path,
                        default=ROOT.parent / "shared" / "corpus" / "sentences.jsonl")
    parser.add_argument("--epochs", type=int, default=5, help="passes of the textcat models")
    parser.add_argument("--skip", nargs="*", default=[], choices=sorted(ARCHITECTURES))
    args = parser.parse_args()
    data = Data(args.sentences)
    print(f"train {len(data.train)} (with fragments), validation {len(data.val)}, "
          f"real {len(data.real)} ({int(data.d2.sum())} d2-*)")
    print(f"{'architecture':18} {'val AUC':>7} {'real AUC':>8} {'d2 AUC':>6}   real P / R / F1 "
          "at the validation threshold   seconds")
    beta = data.config.gate_beta
    for name, build in ARCHITECTURES.items():
        if name in args.skip:
            continue
        start = time.perf_counter()
        scores = build(data, args)
        took = time.perf_counter() - start
        if scores is None:
            print(f"{name:18} skipped: pip install wordllama")
            continue
        p_val, p_real = scores
        threshold = training._best_threshold(data.y_val, p_val, beta, 0.05)
        figures = training._figures(data.y_real, p_real >= threshold)
        p, r, f = figures["precision"], figures["recall"], figures["f1"]
        print(f"{name:18} {auc(data.y_val, p_val):7.3f} {auc(data.y_real, p_real):8.3f} "
              f"{auc(data.y_real[data.d2], p_real[data.d2]):6.3f}   {p:.3f} / {r:.3f} / {f:.3f} "
              f"(threshold {threshold:.3f}){took:15.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
