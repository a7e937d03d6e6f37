"""How long does HTML text extraction take? trafilatura (main text) vs the stdlib fallback.

    .venv/bin/python bench/html_extract.py [--runs 15]

Pages: samples/*.html, samples/batch/*.html and synthetic clinic pages of about 50 KB, 500 KB
and 2 MB (many article sections between a heavy menu, sidebars and a footer). Prints the median
milliseconds per page for each extractor and how many characters each kept. Nothing is
asserted; the numbers are for comparing by eye.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from claimcheck.ingest.html import fallback_text, main_text  # noqa: E402

SECTION = """
<section class="treatment">
  <h2>Treatment Option {n}</h2>
  <p>Our stem cell program number {n} uses cells taken from your own body. Patients often
  report less pain within weeks, and the visit takes about three hours from start to finish.</p>
  <p>Results differ between patients. Ask our team about the risks, the costs and the
  published evidence before you decide whether this option is right for you.</p>
  <ul><li>Outpatient visit</li><li>Local numbing</li><li>Follow-up call</li></ul>
</section>
"""
CHROME_TOP = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Synthetic clinic</title>
<style>{css}</style><script>{js}</script></head><body>
<div class="cookie-banner"><p>We use cookies to improve your visit.</p><button>Accept</button></div>
<nav>{nav}</nav><aside class="ad"><p>Sponsored: vitamin gummies, two for one.</p></aside>
<main><article><h1>Regenerative Medicine at a Synthetic Clinic</h1>
"""
CHROME_BOTTOM = """</article></main><footer><p>&copy; 2025 Synthetic Clinic</p>
<p><a href="/privacy">Privacy</a> | <a href="/terms">Terms</a></p></footer></body></html>"""


def synthetic(target_bytes: int) -> str:
    """A clinic-like page of about ``target_bytes``: boilerplate around repeated sections."""
    nav = "".join(f'<a href="/p{i}">Menu item {i}</a>' for i in range(60))
    top = CHROME_TOP.format(css=".x{color:red}" * 200, js="var a=1;" * 200, nav=nav)
    parts = [top]
    n = 0
    while sum(map(len, parts)) < target_bytes:
        n += 1
        parts.append(SECTION.format(n=n))
    parts.append(CHROME_BOTTOM)
    return "".join(parts)


def pages() -> list[tuple[str, str]]:
    found = sorted(REPO.glob("samples/*.html")) + sorted(REPO.glob("samples/batch/*.html"))
    out = [(str(p.relative_to(REPO)), p.read_text(encoding="utf-8")) for p in found]
    for size, label in ((50_000, "50 KB"), (500_000, "500 KB"), (2_000_000, "2 MB")):
        out.append((f"synthetic {label}", synthetic(size)))
    return out


def median_ms(func: Callable[[str], str], html: str, runs: int) -> tuple[float, int]:
    times = []
    chars = 0
    for _ in range(runs):
        start = time.perf_counter()
        chars = len(func(html))
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), chars


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per page (median)")
    args = parser.parse_args()
    main_text("<p>warm up the imports</p>")
    rows = []
    print(f"{'page':<34} {'bytes':>9}  {'trafilatura ms':>14} {'chars':>7}  "
          f"{'stdlib ms':>9} {'chars':>7}")
    for name, html in pages():
        runs = args.runs if len(html) < 1_000_000 else max(3, args.runs // 5)
        t_ms, t_chars = median_ms(main_text, html, runs)
        f_ms, f_chars = median_ms(fallback_text, html, runs)
        rows.append((t_ms, f_ms))
        print(f"{name:<34} {len(html):>9,}  {t_ms:>14.2f} {t_chars:>7,}  {f_ms:>9.2f} "
              f"{f_chars:>7,}")
    print(f"median over pages: trafilatura {statistics.median(r[0] for r in rows):.2f} ms, "
          f"stdlib {statistics.median(r[1] for r in rows):.2f} ms")


if __name__ == "__main__":
    main()
