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


# The search's answer in place (static/search.js): from the Enter key's event to the second animation
# frame after the new card list (#results) is put in the page, i.e. once the frame that shows it has been
# drawn (double requestAnimationFrame: late by at most a frame, never early). Armed before the key is
# pressed; both times on the page's clock.
ARM = """() => {
    let pressed = null;
    document.querySelector('#q').addEventListener('keydown', e => {
        if (e.key === 'Enter') pressed = e.timeStamp;
    }, {capture: true});
    window.benchAnswer = new Promise(done => {
        new MutationObserver((changes, observer) => {
            const added = changes.some(c => [...c.addedNodes].some(n => n.id === 'results'));
            if (!added || pressed === null) return;
            observer.disconnect();
            requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - pressed)));
        }).observe(document.querySelector('main'), {childList: true, subtree: true});
        setTimeout(() => done(null), 10000);
    });
}"""


def paint_and_search(url: str, rounds: int, query: str) -> dict:
    """Return Chromium's first paint of the gallery (a fresh context each round) and the time from a
    search's Enter to its answer painted (milliseconds); 'how' says whether the answer came in place
    (the card list replaced) or, as before static/search.js, as a new page (then: its first paint from
    the navigation's start, the submit)."""
    from playwright.sync_api import sync_playwright

    found: dict = {"paint": [], "search": [], "count": "", "unpainted": 0, "how": set()}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=served.CHROMIUM, args=served.CHROMIUM_ARGS)
        try:
            for i in range(rounds + 1):  # the first, untimed, lets the server read the project once
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.goto(url + "/", wait_until="load")  # the deferred search.js has run
                paint = page.evaluate(PAINT)
                answer, how = _search(page, query)
                found["count"] = page.inner_text(".count")
                found["how"].add(how)
                context.close()
                if i and paint is not None and answer is not None:
                    found["paint"].append(paint)
                    found["search"].append(answer)
                elif i:  # a round whose paint never came in 10 s: counted, and said by the bench
                    found["unpainted"] += 1
        finally:
            browser.close()
    return found


def _search(page, query: str) -> tuple[float | None, str]:
    """Type the query, press Enter; return the time to its answer painted and how it came."""
    from playwright.sync_api import Error

    page.fill("#q", query)
    if not page.locator('script[src="/static/search.js"]').count():  # the code before: a new page
        with page.expect_navigation(wait_until="load"):
            page.press("#q", "Enter")
        return page.evaluate(PAINT), "new page"
    page.evaluate(ARM)
    page.press("#q", "Enter")
    try:
        return page.evaluate("window.benchAnswer"), "in place"
    except Error as exc:  # the page went away: the script did not answer
        raise AssertionError(f"the search did not answer in place: {exc}") from exc


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
