"""Worst cases: how long claimcheck takes on the largest and oddest inputs it accepts.

    .venv/bin/python bench/worst_case.py [--only NAME ...] [--limit 300] [--profile NAME]

Each case is written to a temporary file, read through ``ingest`` as the CLI reads it (HTML
extraction, CSV rows) and checked in-process by one ``claimcheck.checker.Checker``; the JSON report
is rendered too. The script prints the seconds for reading, checking and rendering, and the
seconds per MB (1 MB = 1,000,000 bytes of input), then the worst case per MB. Each case runs in
a forked child with a time limit, so a pathological case is reported rather than waited for.
``--profile NAME`` runs one case under cProfile instead and prints its top functions.
Nothing is asserted: the numbers are for reading by eye (~5 s/MB would be pathological).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing
import pstats
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MB = 1_000_000
BIG = 64 * 1024 * 1024  # --max-bytes for these runs: every case is read in full


def _sample(name: str) -> str:
    return (REPO / "samples" / name).read_text(encoding="utf-8")


def _fill(text: str, size: int, sep: str = "") -> str:
    """``text`` repeated (joined by ``sep``) and cut to ``size`` characters."""
    return (sep.join([text] * (size // (len(text) + len(sep)) + 1)))[:size]


def prose_no_punctuation() -> tuple[str, bytes]:
    """1 MB of ordinary article words with every punctuation mark and line break removed."""
    words = re.sub(r"[^\w\s]", " ", _sample("careful-article.txt")).split()
    return ".txt", _fill(" ".join(words), MB, " ").encode()


def dense_red_flags() -> tuple[str, bytes]:
    """1 MB of clinic marketing: a red flag in nearly every sentence."""
    return ".txt", _fill(_sample("marketing-clinic.txt"), MB, "\n\n").encode()


def one_word() -> tuple[str, bytes]:
    """1 MB of letters with no space or punctuation: one token of a million characters."""
    return ".txt", _fill("stemcellsguaranteedcure", MB).encode()


def html_page() -> tuple[str, bytes]:
    """A 2 MB page: navigation, banner and footer around paragraphs of article and marketing."""
    paras = [p.strip() for p in (_sample("careful-article.txt") + "\n\n"
                                 + _sample("marketing-clinic.txt")).split("\n\n") if p.strip()]
    body = "".join(f"<h2>Section {i}</h2>\n" if i % 10 == 0 else f"<p>{paras[i % len(paras)]}</p>\n"
                   for i in range(20_000))
    head = ("<!DOCTYPE html><html><head><title>Clinic</title><style>p{margin:0}</style>"
            "<script>var a = 1;</script></head><body><nav><a href='/'>Home</a> "
            "<a href='/t'>Our Treatments</a></nav><div class='cookie'>We use cookies. "
            "<button>Accept all</button></div><main><article><h1>Stem Cell Therapy</h1>\n")
    tail = "</article></main><footer>400 Harbor View. Privacy Policy.</footer></body></html>"
    page = head + body
    return ".html", (page[:2 * MB - len(tail)] + tail).encode()


def nested_html() -> tuple[str, bytes]:
    """100,000 nested <div>s around one paragraph (about 1.1 MB)."""
    depth = 100_000
    return ".html", (f"<html><body>{'<div>' * depth}<p>Our stem cells are a guaranteed cure."
                     f"</p>{'</div>' * depth}</body></html>").encode()


def csv_big_cell() -> tuple[str, bytes]:
    """A CSV of three ads, the middle one a 10 MB cell of marketing text."""
    cell = _fill(_sample("marketing-clinic.txt").replace('"', '""'), 10 * MB, "\n")
    return ".csv", (f'id,text\na,Our stem cells are a guaranteed cure.\nb,"{cell}"\n'
                    "c,Ask your doctor about the risks.\n").encode()


CASES: dict[str, Callable[[], tuple[str, bytes]]] = {
    "prose-no-punctuation-1mb": prose_no_punctuation,
    "dense-red-flags-1mb": dense_red_flags,
    "one-word-1mb": one_word,
    "html-page-2mb": html_page,
    "nested-html-100k-divs": nested_html,
    "csv-10mb-cell": csv_big_cell,
}


def run_case(name: str, checker) -> dict:  # type: ignore[no-untyped-def]
    """Read, check and render one case; seconds for each step and what came out."""
    from claimcheck.ingest import InputOptions, iter_documents
    from claimcheck.render import RenderContext, make_renderer

    suffix, raw = CASES[name]()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}{suffix}"
        path.write_bytes(raw)
        started = time.perf_counter()
        documents = list(iter_documents([str(path)], InputOptions(max_bytes=BIG)))
        read = time.perf_counter() - started
    started = time.perf_counter()
    reports = list(checker.check_documents(documents))
    check = time.perf_counter() - started
    started = time.perf_counter()
    make_renderer("json", io.StringIO(), RenderContext("", "")).finish(checker.report(reports))
    render = time.perf_counter() - started
    return {"bytes": len(raw), "read": read, "check": check, "render": render,
            "documents": len(reports), "errors": sum(r.error is not None for r in reports),
            "findings": sum(len(r.findings) for r in reports),
            "text": sum(len(d.text) for d in documents)}


def _child(name: str, checker, queue) -> None:  # type: ignore[no-untyped-def]
    try:
        queue.put(run_case(name, checker))
    except BaseException as exc:  # noqa: BLE001 - report it instead of a silent child
        queue.put({"failed": f"{type(exc).__name__}: {exc}"})


def timed(name: str, checker, limit: float) -> dict:  # type: ignore[no-untyped-def]
    """``run_case`` in a forked child (sharing the built Checker), killed after ``limit`` s."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_child, args=(name, checker, queue))
    child.start()
    started = time.monotonic()
    while child.is_alive() and queue.empty() and time.monotonic() - started < limit:
        child.join(0.1)
    if queue.empty():
        child.terminate()
        child.join()
        return {"failed": f"no result within {limit:g} s"}
    result = queue.get()
    child.join()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=list(CASES), help="run only these")
    parser.add_argument("--limit", type=float, default=300, help="seconds allowed per case")
    parser.add_argument("--profile", choices=list(CASES), help="profile one case (cProfile)")
    args = parser.parse_args(argv)

    from claimcheck.checker import Checker

    started = time.perf_counter()
    checker = Checker()
    print(f"Checker built in {time.perf_counter() - started:.2f} s (not counted below)")

    if args.profile:
        profile = cProfile.Profile()
        result = profile.runcall(run_case, args.profile, checker)
        print(result)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        return 0

    print(f"{'case':26} {'MB':>6} {'read s':>7} {'check s':>8} {'render s':>9} {'total s':>8} "
          f"{'s/MB':>6}  findings")
    worst: tuple[float, str] = (0.0, "")
    for name in args.only or CASES:
        r = timed(name, checker, args.limit)
        if "failed" in r:
            print(f"{name:26} {r['failed']}")
            continue
        total = r["read"] + r["check"] + r["render"]
        per_mb = total / (r["bytes"] / MB)
        worst = max(worst, (per_mb, name))
        errors = f", {r['errors']} error(s)" if r["errors"] else ""
        print(f"{name:26} {r['bytes'] / MB:6.2f} {r['read']:7.2f} {r['check']:8.2f} "
              f"{r['render']:9.2f} {total:8.2f} {per_mb:6.2f}  {r['findings']} in "
              f"{r['documents']} document(s){errors}", flush=True)
    if worst[1]:
        print(f"worst per MB: {worst[1]}, {worst[0]:.2f} s/MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
