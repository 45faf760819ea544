"""A change held for a person, approved in a real browser by keyboard alone; the page with it has no axe violation."""

import axe
import pytest
import served
from test_workspace_held import USER, hold, subject, versions

pytestmark = pytest.mark.slow

MISSING = served.browser_missing() or axe.missing()
if MISSING:
    print(f"browser tests skipped: {MISSING}")
    pytest.skip(MISSING, allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

WAIT_MS = 180_000  # a guard against a hang, never a measure: each wait ends as soon as the page shows it
MOST_TABS = 400  # more stops than the page has: the loop ends at the button long before


def test_approve_by_keyboard_records_who_and_the_page_passes_axe(project, run_cli):
    assert run_cli("build", "-q", cwd=project).code == 0
    key, current, year, new = hold(project)
    stem = key.split(".")[0]
    with sync_playwright() as playwright, served.served(project, "--user", USER) as url:
        browser = playwright.chromium.launch(executable_path=served.CHROMIUM, args=served.CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        served.open_when_up(page, url + "/figures")
        approve = page.get_by_role("button", name=f"Approve the change to {current.label}")
        expect(approve).to_be_visible()
        page.screenshot(path=str(project / "held.png"))
        found = axe.violations(page)
        assert not found, "the figures page with a held change:\n" + "\n".join(found)
        for _ in range(MOST_TABS):  # reach Approve as a keyboard user does
            page.keyboard.press("Tab")
            if approve.evaluate("button => document.activeElement === button"):
                break
        else:
            pytest.fail("Tab never reached the Approve button")
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        page.keyboard.press("Enter")
        done = page.locator("#held p[role=status]")
        expect(done).to_contain_text(f"Approved: {current.label}", timeout=WAIT_MS)
        expect(done).to_be_focused()  # the outcome is where the keyboard is, and read out
        assert asked and current.label in asked[0]
        found = axe.violations(page)
        assert not found, "the figures page after Approve:\n" + "\n".join(found)
        page.screenshot(path=str(project / "held-approved.png"), full_page=False)
        browser.close()
    latest = versions(project, stem)[0]
    assert latest.who == USER and latest.action == "approve"
    assert f"{year}: {current.values[year]:,} → {new:,}" in subject(project, stem)
