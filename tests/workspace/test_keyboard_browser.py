"""A desk officer does the whole job by keyboard alone, in headless Chromium: from the gallery to a sheet's
editor, a new title, a figure from the picker into a prose field, a table cell, Ctrl+S, then Publish or Back
to draft; and at 200% zoom (a 640×400 CSS-pixel window) the form's Save and the preview stay reachable, with
no sideways scrolling of the page and nothing axe-core reports."""

import re
import subprocess

import axe
import pytest
import served
from conftest import ROOT
from formsamples import sections_with
from test_units import prose_fields

from pipeline.figures import shared as data
from pipeline.workspace import figurechoices

pytestmark = pytest.mark.slow

MISSING = served.browser_missing()
WAIT_MS = 180_000  # a guard against a hang, never a measure: each wait ends when the page shows it
STOPS = 400  # Tab stops tried before a control counts as not reachable by keyboard
if MISSING:
    pytest.skip(MISSING, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

SAMPLE, TABLE = sections_with("table")[0]  # the first sample with a table, found by reading the samples
DATASET = data.load(ROOT / "sources" / "data", "data")


def tab_to(page, selector: str, key: str = "Tab", text: str = "") -> None:
    """Press Tab (or `key`) until the focus is on `selector` (showing `text`); fail when it never gets there."""
    for _ in range(STOPS):
        if page.evaluate("([s, t]) => !!document.activeElement && document.activeElement.matches(s)"
                         " && document.activeElement.textContent.trim().startsWith(t)", [selector, text]):
            return
        page.keyboard.press(key)
    raise AssertionError(f"not reachable by {key}: {selector}")


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_whole_job_by_keyboard_alone(project, run_cli, chromium):
    text = (project / "sources" / SAMPLE.file.name).read_text(encoding="utf-8")
    prose = prose_fields(text)[0]
    choice = next(c for c in figurechoices.catalogue(text, DATASET)["choices"] if c["printed"][:1].isdigit())
    words = " ".join(choice["label"].split()[-3:])
    cell = f'[id="f-sections[{TABLE}].table.rows[0][1]"]'
    title = "Keyboard Only Title"
    assert run_cli("build", "-q", cwd=project).code == 0
    with served.served(project) as url:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        served.open_when_up(page, url)
        tab_to(page, f'main h2 a[href="/sheet/{SAMPLE.id}"]')  # the sheet's card, among the gallery's links
        page.keyboard.press("Enter")
        expect(page.locator("#preview img.page").first).to_be_visible(timeout=WAIT_MS)
        expect(page.locator("#form-panel .richtext-box").first).to_be_visible(timeout=WAIT_MS)
        box = page.locator("#text")

        tab_to(page, '[id="f-title"]')
        page.keyboard.press("Control+a")
        page.keyboard.type(title)
        page.keyboard.press("Tab")
        expect(box).to_have_value(re.compile(f"title: {title}"), timeout=WAIT_MS)

        tab_to(page, f'[id="f-{prose.name}"]')
        page.keyboard.press("Control+End")
        page.keyboard.type(" Also ")
        page.keyboard.press("Shift+Tab")  # to the field's toolbar, then along it by arrow keys
        tab_to(page, "button", key="ArrowLeft", text="Insert figure")
        page.keyboard.press("Enter")
        dialog = page.get_by_role("dialog", name="Insert a figure")
        expect(dialog).to_be_visible()
        page.keyboard.type(words)
        target = dialog.get_by_role("option").filter(has_text=choice["label"]).filter(has_text=choice["printed"])
        expect(target).to_have_count(1)
        for _ in range(dialog.get_by_role("option").count()):
            if target.get_attribute("aria-selected") == "true":
                break
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        expect(dialog).to_be_hidden()
        expect(box).to_have_value(re.compile(re.escape(" Also " + choice["ref"])), timeout=WAIT_MS)

        tab_to(page, cell)
        page.keyboard.press("Control+a")
        page.keyboard.type("Typed By Keyboard")
        page.keyboard.press("Tab")
        expect(box).to_have_value(re.compile("Typed By Keyboard"), timeout=WAIT_MS)

        page.keyboard.press("Control+s")
        expect(page.locator("#result .saved")).to_contain_text("Saved", timeout=WAIT_MS)
        saved = (project / "sources" / SAMPLE.file.name).read_text(encoding="utf-8")
        assert f"title: {title}" in saved and choice["ref"] in saved and "Typed By Keyboard" in saved
        assert title in pdf_text(project / "output" / f"{SAMPLE.id}.pdf")

        # Publish or Back to draft, whichever the sheet offers; Chromium's own confirm answers to Enter, which
        # Playwright cannot press into a native dialog: the test accepts it as the Enter key would.
        action = "#publish" if "status: draft" in saved else "#unpublish"
        page.once("dialog", lambda dialog: dialog.accept())
        tab_to(page, action, key="Shift+Tab")
        page.keyboard.press("Enter")
        # the editor reloads with the sheet's new state
        expect(page.locator(".meta .badge")).to_have_text("DRAFT" if action == "#unpublish" else "FINAL",
                                                          timeout=WAIT_MS)
        if action == "#unpublish":  # and published again, the same way
            expect(page.locator("#preview img.page").first).to_be_visible(timeout=WAIT_MS)
            page.once("dialog", lambda dialog: dialog.accept())
            tab_to(page, "#publish")
            page.keyboard.press("Enter")
            expect(page.locator(".meta .badge")).to_have_text("FINAL", timeout=WAIT_MS)
            action = "#publish"
    after = (project / "sources" / SAMPLE.file.name).read_text(encoding="utf-8")
    assert ("status: draft" in after) == (action == "#unpublish") and f"title: {title}" in after


def test_at_200_percent_zoom_save_and_the_preview_are_reachable(project, run_cli, chromium, tmp_path):
    assert run_cli("build", "-q", cwd=project).code == 0
    with served.served(project) as url:
        page = chromium.new_page(viewport={"width": 640, "height": 400}, device_scale_factor=2)
        served.open_when_up(page, f"{url}/sheet/{SAMPLE.id}")
        expect(page.locator("#preview img.page").first).to_be_visible(timeout=WAIT_MS)
        expect(page.locator("#form-panel .richtext-box").first).to_be_visible(timeout=WAIT_MS)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        tab_to(page, '[id="f-title"]')
        page.keyboard.press("Shift+Tab")
        tab_to(page, "#save", key="Shift+Tab")
        expect(page.locator("#save")).to_be_in_viewport()
        tab_to(page, "#preview, #preview [tabindex='0']")  # the preview pane, scrollable by keyboard
        page.keyboard.press("PageDown")
        expect(page.locator("#preview img.page").first).to_be_in_viewport()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        narrowest = page.evaluate("""() => Math.min(...Array.from(
            document.querySelectorAll('#form-panel [contenteditable="true"]'), e => e.getBoundingClientRect().width))
            / document.querySelector('#form-panel').getBoundingClientRect().width""")
        assert narrowest > 0.4  # every text box keeps a good part of the pane's width (a note's was a word wide)
        page.screenshot(path=str(tmp_path / "zoom200.png"))
        if axe.missing():
            pytest.skip(axe.missing())
        assert axe.violations(page) == []
