"""The figures of bench/speed.py beyond one process's throughput: claimcheck against proselint
on the same documents, marginal throughput, --jobs, memory by output format and batch size,
and the cost of ten times the rules. Each function prints its own lines; nothing is asserted.
"""

from __future__ import annotations

import gc
import json
import os
import random
import re
import statistics
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLAIMCHECK = [sys.executable, "-m", "claimcheck"]


def words_of(docs: Sequence[str]) -> int:
    return sum(len(d.split()) for d in docs)


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def proselint_linter() -> Callable[[str], object] | None:
    """proselint 0.16's in-process linter over one text, or None when it is not installed."""
    try:
        from proselint.checks import __register__
        from proselint.config import DEFAULT
        from proselint.registry import CheckRegistry
        from proselint.tools import LintFile
    except ImportError:
        return None
    CheckRegistry().register_many(__register__)
    return lambda text: LintFile("<doc>", text).lint(DEFAULT)


def versus_proselint(checker, docs: list[str], runs: int) -> None:  # type: ignore[no-untyped-def]
    """Steady state: both tools over the same documents in this process, runs interleaved."""
    lint = proselint_linter()
    if lint is None:
        print("vs proselint: not installed (pip install proselint==0.16.0 to compare)")
        return
    words = words_of(docs)
    pipeline = checker.pipeline
    # the floors under any check: spaCy's tokenizer alone, and the text analysis every
    # detector starts from (tokens, lemmas, sentences, clauses), before anything is matched
    tools = {"claimcheck": checker.check_text, "proselint": lint,
             "spaCy tokenizer": pipeline.nlp.make_doc, "analysis only": pipeline.analyse}
    times: dict[str, list[float]] = {name: [] for name in tools}
    for fn in tools.values():
        fn(docs[0])
    for _ in range(runs):  # in turn, so a busy spell of the machine slows them all
        for name, fn in tools.items():
            times[name].append(median_time(lambda f=fn: [f(d) for d in docs], 1))
    t = {name: statistics.median(v) for name, v in times.items()}
    print(f"vs proselint 0.16 (steady state, {words:,} words, one process): claimcheck "
          f"{words / t['claimcheck']:,.0f} words/s, proselint {words / t['proselint']:,.0f} "
          f"words/s: {t['proselint'] / t['claimcheck']:.2f}x proselint (target >= 5x)")
    print(f"vs proselint, the floors: spaCy's tokenizer alone {words / t['spaCy tokenizer']:,.0f}"
          f" words/s ({t['proselint'] / t['spaCy tokenizer']:.2f}x proselint), our text "
          f"analysis alone {words / t['analysis only']:,.0f} words/s "
          f"({t['proselint'] / t['analysis only']:.2f}x); the check is "
          f"{t['analysis only'] / t['claimcheck']:.0%} analysis")


def marginal(checker, base: list[str], runs: int) -> None:  # type: ignore[no-untyped-def]
    """Words/s of the extra work from a 4x to a 20x copy of the corpus (start-up and warm-up
    cancel out), for claimcheck and proselint."""
    small, large = base * 4, base * 20
    extra = words_of(large) - words_of(small)
    lint = proselint_linter()
    tools = {"claimcheck": checker.check_text}
    if lint is not None:
        tools["proselint"] = lint
    rates = {}
    for name, fn in tools.items():
        fn(base[0])
        t_small = median_time(lambda f=fn: [f(d) for d in small], runs)
        t_large = median_time(lambda f=fn: [f(d) for d in large], runs)
        rates[name] = extra / max(t_large - t_small, 1e-9)
    line = ", ".join(f"{n} {r:,.0f} words/s" for n, r in rates.items())
    ratio = (f": {rates['claimcheck'] / rates['proselint']:.2f}x proselint (target >= 4x)"
             if "proselint" in rates else "")
    print(f"marginal (20x vs 4x the corpus, {extra:,} extra words): {line}{ratio}")


def write_folder(docs: list[str], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n, doc in enumerate(docs):
        (folder / f"doc{n:06d}.txt").write_text(doc, encoding="utf-8")


#: run a command and print its wall time and peak RSS in KiB; from a fresh small interpreter,
#: because a child forked from this (large) process starts with this process's pages counted
_MEASURE = """
import os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
usage = os.wait4(proc.pid, 0)[2]
print(time.perf_counter() - start, usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1))
"""


def cli_run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one CLI run, output discarded."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, *CLAIMCHECK, *args], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1]) / 1024


#: the --jobs comparison runs on at least this many words: on the bench's 100,000 the second
#: of start-up both runs pay is a third of the run, and the issue's batch is 1,000,000
JOBS_MIN_WORDS = 400_000


def jobs(docs: list[str], runs: int) -> None:
    """--jobs 2 against --jobs 1 on the same folder through the CLI (-f jsonl), timed as
    bench/jobs.py does, on the corpus repeated to at least JOBS_MIN_WORDS words."""
    import jobs as jobs_bench

    docs = docs * max(1, -(-JOBS_MIN_WORDS // max(1, words_of(docs))))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        write_folder(docs, folder)
        times = {n: statistics.median(jobs_bench.run(folder, n)[0] for _ in range(runs))
                 for n in (1, 2)}
    print(f"--jobs 2 vs --jobs 1 ({len(docs)} documents, {words_of(docs):,} words, CLI end to "
          f"end): {times[1]:.2f} s vs {times[2]:.2f} s: {times[1] / times[2]:.2f}x "
          f"(target >= 1.8x; {os.cpu_count()} CPUs)")


#: formats whose peak memory is compared across batch sizes
MEMORY_FORMATS = ("json", "jsonl", "csv", "text", "markdown", "sarif", "html")


def memory_by_format(docs: list[str], sizes: tuple[int, int]) -> None:
    """Peak RSS of `claimcheck check -j 1 -f FMT` over a small and a large batch."""
    small, large = sizes
    with tempfile.TemporaryDirectory() as tmp:
        folders = {}
        for size in sizes:
            folders[size] = Path(tmp) / str(size)
            write_folder([docs[n % len(docs)] for n in range(size)], folders[size])
        cells = []
        for fmt in MEMORY_FORMATS:
            rss = {size: cli_run(["check", "-j", "1", "-f", fmt, str(folders[size])])[1]
                   for size in sizes}
            cells.append(f"{fmt} {rss[small]:.0f} -> {rss[large]:.0f} "
                         f"({rss[large] / rss[small] - 1:+.0%})")
    print(f"peak memory by format, {small} vs {large} documents (MiB, target within 15%): "
          + "; ".join(cells))


#: every this many words of a page is replaced by a made-up one in ``memory_new_words``
NEW_WORD_EVERY = 10


def _with_new_words(text: str, page: int) -> str:
    """The text with every NEW_WORD_EVERY-th word made up for this page: a crawl meets names,
    typos and codes no page before had."""
    rng = random.Random(page)
    words = text.split(" ")
    for k in range(0, len(words), NEW_WORD_EVERY):
        words[k] = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(5, 10)))
    return " ".join(words)


def memory_new_words(docs: list[str], sizes: tuple[int, int]) -> None:
    """Peak RSS of `claimcheck check -j 1 -f jsonl` over a small and a large batch whose pages
    each bring new words (the repeated seed pages of memory_by_format bring none after the
    first few): spaCy's vocabulary and the checker's caches must not grow with the batch."""
    small, large = sizes
    with tempfile.TemporaryDirectory() as tmp:
        rss = {}
        for size in sizes:
            folder = Path(tmp) / str(size)
            write_folder([_with_new_words(docs[n % len(docs)], n) for n in range(size)], folder)
            rss[size] = cli_run(["check", "-j", "1", "-f", "jsonl", str(folder)])[1]
    print(f"peak memory with new words on every page (one in {NEW_WORD_EVERY}), {small} vs "
          f"{large} documents, jsonl: {rss[small]:.0f} -> {rss[large]:.0f} MiB "
          f"({rss[large] / rss[small] - 1:+.0%}; target within 15%)")


def _renamed_copy(text: str, copy: int) -> str:
    """A rule file whose ids are made unique for copy number ``copy``."""
    # an id is its category's prefix and three digits: copy 3 of CURE001 is CURE301
    return re.sub(r"^(- id: )([A-Z]+)(\d{3})",
                  lambda m: f"{m[1]}{m[2]}{int(m[3]) + 100 * copy:03d}", text,
                  flags=re.MULTILINE)


def _unmatchable_copy(text: str, copy: int) -> str:
    """Copy 0 as it is; any other a renamed copy whose every pattern also needs a word no text
    holds ("zq3"): rule packs that share their anchor words but not their patterns, so
    nothing is run once for all of them and every copy's filters are paid for."""
    if copy == 0:
        return text
    out, in_patterns = [], False
    for line in _renamed_copy(text, copy).splitlines():
        if re.match(r"^  [a-z]", line):
            in_patterns = line.startswith("  patterns:")
        elif in_patterns and line.startswith("    - tokens: ["):
            line = line.replace("tokens: [", f"tokens: [{{LOWER: zq{copy}}}, ", 1)
        elif in_patterns and line.startswith("    - ") and ":" not in line:
            line = f"{line} zq{copy}"
        out.append(line)
    return "\n".join(out) + "\n"


def rules_tenfold(docs: list[str], runs: int) -> None:
    """Set-up and check time with the built-in rules and with ten renamed copies of them
    (rules detector only: the classifier does not grow with the rules). Identical patterns
    are compiled and run once for all the rules holding them, so a second figure uses copies
    whose patterns differ (the built-in rules and nine copies that never match): the price of
    ten times the patterns to filter."""
    from claimcheck.checker import Checker
    from claimcheck.ruleset import builtin_rules_dir, load_rules

    with tempfile.TemporaryDirectory() as tmp:
        folders = {"10x": Path(tmp) / "same", "10x distinct": Path(tmp) / "distinct"}
        for name, make in (("10x", _renamed_copy), ("10x distinct", _unmatchable_copy)):
            folders[name].mkdir()
            for copy in range(10):
                for file in sorted(builtin_rules_dir().glob("*.yaml")):
                    (folders[name] / f"{file.stem}-{copy}.yaml").write_text(
                        make(file.read_text(encoding="utf-8"), copy), encoding="utf-8")
        results = {}
        for name in ("1x", "10x", "10x distinct"):
            start = time.perf_counter()
            rules = load_rules() if name == "1x" else load_rules([folders[name]], builtin=False)
            checker = Checker(rules, detector="rules")
            setup = time.perf_counter() - start
            gc.freeze()  # as the CLI does once it has built its Checker
            checker.check_text(docs[0])
            results[name] = (len(checker.rules.rules), setup,
                             median_time(lambda c=checker: [c.check_text(d) for d in docs], runs))
    (n1, s1, t1), (n10, s10, t10), (_, sd, td) = results.values()
    print(f"10x the rules ({n1} -> {n10} rules, rules detector): set-up {s1:.2f} -> {s10:.2f} "
          f"s, check {t1:.2f} -> {t10:.2f} s per pass: {t10 / t1:.2f}x the time (target <= 2x); "
          f"with nine copies whose patterns differ: set-up {sd:.2f} s, check {td:.2f} s, "
          f"{td / t1:.2f}x")


def quick_commands(runs: int) -> None:
    """`claimcheck --version` and `--help`: no spaCy import, so well under a cold check."""
    cells = []
    for args in (["--version"], ["--help"], ["check", "--help"]):
        wall = statistics.median(cli_run(args)[0] for _ in range(runs))
        cells.append(f"claimcheck {' '.join(args)} {wall:.2f} s")
    print("quick commands (target < 0.3 s): " + ", ".join(cells))


#: the child of ``before_and_after``: one tree's Checker (its default detectors) over the
#: documents of a JSON file, warmed up and set aside from the garbage collector as the CLI does;
#: prints the seconds of each pass
_TREE_CHILD = """
import gc, json, sys, time
sys.path.insert(0, sys.argv[1])
from claimcheck.checker import Checker
docs = json.loads(open(sys.argv[2], encoding="utf-8").read())
checker = Checker()
checker.check_text(docs[0])
gc.freeze()
for _ in range(int(sys.argv[3])):
    start = time.perf_counter()
    for n, doc in enumerate(docs):
        checker.check_text(doc, f"<doc {n}>")
    print(time.perf_counter() - start)
"""


def _tree_passes(tree: Path, corpus: Path, passes: int) -> list[float]:
    out = subprocess.run([sys.executable, "-c", _TREE_CHILD, str(tree / "src"), str(corpus),
                          str(passes)], capture_output=True, text=True, check=True)
    return [float(line) for line in out.stdout.split()]


def _tree_cold(tree: Path, sample: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    start = time.perf_counter()
    subprocess.run([*CLAIMCHECK, "check", "--format", "json", str(sample)], cwd=tree, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def before_and_after(before: Path, docs: list[str], runs: int, sample: Path) -> None:
    """Issue 10's cost targets as the issue states them: the tool of another checkout (e.g.
    the commit before the classifier landed: ``git worktree add --detach ../pre 9e68d3b``)
    against this one, each with its default detectors, in processes that take turns: words/s
    over the same documents, and the cold start of ``check --format json`` on one sample."""
    trees = {"before": before.resolve(), "now": REPO}
    words = words_of(docs)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "docs.json"
        corpus.write_text(json.dumps(docs), encoding="utf-8")
        passes: dict[str, list[float]] = {name: [] for name in trees}
        colds: dict[str, list[float]] = {name: [] for name in trees}
        for tree in trees.values():
            _tree_cold(tree, sample)  # warm the OS file cache and .pyc files once
        for _ in range(max(2, runs)):  # in turn, so a busy spell of the machine slows both
            for name, tree in trees.items():
                passes[name] += _tree_passes(tree, corpus, 2)
                colds[name].append(_tree_cold(tree, sample))
    speed = {name: words / statistics.median(series) for name, series in passes.items()}
    cold = {name: statistics.median(series) for name, series in colds.items()}
    print(f"before/after: {trees['before']} {speed['before']:,.0f} words/s, this tree "
          f"{speed['now']:,.0f} (medians of {len(passes['now'])} passes): now at "
          f"{speed['now'] / speed['before']:.0%} of before (issue 10: throughput falls by at "
          "most 25%)")
    print(f"before/after: cold start {cold['before']:.2f} s -> {cold['now']:.2f} s, "
          f"{cold['now'] - cold['before']:+.2f} s (issue 10: grows by at most 0.3 s)")
