"""The HTML report in a real headless browser (Debian's chromium): it renders, the highlights sit
on the words the JSON names, clicking one opens its card, and the page loads nothing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SAMPLES, run_cli
from test_outputs import check_highlights, parse_page

CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which(
    "chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs a headless browser: apt-get install chromium "
    "(CI installs it; /usr/bin/chromium not found)")

#: appended to a copy of the report: click the first red flag, record what happened
PROBE = """<script>
var mark = document.querySelector('mark.hl.counted');
mark.click();
var card = document.getElementById(mark.getAttribute('data-card'));
document.body.setAttribute('data-probe-card', card.id + ':' + card.open);
document.body.setAttribute('data-probe-resources',
  String(performance.getEntriesByType('resource').length));
</script>
</body>"""


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--no-default-browser-check", f"--user-data-dir={profile}", *args],
        capture_output=True, timeout=60, check=False)


def test_report_renders_in_a_real_browser(tmp_path):
    inputs = (str(SAMPLES / "batch"), str(SAMPLES / "careful-article.txt"), "no/such/file.txt")
    report = tmp_path / "report.html"
    assert run_cli("check", "-f", "html", "-o", str(report), *inputs).returncode == 2
    docs = json.loads(run_cli("check", "-f", "json", *inputs).stdout)["documents"]
    html = report.read_text("utf-8")
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("</body>", PROBE, 1), "utf-8")

    dumped = chromium(tmp_path / "profile", "--dump-dom", probe.as_uri())
    dom = dumped.stdout.decode("utf-8")
    assert dumped.returncode == 0 and "</html>" in dom, dumped.stderr.decode()[-2000:]

    # scripts ran, every document and its score badge is there
    assert re.search(r'<html[^>]*class="js"', dom)
    for d in docs:
        assert f">{d['source']}</h2>" in dom
        if d["score"] is not None:
            assert f'<span class="score">{d["score"]}</span>' in dom
    assert dom.count('class="badge grade-') >= 2 * len(docs)  # index + each section

    # the browser's DOM puts each highlight on exactly the words of its finding
    page = parse_page(dom)
    assert not page.problems
    assert check_highlights(page, docs) == sum(len(d["findings"]) + len(d["signals"])
                                               for d in docs)

    # clicking a red flag opened its card; nothing was fetched; no link leaves the page
    # the first counted mark in the page: the first document with one, and in it the earliest
    # start (of marks that start together, the longest is the outer one)
    n, d = next((n, d) for n, d in enumerate(docs, 1) if any(f["counted"] for f in d["findings"]))
    marks = [(f["start"], -f["end"], i) for i, f in enumerate(d["findings"], 1) if f["counted"]]
    first = f"d{n}-f{min(marks)[2]}"
    assert f'data-probe-card="{first}:true"' in dom
    assert 'data-probe-resources="0"' in dom
    assert not [u for u in page.urls if re.match(r"\s*(https?:)?//", u)]
    assert "https://www.fda.gov" in dom  # a URL in the checked text stays text

    shot = tmp_path / "report.png"
    done = chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000",
                    report.as_uri())
    assert done.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a blank page compresses to a few kilobytes



@pytest.mark.parametrize("width", [1280, 390])
def test_report_has_no_horizontal_scrolling(tmp_path, width):
    """The batch report on a desktop and on a phone: nothing sticks out sideways."""
    sync_api = pytest.importorskip("playwright.sync_api")
    report = tmp_path / "report.html"
    run_cli("check", "-f", "html", "-o", str(report), str(SAMPLES / "batch"))
    flags = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", "--no-proxy-server"]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=flags)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(report.as_uri())
            scroll = page.evaluate("document.documentElement.scrollWidth")
            page.screenshot(path=str(tmp_path / f"report-{width}.png"), full_page=True)
        finally:
            browser.close()
    assert scroll <= width, f"the report is {scroll}px wide in a {width}px window"
    assert (tmp_path / f"report-{width}.png").stat().st_size > 1000
