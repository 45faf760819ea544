"""Take the README's screenshots of the workspace (docs/workspace-*.png) with headless Chromium.

    .venv/bin/python tests/screenshots.py [FOLDER]   (default: docs)
"""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import served

ROOT = Path(__file__).resolve().parents[1]


def main(folder: Path) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        project = Path(scratch)
        for name in ("sources", "templates"):
            shutil.copytree(ROOT / name, project / name)
        subprocess.run([sys.executable, "-m", "pipeline", "build", "-q"], cwd=project, check=True)
        browser = playwright.chromium.launch(executable_path=served.CHROMIUM, args=served.CHROMIUM_ARGS)
        with served.served(project) as url:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            served.open_when_up(page, url + "/")
            page.wait_for_function("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
            page.screenshot(path=str(folder / "workspace-gallery.png"))
            sheet = next(f.stem for f in sorted((project / "sources").glob("*.yaml"))  # a title taking any words
                         if not re.search(r'(?m)^title: "?\(', f.read_text(encoding="utf-8")))
            page.goto(f"{url}/sheet/{sheet}")
            page.wait_for_selector("#preview img.page")
            page.get_by_role("tab", name="Advanced (YAML)").click()
            box = page.locator("#text")
            box.fill(re.sub(r"(?m)^title: (.*)$", r"title: \1 {{ data.unodc.laos_opium_hectares }}",
                            box.input_value(), count=1))
            box.press("End")
            page.wait_for_selector("#preview .problems")
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(folder / "workspace-editor.png"))
            page.evaluate("localStorage.clear()")  # the edit above is kept as a draft: not in this picture
            page.goto(f"{url}/sheet/{sheet}")  # the form: figures as their values, one's details shown
            page.wait_for_selector("#preview img.page")
            chip = page.locator("#form-panel .entry .figure-chip").first
            chip.wait_for()
            editor = chip.locator("xpath=ancestor::*[contains(@class,'richtext-box')]")
            editor.evaluate("e => e.closest('.entry').scrollIntoView()")
            page.evaluate("window.scrollBy(0, -140)")
            chip.click()  # selected whole, its name, source and as-of shown
            page.screenshot(path=str(folder / "workspace-form.png"))
            page.keyboard.press("ArrowRight")
            editor.locator("xpath=preceding-sibling::*[@role='toolbar']").get_by_role(
                "button", name="Insert figure…").click()  # the picker, searched by label
            page.keyboard.type("opium")
            page.keyboard.press("ArrowDown")
            page.screenshot(path=str(folder / "workspace-picker.png"))
            page.keyboard.press("Escape")
            tabled = next(f.stem for f in sorted((project / "sources").glob("*.yaml"))
                          if re.search(r"(?m)^\s+table:", f.read_text(encoding="utf-8")))
            page.goto(f"{url}/sheet/{tabled}")  # the form's table, the preview beside it
            page.wait_for_selector("#preview img.page")
            page.locator(".table-editor").first.evaluate("e => e.scrollIntoView({block: 'start'})")
            page.evaluate("window.scrollBy(0, -90)")
            page.screenshot(path=str(folder / "workspace-tables.png"))
            page.goto(url + "/figures")  # a change typed: what saving it would print, sheet by sheet
            row = page.locator("table.figures tbody tr").last
            row.locator("summary").click()
            value = row.locator("input[name^='value:']").last
            value.fill(value.input_value().replace(",", "") + "0")
            value.press("End")
            row.locator(".plan").wait_for()
            page.screenshot(path=str(folder / "workspace-figures.png"), full_page=True)
            page.goto(url + "/new")
            page.get_by_label("Title of the sheet").fill("Cambodia: INL Country Program")
            page.screenshot(path=str(folder / "workspace-new.png"))
            _edited_and_built(project, tabled)  # a title edited and a shared figure changed, then built
            page.goto(url + "/changes")
            page.screenshot(path=str(folder / "workspace-changes.png"))
        browser.close()
    for shot in folder.glob("workspace-*.png"):  # 256 colours: a quarter of the size, no visible loss
        from PIL import Image
        Image.open(shot).convert("RGB").quantize(256).save(shot, optimize=True)


def _edited_and_built(project: Path, sheet: str) -> None:
    """Edit a sheet's title and a shared figure's value as a desk officer would, and build: the Changes page's
    builds then say what was rebuilt and why."""
    record = project / "sources" / f"{sheet}.yaml"
    record.write_text(re.sub(r"(?m)^title: (.*)$", r"title: \1 in 2026", record.read_text(encoding="utf-8"), count=1),
                      encoding="utf-8")
    for data in sorted((project / "sources" / "data").glob("*.yaml")):
        text = data.read_text(encoding="utf-8")
        found = re.search(r"values: \{([0-9]{4}): ([0-9]+)", text)
        if found:
            data.write_text(text.replace(found.group(0), f"values: {{{found.group(1)}: {int(found.group(2)) + 100}", 1),
                            encoding="utf-8")
            break
    subprocess.run([sys.executable, "-m", "pipeline", "build", "-q"], cwd=project, check=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs")
