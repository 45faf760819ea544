"""axe-core (from npm, pinned in package-lock.json) finds no violation on any page or state of the workspace."""

import re

import axe
import pytest
import served
from test_workspace_browser import FIRST

pytestmark = pytest.mark.slow

MISSING = served.browser_missing() or axe.missing()
if MISSING:
    print(f"accessibility tests skipped: {MISSING}")
    pytest.skip(MISSING, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

WAIT_MS = 180_000  # generous: a loaded machine is slow, never wrong


def clean(page, state: str) -> None:
    """Fail naming the state and every violation axe-core finds on the page as it is now."""
    found = axe.violations(page)
    assert not found, f"{state}:\n" + "\n".join(found)


def test_every_page_and_state_has_no_axe_violation(project, run_cli, chromium):
    assert run_cli("build", "-q", cwd=project).code == 0
    with served.served(project) as url:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        served.open_when_up(page, url + "/")
        clean(page, "gallery")

        page.goto(f"{url}/sheet/{FIRST.id}")
        expect(page.locator("#preview img.page").first).to_be_visible(timeout=WAIT_MS)
        title = page.get_by_role("textbox", name="Title", exact=True)
        title.fill("Title {{ data.nosuchfile.x }}")
        title.press("End")
        expect(page.locator("#form-panel .field-problem").first).to_be_visible(timeout=WAIT_MS)
        expect(page.locator("#preview .problems")).to_be_visible()
        clean(page, "the form with an error")

        page.get_by_role("tab", name=re.compile("Advanced|YAML")).click()
        expect(page.locator("#text")).to_be_visible()
        clean(page, "the Advanced (YAML) view with an error")

        page.goto(url + "/figures")
        row = page.locator("table.figures tbody tr").first
        row.locator("summary").click()
        value = row.locator("input[name^='value:']").first
        value.fill(value.input_value() + "1")
        value.press("End")
        expect(row.locator(".plan")).to_be_visible(timeout=WAIT_MS)
        clean(page, "the shared figures with a change planned")

        page.goto(url + "/changes")
        clean(page, "changes")
        page.goto(url + "/new")
        page.get_by_label("Title of the sheet").fill("A new sheet")
        page.get_by_label("File name", exact=False).fill("Not a File Name")
        expect(page.locator("#name-check")).to_have_class("error")
        clean(page, "new sheet, its file name refused as typed")


def test_the_states_a_desk_officer_reaches_next_have_no_axe_violation(project, run_cli, chromium):
    """Gallery searched, a saved edit, history, the Word upload page, a shared figure saved and rebuilt."""
    assert run_cli("build", "-q", cwd=project).code == 0
    with served.served(project) as url:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        served.open_when_up(page, url + "/?q=laos")
        clean(page, "gallery searched")

        page.goto(f"{url}/sheet/{FIRST.id}")
        expect(page.locator("#preview img.page").first).to_be_visible(timeout=WAIT_MS)
        title = page.locator("#f-title")
        title.fill("Laos Saved Once")
        title.press("Tab")
        expect(page.locator("#text")).to_have_value(re.compile("Laos Saved Once"), timeout=WAIT_MS)
        page.get_by_role("button", name="Save and build").click()
        expect(page.locator("#result")).to_contain_text("Rebuilt Laos Saved Once", timeout=WAIT_MS)
        clean(page, "the editor after a save, its rebuilt list shown")

        page.goto(f"{url}/sheet/{FIRST.id}/history")
        expect(page.locator("table.versions tbody tr")).to_have_count(2, timeout=WAIT_MS)
        clean(page, "history with two versions")
        page.goto(f"{url}/sheet/{FIRST.id}/word")
        clean(page, "the Word upload page")

        page.goto(url + "/figures")
        row = page.locator("table.figures tbody tr").first
        row.locator("summary").click()
        value = row.locator("input[name^='value:']").first
        value.fill(value.input_value().replace(",", "") + "1")
        value.press("End")
        expect(row.locator(".plan")).to_be_visible(timeout=WAIT_MS)
        page.on("dialog", lambda dialog: dialog.accept())
        row.get_by_role("button", name="Save and build").click()
        expect(page.locator(".plan h2").first).to_have_text(re.compile("^Saved"), timeout=WAIT_MS)
        expect(page.locator(".plan .rebuilt").first).to_be_attached(timeout=WAIT_MS)
        clean(page, "the shared figures after a save, the rebuilt sheets listed")
