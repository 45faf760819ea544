"""Time the workspace's live preview: from a POST of changed YAML to the page images, per sample.

Starts `factsheets serve` on a scratch copy of sources/ and templates/, then for each sample record
posts its text with a changed title N times (the first, which starts the workers, is reported apart)
and, when Playwright and Debian's chromium are installed, measures in the browser from typing
stopping (the editor waits 700 ms after the last key) to the new page image shown. The title keeps
its own words and gets " (round N)" after them, so every sample stays valid (a briefing paper's
title must open with its portion mark) and each preview is a real render, not an error page.

    .venv/bin/python bench/preview_roundtrip.py [N]
"""

from __future__ import annotations

import http.cookiejar
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import served
from recordgen import numbered_title

DEBOUNCE = 0.7  # hx-trigger="keyup changed delay:700ms"


def main(rounds: int) -> None:
    """Measure the HTTP round trip of every sample and the browser's of the first; print each."""
    measure(rounds, report=print, browser_samples=1)


def measure(rounds: int, report=lambda line: None, browser_samples: int | None = None) -> dict:
    """Time the previews; return {"http": {stem: (pages, first s, [later s])}, "browser": {stem:
    ([typing stopped → shown, ms], [last key → shown, ms])}, "browser_missing": reason or None}.

    The browser times the first `browser_samples` samples (all when None); `report` gets each line.
    """
    found: dict = {"http": {}, "browser": {}, "browser_missing": served.browser_missing()}
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        for folder in ("sources", "templates"):
            shutil.copytree(ROOT / folder, project / folder)
        subprocess.run([sys.executable, "-m", "pipeline", "build", "-q"], cwd=project, check=True,
                       stdout=subprocess.DEVNULL)
        samples = sorted((project / "sources").glob("*.yaml"))
        with served.served(project) as url:
            report("(the first request of the run also starts the worker processes)")
            for file in samples:
                found["http"][file.stem] = _http(url, file, rounds, report)
            if found["browser_missing"] is None:
                found["browser"] = _browser(url, samples[:browser_samples], rounds, report)
            else:
                report(f"browser round trip not measured: {found['browser_missing']}")
    return found


def _http(url: str, file: Path, rounds: int, report) -> tuple[int, float, list[float]]:
    """Time POSTs of changed text to the preview route; return (pages, first s, the others in s)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{url}/sheet/{file.stem}").read().decode()
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    text = file.read_text(encoding="utf-8")
    times, pages = [], 0
    for i in range(rounds + 1):
        body = urllib.parse.urlencode({"csrf": token, "text": numbered_title(text, f"round {i}")}).encode()
        start = time.perf_counter()
        answer = opener.open(f"{url}/sheet/{file.stem}/preview", data=body).read().decode()
        times.append(time.perf_counter() - start)
        pages = answer.count('class="page"')
        if f"(round {i})" not in answer:
            raise RuntimeError(f"{file.stem}: the preview did not show the changed title; the answer was:\n"
                               f"{answer[:2000]}")
    report(f"{file.stem}: {pages} pages; POST → page images: first {times[0] * 1000:.0f} ms, then median "
           f"{statistics.median(times[1:]) * 1000:.0f} ms, max {max(times[1:]) * 1000:.0f} ms over {rounds}")
    return pages, times[0], times[1:]


def _browser(url: str, files: list[Path], rounds: int, report) -> dict[str, tuple[list[float], list[float]]]:
    """Time, in Chromium, from typing stopping (htmx's trigger, 700 ms after the last key) to the new
    page image swapped in and settled, with the page's own clock; per file, in ms."""
    from playwright.sync_api import sync_playwright

    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=served.CHROMIUM, args=served.CHROMIUM_ARGS)
        try:
            for file in files:
                found[file.stem] = _browser_rounds(browser.new_page(), url, file, rounds)
                stopped, keyed = found[file.stem]
                report(f"{file.stem} in Chromium: typing stopped → new page image shown: median "
                       f"{statistics.median(stopped):.0f} ms, max {max(stopped):.0f} ms; from the last key "
                       f"(with the {DEBOUNCE * 1000:.0f} ms wait): median {statistics.median(keyed):.0f} ms, "
                       f"over {rounds}")
        finally:
            browser.close()
    return found


def _browser_rounds(page, url: str, file: Path, rounds: int) -> tuple[list[float], list[float]]:
    """Edit the title `rounds` times in the editor; return the two spans of each, in ms."""
    page.goto(f"{url}/sheet/{file.stem}")
    page.wait_for_selector("#preview img.page")
    page.evaluate("""() => { window.marks = {};
        for (const name of ["keyup", "htmx:trigger", "htmx:afterSettle"])
            document.addEventListener(name, () => { window.marks[name] = performance.now(); }, true); }""")
    original = page.locator("#text").input_value()
    stopped, keyed = [], []
    for i in range(rounds):
        box = page.locator("#text")
        box.fill(numbered_title(original, f"browser round {i}"))
        box.press("End")
        page.wait_for_selector(f'#preview img.page[alt*="(browser round {i})"]', timeout=30000)
        page.wait_for_function("window.marks['htmx:afterSettle'] > window.marks['htmx:trigger']")
        marks = page.evaluate("window.marks")
        stopped.append(marks["htmx:afterSettle"] - marks["htmx:trigger"])
        keyed.append(marks["htmx:afterSettle"] - marks["keyup"])
    page.close()
    return stopped, keyed


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
