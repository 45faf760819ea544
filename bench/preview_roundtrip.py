"""Time the workspace's live preview from the last key typed to the new page images shown, in Chromium.

Starts `factsheets serve` on a scratch copy of sources/ and templates/ plus one generated long sheet
(a sample's sections written over until it has at least LONG_PAGES pages: recordgen.lengthened). For
a 2-page sample and the long sheet, types a few characters at the end of the title in the editor's
form (as a person types, each key held DELAY_MS) and measures, with the page's own clock, from the
last key event (the last key's keyup: the editor's wait starts there) to the `load` event of the
last page image that changed: the wait after typing, the form's edit of the text, the preview and
the image fetch all included. It also counts the bytes the browser received per preview (the
answer and every image fetched) and the images fetched, and measures a floor in the same run: the
same text rendered to a PDF in this process (the raw render every preview needs), with no server,
browser, wait or images. The first round of each sheet (the workers' first render of it) is not
counted.

    .venv/bin/python bench/preview_roundtrip.py [ROUNDS] [--spans]   (--spans: each round's requests, timed)
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
import served
from recordgen import lengthened, numbered_title

TARGETS = {"short": 500.0, "long": 1500.0}  # ms, median from the last key to the new page image shown
LONG_PAGES = 10
DELAY_MS = 60  # each key held down: a quick typist
WAIT_MS = 120_000  # a guard against a hang, not a measure


def main(rounds: int, spans: bool) -> None:
    """Measure and print each sheet's medians with MET / NOT MET."""
    found = measure(rounds, report=print, spans=spans)
    if found["browser_missing"]:
        print(f"not measured: {found['browser_missing']}")
        return
    for key, sheet in found["sheets"].items():
        median = statistics.median(sheet["shown"])
        print(f"{sheet['name']} ({sheet['pages']} pages): last key → new page image shown, median "
              f"{median:.0f} ms over {len(sheet['shown'])} (target ≤ {TARGETS[key]:.0f} ms: "
              f"{'MET' if median <= TARGETS[key] else 'NOT MET'}); floor {statistics.median(sheet['floor']):.0f} ms, "
              f"ratio {median / statistics.median(sheet['floor']):.1f}×; "
              f"{statistics.median(sheet['bytes']) / 1000:.0f} kB and "
              f"{statistics.median(sheet['images']):.0f} image(s) per preview")
    print(f"({found['load']}: other work on the machine makes these times noisy; the floor ratio is steadier)")


def measure(rounds: int, report=lambda line: None, spans: bool = False) -> dict:
    """Time the previews; return {"sheets": {"short"|"long": {"name", "pages", "shown": [ms], "floor": [ms],
    "bytes": [n], "images": [n]}}, "browser_missing": reason or None, "load": the machine's load}."""
    found: dict = {"sheets": {}, "browser_missing": served.browser_missing(), "load": _load()}
    if found["browser_missing"]:
        return found
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        for folder in ("sources", "templates"):
            shutil.copytree(ROOT / folder, project / folder)
        sheets = _sheets(project)
        report(f"sheets: {', '.join(f'{f.stem} ({n} pages)' for f, n in sheets.values())} ({found['load']})")
        with served.served(project) as url:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=served.CHROMIUM, args=served.CHROMIUM_ARGS)
                try:
                    for key, (file, pages) in sheets.items():
                        shown = _browser_rounds(browser, url, file.stem, rounds + 1)[1:]
                        found["sheets"][key] = {"name": file.stem, "pages": pages, **_columns(shown),
                                                "floor": _floor(project, file, rounds)}
                        report(f"{file.stem}: {', '.join(f'{ms:.0f}' for ms in found['sheets'][key]['shown'])} ms")
                        if spans:
                            for r in shown:
                                report(f"  {r['shown']:.0f} ms: {r['spans']}")
                finally:
                    browser.close()
    found["load"] += f" before; {_load()} after"
    return found


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


def _columns(rounds: list[dict]) -> dict:
    return {name: [r[name] for r in rounds] for name in ("shown", "bytes", "images")}


def _sheets(project: Path) -> dict[str, tuple[Path, int]]:
    """Return a 2-page sample and a generated sheet of at least LONG_PAGES pages, each with its pages."""
    samples = sorted((project / "sources").glob("*.yaml"))
    counted = {file: _pages(project, file.read_text(encoding="utf-8")) for file in samples}
    short = next((f for f, n in counted.items() if n == 2), None)
    if short is None:
        raise RuntimeError("no sample of sources/ has 2 pages: the bench needs one")
    best = None
    for file in samples:
        for copies in range(2, 12):
            text = lengthened(file.read_text(encoding="utf-8"), copies)
            pages = _pages(project, text)
            if pages >= LONG_PAGES:
                if best is None or pages < best[1]:
                    best = (text, pages)
                break
            if pages == 0:
                break  # a layout that takes no repeated headings: another sample
    if best is None:
        raise RuntimeError(f"no sample reaches {LONG_PAGES} pages with its sections repeated")
    long_file = project / "sources" / "bench-long-sheet.yaml"
    long_file.write_text(best[0], encoding="utf-8")
    return {"short": (short, 2), "long": (long_file, best[1])}


def _context(project: Path):
    """Load the pipeline's render context for `project` in this process (once)."""
    from pipeline.builder import work
    from pipeline.figures import shared as data

    if getattr(_context, "loaded", None) != project:
        here = os.getcwd()
        os.chdir(project)
        try:
            work.init_worker(Path("templates"), data.load(Path("sources/data"), "sources/data"), None, str(project))
        finally:
            os.chdir(here)
        _context.loaded = project


def _pages(project: Path, text: str) -> int:
    """Return how many pages a record's text prints (0 when it has errors)."""
    import pypdfium2

    from pipeline.builder import work
    from pipeline.workspace import workers

    _context(project)
    result = work.run_in_worker(workers.job_for(project / "sources" / "x.yaml", text))
    return len(pypdfium2.PdfDocument(result.blobs[".pdf"])) if ".pdf" in result.blobs else 0


def _floor(project: Path, file: Path, rounds: int) -> list[float]:
    """Time, in this process, the raw render of the sheet to a PDF (the one step a preview cannot skip):
    no server, browser, wait or page images."""
    from pipeline.builder import work
    from pipeline.workspace import workers

    _context(project)
    times = []
    text = file.read_text(encoding="utf-8")
    for i in range(rounds):
        job = workers.job_for(file, numbered_title(text, f"zq{i}"))
        start = time.perf_counter()
        work.run_in_worker(job)
        times.append((time.perf_counter() - start) * 1000)
    return times


WATCH = """() => {
  window.marks = {key: 0, loads: []};
  document.addEventListener("keyup", () => { window.marks.key = performance.now(); }, true);
  document.addEventListener("load", (e) => {
    if (e.target.matches && e.target.matches("img.page"))
      window.marks.loads.push([performance.now(), e.target.getAttribute("src")]);
  }, true);
}"""

# True when a page shows the text typed and every page image is loaded.
SHOWN = """(typed) => {
  const imgs = Array.from(document.querySelectorAll("#preview img.page"));
  return imgs.some((img) => img.alt.includes(typed)) && imgs.every((img) => img.complete);
}"""


def _browser_rounds(browser, url: str, sheet_id: str, rounds: int) -> list[dict]:
    """Type at the end of the title `rounds` times; return each round's ms, bytes and images fetched."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.add_init_script(f"({WATCH})();")
    page.goto(f"{url}/sheet/{sheet_id}")
    page.wait_for_function("document.querySelectorAll('#preview img.page').length > 0 && "
                           "Array.from(document.querySelectorAll('#preview img.page')).every((i) => i.complete)",
                           timeout=WAIT_MS)
    title = page.locator("#f-title")
    found = []
    for i in range(rounds):
        before = page.eval_on_selector_all("#preview img.page", "imgs => imgs.map((i) => i.getAttribute('src'))")
        page.evaluate("() => { performance.clearResourceTimings(); window.marks.loads = []; }")
        title.click()
        title.press("End")
        page.keyboard.type(f" zq{i}", delay=DELAY_MS)
        page.wait_for_function(SHOWN, arg=f" zq{i}", timeout=WAIT_MS, polling=20)
        found.append(page.evaluate("""(before) => {
            const now = Array.from(document.querySelectorAll("#preview img.page")).map((i) => i.getAttribute("src"));
            const changed = new Set(now.filter((src, i) => src !== before[i]));
            const loads = window.marks.loads.filter(([t, src]) => changed.has(src)).map(([t]) => t);
            const entries = performance.getEntriesByType("resource").filter((e) => e.startTime >= window.marks.key
                - 1 && (e.name.includes("/preview")));
            const all = performance.getEntriesByType("resource").filter((e) => e.startTime >= window.marks.key - 1);
            const spans = all.map((e) => e.name.split("/").pop().slice(0, 8) + " " +
                Math.round(e.startTime - window.marks.key) + "+" + Math.round(e.duration));
            return {shown: Math.max(...loads) - window.marks.key, spans: spans.join(", "),
                    bytes: entries.reduce((n, e) => n + e.transferSize, 0),
                    images: entries.filter((e) => e.name.endsWith(".png")).length};
        }""", before))
    page.close()
    return found


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    main(int(numbers[0]) if numbers else 15, "--spans" in sys.argv)
