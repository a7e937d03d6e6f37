"""A bounded load check of ``claimcheck serve`` on loopback: prints numbers, asserts nothing.

    .venv/bin/python bench/serve_load.py [--requests 200] [--concurrency 8] [--text FILE]

Starts ``claimcheck serve --port 0`` (a free port on 127.0.0.1), sends ``--requests`` requests
from ``--concurrency`` threads (every other one to the JSON API, the rest to the form's HTML
answer page, each with the sample marketing page), then stops the server. Every request has a
timeout and the run is a fixed number of requests, so it always ends by itself. Printed:
status counts and errors, requests per second, median / p95 / max latency per route, and the
server's resident memory after start-up, after one warm-up request and after the load (and its
peak, VmHWM).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "marketing-clinic.txt"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, no proxy
TIMEOUT = 60.0


def start_server(log: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "no_proxy": "127.0.0.1",
           "NO_PROXY": "127.0.0.1"}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "claimcheck", "serve", "--host",
                                 "127.0.0.1", "--port", "0"], stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 120
    while True:
        text = log.read_text("utf-8", "replace")
        if "serving on http://" in text:
            line = next(x for x in text.splitlines() if "serving on" in x)
            return proc, line.split("serving on ")[1].split("/ ")[0]
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            sys.exit(f"the server did not start:\n{text}")
        time.sleep(0.1)


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in kB (Linux /proc)."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def api_request(base: str, text: str) -> urllib.request.Request:
    return urllib.request.Request(base + "/api/check", json.dumps({"text": text}).encode(),
                                  {"Content-Type": "application/json"}, method="POST")


def page_request(base: str, text: str) -> urllib.request.Request:
    boundary = uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\n{text}\r\n'
            f"--{boundary}--\r\n").encode()
    return urllib.request.Request(base + "/check", body, {
        "Content-Type": f"multipart/form-data; boundary={boundary}"}, method="POST")


def send(req: urllib.request.Request) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with OPENER.open(req, timeout=TIMEOUT) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError:
        status = 0  # no answer at all: refused, reset or timed out
    return status, time.perf_counter() - started


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--text", type=Path, default=SAMPLE)
    args = parser.parse_args(argv)
    text = args.text.read_text("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = start_server(Path(tmp) / "server.log")
        try:
            run(proc, base, text, args.requests, args.concurrency)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def run(proc: subprocess.Popen, base: str, text: str, n: int, concurrency: int) -> None:
    started = memory(proc.pid)
    send(api_request(base, text))  # warm-up: first-use caches of spaCy and the matchers
    warm = memory(proc.pid)
    kinds = ["api" if i % 2 == 0 else "page" for i in range(n)]
    results: dict[str, list[tuple[int, float]]] = {"api": [], "page": []}
    lock = threading.Lock()

    def one(kind: str) -> None:
        req = api_request(base, text) if kind == "api" else page_request(base, text)
        got = send(req)
        with lock:
            results[kind].append(got)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, kinds))
    wall = time.perf_counter() - t0
    after = memory(proc.pid)
    every = results["api"] + results["page"]
    statuses: dict[int, int] = {}
    for status, _ in every:
        statuses[status] = statuses.get(status, 0) + 1
    print(f"claimcheck serve load: {n} requests, concurrency {concurrency}, loopback "
          f"({base}), text {len(text.split())} words")
    print(f"  statuses: {dict(sorted(statuses.items()))}; errors (not 200): "
          f"{sum(c for s, c in statuses.items() if s != 200)}")
    print(f"  wall {wall:.2f} s, {n / wall:.1f} requests/s")
    for name, rows in (("all", every), ("api", results["api"]), ("page", results["page"])):
        ms = [t * 1000 for _, t in rows]
        print(f"  latency {name:<4} median {statistics.median(ms):7.1f} ms   p95 "
              f"{pct(ms, 0.95):7.1f} ms   max {max(ms):7.1f} ms   (n={len(ms)})")
    print(f"  server memory: RSS {started['VmRSS'] / 1024:.1f} MiB after start-up, "
          f"{warm['VmRSS'] / 1024:.1f} MiB after one request, {after['VmRSS'] / 1024:.1f} MiB "
          f"after the load; peak {after['VmHWM'] / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
