"""How fast is claimcheck? Throughput, cold start and peak memory, as plain numbers.

    .venv/bin/python bench/speed.py [FOLDER] [--words 100000] [--runs 5] [--full] [--quick]
                                    [--memory-docs 300] [--profile]

FOLDER holds .txt/.md files to build the corpus from (default: the seed documents in
../shared/seeds next to the repository). The files are cut into documents of about the seed
size and repeated until the corpus has at least --words words. Nothing is asserted: the
script only prints numbers, so it can be run anywhere and compared by eye.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import speed_parts

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FOLDER = REPO.parent / "shared" / "seeds"
SAMPLE = REPO / "samples" / "careful-article.txt"
#: documents are cut to about this many words when a file is much longer than the seeds
MIN_DOC_WORDS, MAX_DOC_WORDS = 200, 2000
FALLBACK_TEXT = (
    "Stem cell treatments are experimental. Be wary of clinics that promise a guaranteed "
    "cure, say there are no side effects, or charge you to join a study. Ask your doctor "
    "whether a treatment is approved and look for registered trials on ClinicalTrials.gov.\n"
)


def word_count(text: str) -> int:
    return len(text.split())


def source_files(folder: Path | None) -> list[Path]:
    if folder is None:
        return sorted(DEFAULT_FOLDER.glob("*.txt"))
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in (".txt", ".md"))


def split_paragraphs(text: str, size: int) -> list[str]:
    """Cut a long text at blank lines into pieces of about ``size`` words."""
    pieces, current, words = [], [], 0
    for para in text.split("\n\n"):
        current.append(para)
        words += word_count(para)
        if words >= size:
            pieces.append("\n\n".join(current))
            current, words = [], 0
    if current and (words >= size // 4 or not pieces):
        pieces.append("\n\n".join(current))
    elif current:
        pieces[-1] += "\n\n" + "\n\n".join(current)
    return pieces


def base_documents(folder: Path | None) -> tuple[list[str], str]:
    """The source files cut into documents of about the median file's size, once each."""
    files = source_files(folder)
    texts = [t for t in (p.read_text(encoding="utf-8", errors="replace") for p in files)
             if t.strip()]
    where = str(folder or DEFAULT_FOLDER)
    if not texts:
        texts, where = [FALLBACK_TEXT], f"built-in paragraph (no .txt/.md files in {where})"
    size = int(statistics.median(word_count(t) for t in texts))
    size = max(MIN_DOC_WORDS, min(MAX_DOC_WORDS, size))
    base: list[str] = []
    for text in texts:
        base.extend(split_paragraphs(text, size) if word_count(text) > 2 * size else [text])
    return base, f"{len(files)} files from {where}"


def build_corpus(folder: Path | None, min_words: int) -> tuple[list[str], str]:
    """Documents of about the source files' size, repeated until >= min_words words."""
    base, where = base_documents(folder)
    docs: list[str] = []
    total = 0
    while total < min_words:
        for doc in base:
            docs.append(doc)
            total += word_count(doc)
            if total >= min_words:
                break
    return docs, where


def median_min_max(values: Sequence[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def check_all(checker, docs: list[str]) -> None:  # type: ignore[no-untyped-def]
    for n, doc in enumerate(docs):
        checker.check_text(doc, f"<doc {n}>")


def maxrss_mib(who: int = resource.RUSAGE_SELF) -> float:
    """Peak RSS in MiB. Of this process on Linux, VmHWM: ru_maxrss keeps the peak of the
    process it was forked from, before exec (the memory child of a full run showed the bench's
    own 266 MiB, not its 153)."""
    if who == resource.RUSAGE_SELF and Path("/proc/self/status").exists():
        import serve_load

        return serve_load.memory(os.getpid())["VmHWM"] / 1024
    rss = resource.getrusage(who).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024  # bytes vs KiB


def throughput(docs: list[str], runs: int, model: str | None = None) -> None:
    """Words/s with the rules alone and with rules + claim classifier, runs interleaved so
    both see the same machine load; the ratio is the classifier's cost."""
    words = sum(word_count(d) for d in docs)
    start = time.perf_counter()
    from claimcheck.checker import Checker
    from claimcheck.classifier.model import shipped_model
    imported = time.perf_counter()
    checkers = {"rules": Checker(model=model, detector="rules")}
    built = time.perf_counter()
    shipped_model()
    loaded = time.perf_counter()
    checkers["both"] = Checker(model=model)
    gc.freeze()  # as the CLI does once it has built its Checker (cli/check.py: _start_up)
    print(f"setup: import claimcheck.checker {imported - start:.2f} s, "
          f"Checker() {built - imported:.2f} s "
          f"({len(checkers['rules'].rules.rules)} rules, pipeline "
          f"{checkers['rules'].pipeline.model_name}), claim model load {loaded - built:.2f} s")
    for checker in checkers.values():
        checker.check_text(docs[0])  # warm-up: lazily loaded tables, first-call caches
    times: dict[str, list[float]] = {name: [] for name in checkers}
    for _ in range(runs):
        for name, checker in checkers.items():
            times[name].append(timed(lambda c=checker: check_all(c, docs)))
    medians = {}
    for name, series in times.items():
        med, lo, hi = median_min_max(series)
        medians[name] = med
        print(f"throughput ({name}): {words / med:,.0f} words/s (median of {runs}; "
              f"min {words / hi:,.0f}, max {words / lo:,.0f}); {len(docs) / med:,.1f} "
              f"documents/s; {med:.2f} s per pass")
    print(f"throughput: rules + classifier at {medians['rules'] / medians['both']:.0%} of the "
          f"rules alone (target >= 75%)")


def run_quiet(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO,
                   check=False)
    return time.perf_counter() - start


def cold_start(runs: int) -> None:
    py = sys.executable
    tmp = None
    sample = SAMPLE
    if not sample.is_file():
        tmp = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8")
        tmp.write(FALLBACK_TEXT)
        tmp.close()
        sample = Path(tmp.name)
    try:
        check_cmd = [py, "-m", "claimcheck", "check", "--format", "json", str(sample)]
        spacy_cmd = [py, "-c", "import spacy"]
        bare_cmd = [py, "-c", "pass"]
        run_quiet(check_cmd)  # warm the OS file cache and .pyc files once
        check: list[float] = []
        spacy: list[float] = []
        bare: list[float] = []
        for _ in range(runs):  # in turn, so a busy spell of the machine slows all three
            check.append(run_quiet(check_cmd))
            spacy.append(run_quiet(spacy_cmd))
            bare.append(run_quiet(bare_cmd))
    finally:
        if tmp is not None:
            os.unlink(tmp.name)
    (cm, clo, chi), (sm, slo, shi), (bm, _, _) = (median_min_max(check),
                                                  median_min_max(spacy), median_min_max(bare))
    name = sample.relative_to(REPO) if sample.is_relative_to(REPO) else sample.name
    print(f"cold start: claimcheck check --format json {name}: {cm:.2f} s "
          f"(median of {runs}; min {clo:.2f}, max {chi:.2f})")
    print(f"cold start: python -c 'import spacy': {sm:.2f} s "
          f"(median of {runs}; min {slo:.2f}, max {shi:.2f}); bare python {bm:.2f} s")
    # the target was set where `import spacy` took 0.52 s; on a slower (or busier) machine
    # both grow, so the same overhead as a share of `import spacy` is printed beside it
    print(f"cold start: claimcheck minus import spacy: {cm - sm:+.2f} s (target <= +0.25 s), "
          f"{(cm - sm) / sm:.0%} of import spacy (the target was +48% of its 0.52 s)")


def memory(folder: Path | None, words: int) -> None:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--words", str(words),
           "--memory-child"]
    if folder is not None:
        cmd.insert(2, str(folder))
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=False)
    if out.returncode != 0:
        print(f"peak memory: child failed ({out.stderr.strip().splitlines()[-1:]})")
        return
    print(out.stdout.strip())


def memory_child(docs: list[str]) -> None:
    from claimcheck.checker import Checker

    checker = Checker()
    checker.check_text(docs[0])
    ready = maxrss_mib()
    check_all(checker, docs)
    print(f"peak memory: {maxrss_mib():.1f} MiB peak RSS after checking the corpus "
          f"({ready:.1f} MiB after building the Checker)")


def profile(docs: list[str], top: int = 25) -> None:
    from claimcheck.checker import Checker

    checker = Checker()
    checker.check_text(docs[0])
    prof = cProfile.Profile()
    prof.enable()
    check_all(checker, docs)
    prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    print(f"profile: one pass, top {top} by cumulative time")
    print(buf.getvalue().rstrip())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path,
                        help=f"folder of .txt/.md files (default: {DEFAULT_FOLDER})")
    parser.add_argument("--words", type=int, default=100_000,
                        help="minimum corpus size in words (default 100000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (default 5)")
    parser.add_argument("--full", action="store_true",
                        help="the issue-sized runs: 1,000,000 words and memory over 10 vs "
                        "10,000 documents (slow)")
    parser.add_argument("--memory-docs", type=int, default=300,
                        help="the large batch of the memory-by-format runs (default 300; "
                        "--full: 10,000)")
    parser.add_argument("--quick", action="store_true",
                        help="throughput, cold start and memory only (skip the comparisons)")
    parser.add_argument("--profile", action="store_true",
                        help="also print the top 25 functions of one pass by cumulative time")
    parser.add_argument("--model", default=None,
                        help="installed spaCy pipeline for the throughput run, e.g. "
                        "en_core_web_sm (default: the blank pipeline)")
    parser.add_argument("--before", type=Path, default=None, metavar="TREE",
                        help="also compare throughput and cold start with another checkout "
                        "(e.g. the commit before the claim classifier)")
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.folder is not None and not args.folder.is_dir():
        parser.error(f"not a folder: {args.folder}")
    if args.before is not None and not (args.before / "src" / "claimcheck").is_dir():
        parser.error(f"not a claimcheck checkout: {args.before}")

    if args.full:
        args.words = max(args.words, 1_000_000)
    docs, where = build_corpus(args.folder, args.words)
    if args.memory_child:
        memory_child(docs)
        return
    words = sum(word_count(d) for d in docs)
    print(f"corpus: {words:,} words in {len(docs)} documents "
          f"(~{words // len(docs):,} words each), {where}")
    print(f"python: {sys.version.split()[0]} ({sys.executable}), {os.cpu_count()} CPUs")
    throughput(docs, args.runs, args.model)
    base, _ = base_documents(args.folder)
    if not args.quick:
        from claimcheck.checker import Checker

        checker = Checker(model=args.model)
        gc.freeze()  # as the CLI does
        speed_parts.versus_proselint(checker, docs, max(1, args.runs // 2))
        speed_parts.marginal(checker, base, max(1, args.runs // 2))
        speed_parts.jobs(docs, max(1, args.runs // 2))
        speed_parts.rules_tenfold(docs, max(1, args.runs // 2))
    cold_start(args.runs)
    if args.before is not None:
        speed_parts.before_and_after(args.before, docs, args.runs, SAMPLE)
    speed_parts.quick_commands(args.runs)
    memory(args.folder, args.words)
    if not args.quick:
        speed_parts.memory_by_format(base, (10, 10_000 if args.full else args.memory_docs))
        speed_parts.memory_new_words(base, (100, 10_000 if args.full else 2_000))
    if args.profile:
        profile(docs)


if __name__ == "__main__":
    main()
