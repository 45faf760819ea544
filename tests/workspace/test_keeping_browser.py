"""In Chromium: a shared figure printed by 120 sheets saved with its rebuild's progress shown; the Changes
page saying each edit in the form's words; a draft kept on the server across a restart, offered and
restored. axe-core on each new state."""

import re

import axe
import benchcode
import pytest
import served
import yaml
from conftest import RECORDS

pytestmark = pytest.mark.slow

MISSING = served.browser_missing() or axe.missing()
if MISSING:
    print(f"browser tests skipped: {MISSING}")
    pytest.skip(MISSING, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

WAIT_MS = 600_000  # a guard against a hang, never a measure: 120 sheets rebuild slowly on a loaded machine
DEPENDANTS = 120
REFERENCE = re.compile(r"\{\{\s*data\.([a-z0-9_]+)\.([a-z0-9_]+)\[([0-9]+)\]")
# A sample whose title takes any words, and that prints a shared figure by year.
SAMPLE = next(r for r in RECORDS if REFERENCE.search(r.file.read_text(encoding="utf-8"))
              and not re.search(r'(?m)^title: "?\(', r.file.read_text(encoding="utf-8")))


def _figure(project):
    """Return (name, year, label, value) of the shared figure SAMPLE prints first."""
    file, key, year = REFERENCE.search(SAMPLE.file.read_text(encoding="utf-8")).groups()
    entry = yaml.safe_load((project / "sources" / "data" / f"{file}.yaml").read_text(encoding="utf-8"))[key]
    return f"data.{file}.{key}", year, entry.get("label") or key.replace("_", " "), entry["values"][int(year)]


def clean(page, state: str) -> None:
    found = axe.violations(page)
    assert not found, f"{state}:\n" + "\n".join(found)


def test_a_figure_120_sheets_print_is_saved_with_progress_and_the_table_shows_it(project, run_cli, chromium):
    numbered = benchcode.load("recordgen").numbered_title
    text = SAMPLE.file.read_text(encoding="utf-8")
    for n in range(DEPENDANTS - 1):
        (project / "sources" / f"{SAMPLE.id}-{n:03d}.yaml").write_text(numbered(text, n), encoding="utf-8")
    name, year, label, value = _figure(project)
    # A sheet that does not print the figure, with a problem of its own: listed apart, never blocking.
    other = next(r for r in RECORDS if name not in r.file.read_text(encoding="utf-8"))
    broken = other.file.read_text(encoding="utf-8").replace("title: ", "title: {{ data.nosuch.x }} ", 1)
    (project / "sources" / other.file.name).write_text(broken, encoding="utf-8")
    run_cli("build", "-q", cwd=project)
    fid = name.replace(".", "-")
    new = value * 7 + 3
    with served.served(project) as url:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        page.on("dialog", lambda dialog: dialog.accept())  # "Save this figure and rebuild…?" on Save only
        served.open_when_up(page, url + "/figures")
        row = page.locator(f"tr:has(#{fid}-{year})")
        row.get_by_text("Change…").click()
        box = page.locator(f"#{fid}-{year}")
        box.fill(str(new))
        box.press("End")
        plan = page.locator(f"#plan-{fid}")
        expect(plan).to_contain_text("If you save this change", timeout=WAIT_MS)
        assert plan.get_by_text("will print:").count() >= DEPENDANTS  # every sheet printing it, compared
        assert "nosuch" not in plan.inner_text()
        clean(page, "the shared figures with a plan open")

        row.get_by_role("button", name="Save and build").click()
        expect(plan).to_contain_text("Rebuilding sheets", timeout=WAIT_MS)  # at once, while it rebuilds
        other_tab = chromium.new_page()  # the workspace answers meanwhile: the user keeps working
        other_tab.goto(url + "/changes")
        expect(other_tab.get_by_role("heading", name="Changes", exact=True)).to_be_visible()
        other_tab.close()
        expect(plan).to_contain_text("Rebuilt", timeout=WAIT_MS)
        assert plan.locator(".rebuilt > li").count() >= DEPENDANTS
        expect(page.locator(f"#value-{fid}")).to_contain_text(f"{year}: {new:,}")  # the table, without a reload
        assert str(new) in (project / "sources" / "data" / f"{name.split('.')[1]}.yaml").read_text(encoding="utf-8")
        page.screenshot(path=str(project / "figures-saved.png"), full_page=False)


def test_the_changes_page_says_a_title_and_a_figure_old_to_new(project, run_cli, chromium):
    assert run_cli("build", "-q", cwd=project).code == 0
    name, year, label, value = _figure(project)
    fid = name.replace(".", "-")
    with served.served(project) as url:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        page.on("dialog", lambda dialog: dialog.accept())
        served.open_when_up(page, f"{url}/sheet/{SAMPLE.id}")
        for title in ("A", "B"):
            field = page.get_by_role("textbox", name="Title", exact=True)
            field.fill(title)
            field.press("End")
            expect(page.locator("#text")).to_have_value(re.compile(rf"^title: {title}$", re.M), timeout=WAIT_MS)
            page.get_by_role("button", name="Save and build").click()
            expect(page.locator("#result")).to_contain_text(f"Rebuilt {title}", timeout=WAIT_MS)

        page.goto(url + "/figures")
        page.locator(f"tr:has(#{fid}-{year})").get_by_text("Change…").click()
        page.locator(f"#{fid}-{year}").fill(str(value + 11))
        page.locator(f"tr:has(#{fid}-{year})").get_by_role("button", name="Save and build").click()
        expect(page.locator(f"#plan-{fid}")).to_contain_text("Rebuilt", timeout=WAIT_MS)

        page.goto(url + "/changes")
        edits = page.locator("ol.edits")
        expect(edits).to_contain_text("Title: ‘A’ → ‘B’")
        expect(edits).to_contain_text(f"{label}, {year}: {value:,} → {value + 11:,}")
        assert "record edited" not in edits.inner_text() and "sections[" not in page.content()
        clean(page, "changes")
        page.screenshot(path=str(project / "changes.png"), full_page=False)


def test_a_draft_kept_on_the_server_is_offered_after_a_restart_and_restored(project, run_cli, chromium):
    assert run_cli("build", "-q", cwd=project).code == 0
    file = project / "sources" / SAMPLE.file.name
    original = file.read_text(encoding="utf-8")
    with served.served(project) as url:
        page = chromium.new_context().new_page()
        served.open_when_up(page, f"{url}/sheet/{SAMPLE.id}")
        title = page.get_by_role("textbox", name="Title", exact=True)
        with page.expect_response(lambda r: r.url.endswith("/draft") and r.request.method == "POST",
                                  timeout=WAIT_MS) as kept:
            title.fill("Typed Before the Restart")
            title.press("End")
        assert kept.value.status == 200
    assert file.read_text(encoding="utf-8") == original  # kept, not saved
    drafts = list((project / ".factsheets" / "drafts").rglob("*.json"))
    assert len(drafts) == 1 and "sources" not in str(drafts[0].relative_to(project))

    with served.served(project) as url:  # a new server on a new port: no session, no browser copy
        page = chromium.new_context().new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        served.open_when_up(page, f"{url}/sheet/{SAMPLE.id}")
        offer = page.get_by_role("region", name="Unsaved changes kept")
        expect(offer).to_contain_text(re.compile(r"You have unsaved changes from \S"), timeout=WAIT_MS)
        expect(page.locator("#preview img.page").first).to_be_visible(timeout=WAIT_MS)
        clean(page, "the editor offering a kept draft")
        page.screenshot(path=str(project / "draft-offer.png"), full_page=False)
        offer.get_by_role("button", name="Restore").click()
        expect(offer).to_be_hidden()
        expect(page.get_by_role("textbox", name="Title", exact=True)).to_have_value("Typed Before the Restart",
                                                                                  timeout=WAIT_MS)
        expect(page.locator("#dirty")).to_have_text("Unsaved changes")
        page.get_by_role("button", name="Save and build").click()
        expect(page.locator("#result")).to_contain_text("Rebuilt Typed Before the Restart", timeout=WAIT_MS)
        assert re.search(r"(?m)^title: Typed Before the Restart$", file.read_text(encoding="utf-8"))

        expect(page.locator("#record")).to_have_attribute("data-draft", "none", timeout=WAIT_MS)  # saved: gone
        fresh = page.context.browser.new_context().new_page()
        fresh.goto(f"{url}/sheet/{SAMPLE.id}")
        expect(fresh.locator("#preview img.page").first).to_be_visible(timeout=WAIT_MS)
        expect(fresh.get_by_role("region", name="Unsaved changes kept")).to_be_hidden()
        assert not list((project / ".factsheets" / "drafts").rglob("*.json"))


def test_discard_on_the_offer_removes_the_kept_draft(project, run_cli, chromium):
    assert run_cli("build", "-q", cwd=project).code == 0
    with served.served(project) as url:
        page = chromium.new_context().new_page()
        served.open_when_up(page, f"{url}/sheet/{SAMPLE.id}")
        title = page.get_by_role("textbox", name="Title", exact=True)
        with page.expect_response(lambda r: r.url.endswith("/draft") and r.request.method == "POST",
                                  timeout=WAIT_MS):
            title.fill("Not Wanted")
            title.press("End")
        other = chromium.new_context().new_page()  # another browser of the same user
        other.goto(f"{url}/sheet/{SAMPLE.id}")
        offer = other.get_by_role("region", name="Unsaved changes kept")
        expect(offer).to_be_visible(timeout=WAIT_MS)
        offer.get_by_role("button", name="Discard").click()
        expect(offer).to_be_hidden()
        expect(other.locator("#record")).to_have_attribute("data-draft", "none", timeout=WAIT_MS)
        assert not list((project / ".factsheets" / "drafts").rglob("*.json"))
        assert "Not Wanted" not in other.locator("#text").input_value()
