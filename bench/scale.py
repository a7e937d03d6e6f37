"""Crawl scale: serial, --jobs 2 and Dask with 2 workers on 2,000 documents, and the trend.

Usage: python bench/scale.py [--docs 2000] [--workers 2] [--trend 250,500,1000,2000]

Prints numbers and asserts nothing; everything runs on this machine (a LocalCluster on
127.0.0.1) and stops by itself.

1. The CLI (`claimcheck check -f jsonl`) over a folder of --docs files (the seed articles in
   ../shared/seeds, or samples/, repeated): serial, --jobs 2, --scheduler (a LocalCluster the
   bench started) and --engine dask (which starts its own); words/s end to end, and whether the
   outputs are byte-identical.
2. Dask overhead per document: the engine on empty documents (scheduling and transport only),
   and the worker time the Dask run spent beyond the serial run's checking time.
3. Trend: the engine on growing batches; a least-squares line (seconds = a + b x documents),
   its projection to 10^6 pages on 2 workers and on more, and the memory (RSS) of each worker
   and of the client after each batch.
4. Memory of a web-archive run: peak RSS of `claimcheck check -f jsonl crawl.warc.gz` on
   archives of a quarter and of all --docs HTML pages.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024


def sources() -> list[str]:
    seeds = ROOT.parent / "shared" / "seeds"
    files = sorted(seeds.glob("*.txt")) if seeds.is_dir() else []
    files = files or sorted((ROOT / "samples").glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in files]


def corpus(n: int) -> list[str]:
    texts = sources()
    return [f"{texts[i % len(texts)]}\n\nPage {i}." for i in range(n)]


def run_cli(*args: str) -> tuple[float, bytes, float]:
    """Wall seconds, stdout and the peak RSS (MiB) of one CLI run: its process and any it
    starts (an --engine dask LocalCluster), sampled every 50 ms. (ru_maxrss would count the
    memory this bench had when it forked the child.)"""
    import psutil

    cmd = [sys.executable, "-m", "claimcheck", "check", "-f", "jsonl", "--fail-under", "0",
           *args]
    start = time.perf_counter()
    peak = 0
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
        tree = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                peak = max(peak, sum(p.memory_info().rss for p in
                                     [tree, *tree.children(recursive=True)]))
            except psutil.Error:
                pass
            time.sleep(0.05)
        wall = time.perf_counter() - start
        out.seek(0)
        return wall, out.read(), peak / MIB


def cli_section(folder: Path, words: int, address: str, workers: int) -> None:
    runs = {
        "serial": run_cli(str(folder)),
        f"--jobs {workers}": run_cli("--jobs", str(workers), str(folder)),
        f"--scheduler (cluster of {workers} up)": run_cli("--scheduler", address, str(folder)),
        f"--engine dask --jobs {workers} (starts its own)":
            run_cli("--engine", "dask", "--jobs", str(workers), str(folder)),
    }
    serial = runs["serial"][1]
    print("1. the CLI, -f jsonl, end to end (process start, Checker build, reading, writing)")
    for name, (wall, out, rss) in runs.items():
        print(f"   {name:<42} {wall:6.1f} s  {words / wall:9,.0f} words/s  "
              f"peak RSS {rss:5.0f} MiB  identical to serial: {out == serial}")


def timed_dask(client, spec, docs) -> float:  # type: ignore[no-untyped-def]
    from claimcheck.scale.engine import DaskEngine

    eng = DaskEngine(client, spec)
    try:
        start = time.perf_counter()
        for _ in eng.check(docs):
            pass
        return time.perf_counter() - start
    finally:
        eng.close()


def overhead_section(client, spec, docs, workers: int) -> None:  # type: ignore[no-untyped-def]
    from claimcheck.checker import Checker
    from claimcheck.types import Document

    checker = Checker(spec.rules)
    start = time.perf_counter()
    for _ in checker.check_documents(docs):
        pass
    serial = time.perf_counter() - start
    wall = timed_dask(client, spec, docs)
    empty = [Document(f"e{i}", "") for i in range(len(docs))]
    transport = timed_dask(client, spec, empty)
    n = len(docs)
    print(f"2. Dask overhead per document ({n:,} documents, {workers} workers)")
    print(f"   in-process serial check: {serial:6.1f} s ({serial / n * 1000:.2f} ms/document)")
    print(f"   Dask engine:             {wall:6.1f} s (speed-up {serial / wall:.2f}x on "
          f"{workers} workers)")
    print(f"   empty documents (scheduling + transport only): {transport / n * 1000:.2f} ms per "
          "document of wall time")
    extra = (wall * workers - serial) / n
    print(f"   worker time beyond checking: {extra * 1000:.2f} ms per document "
          f"({extra / (serial / n):.0%} of the check itself)")


def rss_of_workers(client) -> list[float]:  # type: ignore[no-untyped-def]
    import psutil

    return sorted(v / MIB for v in client.run(lambda: psutil.Process().memory_info().rss)
                  .values())


def trend_section(client, spec, sizes: list[int], workers: int) -> None:  # type: ignore[no-untyped-def]
    import psutil

    from claimcheck.types import Document

    texts = corpus(max(sizes))
    words = [len(t.split()) for t in texts]
    print(f"3. trend on {workers} workers (engine only; the cluster and Checkers already up)")
    points = []
    first_rss = ""
    for n in sizes:
        docs = [Document(f"d{i}", t) for i, t in enumerate(texts[:n])]
        wall = timed_dask(client, spec, docs)
        points.append((n, wall))
        rss = ", ".join(f"{r:.0f}" for r in rss_of_workers(client))
        first_rss = first_rss or rss
        client_rss = psutil.Process().memory_info().rss / MIB
        print(f"   {n:6,} documents {wall:7.1f} s  {sum(words[:n]) / wall:9,.0f} words/s  "
              f"{n / wall:6.1f} docs/s  worker RSS MiB [{rss}]  client RSS {client_rss:.0f} MiB")
    mean_n = sum(n for n, _ in points) / len(points)
    mean_t = sum(t for _, t in points) / len(points)
    b = sum((n - mean_n) * (t - mean_t) for n, t in points) / \
        sum((n - mean_n) ** 2 for n, _ in points)
    a = mean_t - b * mean_n
    million = a + b * 1e6
    print(f"   fit: seconds = {a:.2f} + {b * 1000:.3f} ms x documents "
          f"(mean {sum(words) / len(words):,.0f} words a document)")
    print(f"   10^6 pages on {workers} workers: {million / 3600:.1f} h; cost grows linearly, "
          "so W workers take about "
          f"{b * 1e6 * workers / 3600:.1f} h / W (e.g. 32 workers: "
          f"{b * 1e6 * workers / 32 / 60:.0f} min), plus the client's reading")
    print(f"   worker RSS: {first_rss} MiB after {sizes[0]:,} documents, {rss} MiB after "
          f"{sizes[-1]:,} (documents stream through; reports leave the worker as they are "
          "made); client RSS includes this bench's own corpus")


def warc_section(n: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    texts = corpus(n)
    print("4. a web archive, serial, -f jsonl: peak RSS of the process")
    with tempfile.TemporaryDirectory() as tmp:
        for count in (n // 4, n):
            path = Path(tmp) / f"crawl-{count}.warc.gz"
            with path.open("wb") as handle:
                writer = WARCWriter(handle, gzip=True)
                for i, text in enumerate(texts[:count]):
                    body = f"<html><body><p>{text}</p></body></html>".encode()
                    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                               protocol="HTTP/1.1")
                    writer.write_record(writer.create_warc_record(
                        f"https://clinic.example/{i}", "response", payload=io.BytesIO(body),
                        http_headers=headers))
            wall, out, rss = run_cli(str(path))
            lines = out.count(b"\n")
            print(f"   {count:6,} pages ({path.stat().st_size / MIB:5.1f} MiB archive): "
                  f"{wall:6.1f} s, {lines:,} lines, peak RSS {rss:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--trend", default="250,500,1000,2000")
    args = parser.parse_args()

    import dask
    from distributed import Client, LocalCluster

    from claimcheck.ruleset import load_rules
    from claimcheck.scale.engine import CheckerSpec
    from claimcheck.types import Document

    texts = corpus(args.docs)
    words = sum(len(t.split()) for t in texts)
    print(f"corpus: {args.docs:,} documents, {words:,} words; {os.cpu_count()} cores")
    start = time.perf_counter()
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address="127.0.0.1:0",
                               silence_logs=logging.ERROR)
    client = Client(cluster, set_as_default=False)
    print(f"LocalCluster of {args.workers} workers up in {time.perf_counter() - start:.1f} s; "
          "worker RSS before any Checker, MiB: "
          + ", ".join(f"{r:.0f}" for r in rss_of_workers(client)))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for i, text in enumerate(texts):
                (folder / f"doc{i:05d}.txt").write_text(text, encoding="utf-8")
            cli_section(folder, words, cluster.scheduler_address, args.workers)
        spec = CheckerSpec.of(load_rules())
        docs = [Document(f"d{i}", t) for i, t in enumerate(texts)]
        overhead_section(client, spec, docs, args.workers)
        trend_section(client, spec, [int(n) for n in args.trend.split(",")], args.workers)
    finally:
        client.close()
        cluster.close()
    warc_section(args.docs)


if __name__ == "__main__":
    main()
