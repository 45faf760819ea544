"""Time the workspace's live preview: from a POST of changed YAML to the page images, per sample.

Starts `factsheets serve` on a scratch copy of sources/ and templates/, then for each sample record
posts its text with a changed title N times (the first, which starts the workers, is reported apart)
and, when Playwright and Debian's chromium are installed, measures in the browser from typing
stopping (the editor waits 700 ms after the last key) to the new page image shown.

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
import served  # noqa: E402  (the tests' server runner: free port, process group always stopped)

DEBOUNCE = 0.7  # hx-trigger="keyup changed delay:700ms"


def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        for folder in ("sources", "templates"):
            shutil.copytree(ROOT / folder, project / folder)
        subprocess.run([sys.executable, "-m", "pipeline", "build", "-q"], cwd=project, check=True)
        with served.served(project) as url:
            _wait(url)
            print("(the first request of the run also starts the worker processes)")
            for file in sorted((project / "sources").glob("*.yaml")):
                _http(url, file, rounds)
            if served.browser_missing() is None:
                _browser(url, sorted((project / "sources").glob("*.yaml"))[0], rounds)
            else:
                print(f"browser round trip not measured: {served.browser_missing()}")


def _wait(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            return
        except OSError:
            time.sleep(0.1)


def _http(url: str, file: Path, rounds: int) -> None:
    """Time POSTs of changed text to the preview route."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{url}/sheet/{file.stem}").read().decode()
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    text = file.read_text(encoding="utf-8")
    times, pages = [], 0
    for i in range(rounds + 1):
        body = urllib.parse.urlencode({"csrf": token, "text": re.sub(r"(?m)^title: .*$", f"title: Round {i}",
                                                                     text, count=1)}).encode()
        start = time.perf_counter()
        answer = opener.open(f"{url}/sheet/{file.stem}/preview", data=body).read().decode()
        times.append(time.perf_counter() - start)
        pages = answer.count('class="page"')
    print(f"{file.stem}: {pages} pages; POST → page images: first {times[0] * 1000:.0f} ms, then median "
          f"{statistics.median(times[1:]) * 1000:.0f} ms, max {max(times[1:]) * 1000:.0f} ms over {rounds}")


def _browser(url: str, file: Path, rounds: int) -> None:
    """Time, in Chromium, from typing stopping (htmx's trigger, 700 ms after the last key) to the new
    page image swapped in and settled, with the page's own clock."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=served.CHROMIUM, args=served.CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{url}/sheet/{file.stem}")
        page.wait_for_selector("#preview img.page")
        page.evaluate("""() => { window.marks = {};
            for (const name of ["keyup", "htmx:trigger", "htmx:afterSettle"])
                document.addEventListener(name, () => { window.marks[name] = performance.now(); }, true); }""")
        stopped, keyed = [], []
        for i in range(rounds):
            box = page.locator("#text")
            box.fill(re.sub(r"(?m)^title: .*$", f"title: Browser Round {i}", box.input_value(), count=1))
            box.press("End")
            page.wait_for_selector(f'#preview img.page[alt*="Browser Round {i}"]', timeout=30000)
            page.wait_for_function("window.marks['htmx:afterSettle'] > window.marks['htmx:trigger']")
            marks = page.evaluate("window.marks")
            stopped.append(marks["htmx:afterSettle"] - marks["htmx:trigger"])
            keyed.append(marks["htmx:afterSettle"] - marks["keyup"])
        browser.close()
    print(f"{file.stem} in Chromium: typing stopped → new page image shown: median "
          f"{statistics.median(stopped):.0f} ms, max {max(stopped):.0f} ms; from the last key (with the "
          f"{DEBOUNCE * 1000:.0f} ms wait): median {statistics.median(keyed):.0f} ms, over {rounds}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
