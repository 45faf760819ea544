"""The live preview in Chromium: only changed pages fetched again, numbered pages reachable by keyboard,
a newer preview never overwritten by an older one, a status that says when it updated, axe-core clean."""

import re

import axe
import pytest
import served
from test_workspace_browser import FIRST

pytestmark = pytest.mark.slow

MISSING = served.browser_missing()
if MISSING:
    pytest.skip(MISSING, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

WAIT_MS = 180_000  # a guard against a hang, never a measure: each wait ends as soon as the page shows it
PAGE_IMAGE = re.compile(r"/preview/[0-9a-f]+\.png$")


def opened(chromium, url: str, sheet_id: str = FIRST.id):
    """Open a sheet's editor and wait until its preview's page images are all loaded."""
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    served.open_when_up(page, f"{url}/sheet/{sheet_id}")
    expect(page.locator("#preview img.page").first).to_be_visible(timeout=WAIT_MS)
    loaded(page)
    return page


def loaded(page) -> None:
    """Wait until every page image shown is loaded."""
    page.wait_for_function("Array.from(document.querySelectorAll('#preview img.page')).every(i => i.complete)",
                           timeout=WAIT_MS)


def sources(page) -> list[str]:
    return page.eval_on_selector_all("#preview img.page", "imgs => imgs.map(i => i.getAttribute('src'))")


def type_in_title(page, words: str) -> None:
    """Type at the end of the form's Title, as a person does."""
    title = page.get_by_role("textbox", name="Title", exact=True)
    title.click()
    title.press("End")
    page.keyboard.type(words)


def test_typing_fetches_only_the_changed_pages_and_says_so(project, chromium):
    with served.served(project) as url:
        page = opened(chromium, url)
        before = sources(page)
        assert len(before) >= 2, "the sample must have several pages"
        fetched = []
        page.on("request", lambda r: fetched.append(r.url) if PAGE_IMAGE.search(r.url) else None)
        type_in_title(page, " Typed")
        expect(page.locator("#preview img.page").first).to_have_attribute("alt", re.compile("Typed"),
                                                                            timeout=WAIT_MS)
        loaded(page)
        after = sources(page)
        changed = {src for old, src in zip(before, after, strict=True) if src != old}
        assert changed, "the typed title changed no page image"
        assert len(changed) < len(after), "every page changed: the sample cannot show that others are kept"
        assert sorted(address[len(url):] for address in fetched) == sorted(changed)  # each once, no other
        expect(page.locator("#preview-status")).to_have_text(re.compile(r"Preview updated: page \d+ of \d+ changed"))


def test_pages_are_numbered_and_each_reachable_by_keyboard(project, chromium):
    with served.served(project) as url:
        page = opened(chromium, url)
        count = page.locator("#preview img.page").count()
        pane = page.locator("section.preview")
        pane.focus()
        page.keyboard.press("PageDown")  # the pane scrolls by keyboard
        page.wait_for_function("document.querySelector('section.preview').scrollTop > 0", timeout=WAIT_MS)
        pane.evaluate("pane => { pane.scrollTop = 0; }")
        pane.focus()
        for number in range(1, count + 1):
            page.keyboard.press("Tab")
            figure = page.get_by_role("figure", name=f"Page {number} of {count}", exact=True)
            expect(figure).to_be_focused()
            expect(figure.get_by_text(f"Page {number} of {count}", exact=True)).to_be_visible()
            assert figure.locator("img").get_attribute("alt").startswith(f"Page {number} of {count}: ")
            page.wait_for_function("""() => { const shown = document.querySelector("section.preview")
                .getBoundingClientRect(), page = document.activeElement.getBoundingClientRect();
                return page.top < shown.bottom && page.bottom > shown.top; }""", timeout=WAIT_MS)  # in view


HOLD_FIRST = """() => {
  window.previewRequests = {sent: 0, ended: 0};
  document.body.addEventListener("htmx:beforeRequest", e => {
    if (e.detail.target.id !== "preview") return;
    window.previewRequests.sent++;  // ended: answered (and drawn, or dropped) or cancelled
    e.detail.xhr.addEventListener("loadend", () => setTimeout(() => window.previewRequests.ended++));
  });
}"""


def test_a_preview_overtaken_by_a_newer_one_never_replaces_it(project, chromium):
    """The first text's preview is held back until the second text's preview is shown, then let go:
    the second text stays on the page (the old editor showed the first text again)."""
    with served.served(project) as url:
        page = opened(chromium, url)
        page.evaluate(HOLD_FIRST)
        held = []

        def hold(route):
            if held:
                route.continue_()
            else:
                held.append(route)

        page.route("**/sheet/*/preview", hold)
        with page.expect_request("**/sheet/*/preview"):
            type_in_title(page, " Older")
        type_in_title(page, " Newer")
        expect(page.locator("#preview img.page").first).to_have_attribute("alt", re.compile("Older Newer"),
                                                                            timeout=WAIT_MS)
        try:
            held[0].continue_()
        except Exception:  # the browser dropped the request already: nothing more can come of it
            pass
        page.wait_for_function("window.previewRequests.ended === window.previewRequests.sent", timeout=WAIT_MS)
        expect(page.locator("#preview img.page").first).to_have_attribute("alt", re.compile("Older Newer"))


def test_editor_with_a_multi_page_preview_has_no_axe_violation(project, chromium):
    if axe.missing():
        pytest.skip(axe.missing())
    with served.served(project) as url:
        page = opened(chromium, url)
        type_in_title(page, " Checked")
        expect(page.locator("#preview-status")).to_have_text(re.compile("Preview updated"), timeout=WAIT_MS)
        assert page.locator("#preview img.page").count() >= 2
        page.locator(".page-frame").nth(1).focus()
        found = axe.violations(page)
        assert not found, "\n".join(found)
