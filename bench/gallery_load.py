"""Time the workspace's gallery of many sheets: the page, then every thumbnail, cold and cached;
and (`paint_and_search`, used by bench/targets.py for issue 27's target 6) in Chromium.

Makes N records (default 200) from the samples in a scratch project, builds them, starts
`factsheets serve` and fetches / and each card's thumbnail twice: the first pass renders the
thumbnails in the workers, the second is served from the cache.

    .venv/bin/python bench/gallery_load.py [N]
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import served
from recordgen import numbered_title

BROWSER_CONNECTIONS = 6  # what a browser opens to one server


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        shutil.copytree(ROOT / "templates", project / "templates")
        shutil.copytree(ROOT / "sources" / "data", project / "sources" / "data")
        samples = sorted((ROOT / "sources").glob("*.yaml"))
        for i in range(count):
            sample = samples[i % len(samples)]
            text = sample.read_text(encoding="utf-8")
            (project / "sources" / f"{sample.stem}-{i:03d}.yaml").write_text(numbered_title(text, i),
                                                                             encoding="utf-8")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipeline", "build", "-q"], cwd=project, check=True)
        print(f"built {count} sheets in {time.perf_counter() - start:.0f} s")
        with served.served(project) as url:
            for label in ("cold (thumbnails rendered)", "cached"):
                start = time.perf_counter()
                page = urllib.request.urlopen(url + "/").read().decode()
                html = time.perf_counter() - start
                thumbs = re.findall(r'src="(/thumb/[^"]+)"', page)
                with ThreadPoolExecutor(BROWSER_CONNECTIONS) as pool:
                    sizes = list(pool.map(lambda t: len(urllib.request.urlopen(url + t).read()), thumbs))
                total = time.perf_counter() - start
                print(f"gallery, {label}: page {html * 1000:.0f} ms; page and {len(thumbs)} thumbnails "
                      f"({sum(sizes) // 1024} KB) {total * 1000:.0f} ms")


# The page's first-contentful-paint, waited for: under load Chromium may record it after `load`.
PAINT = """() => new Promise(done => {
    new PerformanceObserver(list => {
        const fcp = list.getEntriesByName('first-contentful-paint')[0];
        if (fcp) done(fcp.startTime);
    }).observe({type: 'paint', buffered: true});
    setTimeout(() => done(null), 10000);
})"""


def paint_and_search(url: str, rounds: int, query: str) -> dict:
    """Return Chromium's first paint of the gallery (a fresh context each round) and of the answer to a
    search typed into it (milliseconds from the navigation's start: the submit, for the search)."""
    from playwright.sync_api import sync_playwright

    found: dict = {"paint": [], "search": [], "count": "", "unpainted": 0}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=served.CHROMIUM, args=served.CHROMIUM_ARGS)
        try:
            for i in range(rounds + 1):  # the first, untimed, lets the server read the project once
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.goto(url + "/", wait_until="load")
                paint = page.evaluate(PAINT)
                page.fill("#q", query)
                with page.expect_navigation(wait_until="load"):
                    page.press("#q", "Enter")
                answer = page.evaluate(PAINT)
                found["count"] = page.inner_text(".count")
                context.close()
                if i and paint is not None and answer is not None:
                    found["paint"].append(paint)
                    found["search"].append(answer)
                elif i:  # a round whose paint never came in 10 s: counted, and said by the bench
                    found["unpainted"] += 1
        finally:
            browser.close()
    return found


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
