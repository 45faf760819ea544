"""The History tab in a real browser: two signed-in users, Publish held until cleared, compare, restore."""

import re
import zipfile

import pytest
import served
import yaml
from conftest import RECORDS

pytestmark = pytest.mark.slow

MISSING = served.browser_missing()
if MISSING:
    pytest.skip(MISSING, allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

WAIT_MS = 180_000  # generous: a loaded machine is slow, never wrong

HEADER = "X-Auth-Request-User"
FIRST = next(r for r in RECORDS if not re.search(r'(?m)^title: "?\(', r.file.read_text(encoding="utf-8")))


@pytest.fixture
def cleared_project(project, run_cli):
    """The scratch project, its first sample a draft whose layout needs one clearer other than its editor."""
    file = project / "sources" / FIRST.file.name
    text = re.sub(r"(?m)^status: .*\n", "", file.read_text(encoding="utf-8"))
    file.write_text(re.sub(r"(?m)^title:", "status: draft\ntitle:", text, count=1), encoding="utf-8")
    layout = yaml.safe_load(file.read_text(encoding="utf-8"))["layout"]
    (project / "factsheets.toml").write_text(f'[clearance]\n"{layout}" = "another"\n', encoding="utf-8")
    assert run_cli("build", "-q", cwd=project).code == 0
    return project


def test_two_users_clear_publish_compare_and_restore(cleared_project, tmp_path):
    file = cleared_project / "sources" / FIRST.file.name
    with sync_playwright() as playwright, served.served(cleared_project, "--proxy-header", HEADER,
                                                        "--proxy-address", "127.0.0.1") as url:
        browser = playwright.chromium.launch(executable_path=served.CHROMIUM, args=served.CHROMIUM_ARGS)
        alice, bob = (browser.new_context(extra_http_headers={HEADER: who}, accept_downloads=True).new_page()
                      for who in ("alice", "bob"))
        served.open_when_up(alice, f"{url}/sheet/{FIRST.id}")
        alice.get_by_role("tab", name="Advanced (YAML)").click()  # the record's text (the form is the default)
        box = alice.locator("#text")
        box.fill(re.sub(r"(?m)^title: .*$", "title: Alice Wrote This Title", box.input_value(), count=1))
        alice.get_by_role("button", name="Save and build").click()
        expect(alice.locator("#result")).to_contain_text("Rebuilt Alice Wrote This Title", timeout=WAIT_MS)
        alice.once("dialog", lambda dialog: dialog.accept())
        alice.get_by_role("button", name="Publish…").click()
        expect(alice.locator("#result")).to_contain_text("one person other than the last editor (alice)",
                                                         timeout=WAIT_MS)

        bob.goto(f"{url}/sheet/{FIRST.id}/history")
        expect(bob.locator("tr[data-version]").first).to_contain_text("alice")
        bob.fill("#comment", "ok from the desk")
        bob.get_by_role("button", name="Clear", exact=True).click()
        expect(bob.locator(".clearance")).to_contain_text("Cleared by bob: ok from the desk")

        alice.goto(f"{url}/sheet/{FIRST.id}")
        alice.once("dialog", lambda dialog: dialog.accept())
        alice.get_by_role("button", name="Publish…").click()
        expect(alice.locator("h1 + .meta .badge")).to_have_text("FINAL", timeout=WAIT_MS)

        bob.goto(f"{url}/sheet/{FIRST.id}/history")
        rows = bob.locator("tr[data-version]")
        expect(rows.first).to_contain_text("publish")
        versions = [rows.nth(i).get_attribute("data-version") for i in range(rows.count())]
        bob.select_option("#a", versions[-1])  # the sheet as first found
        bob.select_option("#b", versions[0])
        bob.get_by_role("button", name="Compare", exact=True).click()
        expect(bob.locator(".compare ins").first).to_be_visible()
        expect(bob.locator(".compare")).to_contain_text("Alice Wrote This Title")
        with bob.expect_download() as download:
            bob.get_by_role("link", name="Word redline (.docx)").click()
        xml = zipfile.ZipFile(download.value.path()).read("word/document.xml").decode("utf-8")
        assert 'w:author="alice"' in xml and "<w:ins " in xml

        bob.goto(f"{url}/sheet/{FIRST.id}/history")
        found = bob.locator(f'tr[data-version="{versions[-1]}"]')
        found.get_by_role("button", name="Restore this version").click()
        expect(bob.locator("tr[data-version]").first).to_contain_text("restore")
        expect(bob.locator("tr[data-version]").first).to_contain_text("bob")
        bob.screenshot(path=str(tmp_path / "history.png"), full_page=True)
        browser.close()
    assert "Alice Wrote This Title" not in file.read_text(encoding="utf-8")


def test_the_second_to_save_mixes_both_field_by_field(project, run_cli, tmp_path):
    assert run_cli("build", "-q", cwd=project).code == 0
    file = project / "sources" / FIRST.file.name
    date = re.search(r"(?m)^date: (\S+)", file.read_text(encoding="utf-8")).group(1)
    with sync_playwright() as playwright, served.served(project, "--user", "R. Roe") as url:
        browser = playwright.chromium.launch(executable_path=served.CHROMIUM, args=served.CHROMIUM_ARGS)
        first, second = (browser.new_context().new_page() for _ in range(2))
        for page in (first, second):
            served.open_when_up(page, f"{url}/sheet/{FIRST.id}")
            page.get_by_role("tab", name="Advanced (YAML)").click()  # the record's text (the form is the default)
        box = first.locator("#text")
        box.fill(re.sub(r"(?m)^title: .*$", "title: The First Editor's Title", box.input_value(), count=1))
        first.get_by_role("button", name="Save and build").click()
        expect(first.locator("#result")).to_contain_text("Rebuilt", timeout=WAIT_MS)
        box = second.locator("#text")
        box.fill(box.input_value().replace(f"date: {date}", "date: 2027-02-03", 1))
        second.get_by_role("button", name="Save and build").click()
        second.get_by_role("button", name="Compare field by field and choose").click(timeout=WAIT_MS)
        expect(second.locator('tr[data-field="title"] input[value="theirs"]')).to_be_checked()
        expect(second.locator('tr[data-field="date"] input[value="yours"]')).to_be_checked()
        second.screenshot(path=str(tmp_path / "merge.png"), full_page=True)
        second.get_by_role("button", name="Save this mix").click()
        expect(second.locator("#text")).to_have_value(re.compile("The First Editor's Title"), timeout=WAIT_MS)
        browser.close()
    text = file.read_text(encoding="utf-8")
    assert "title: The First Editor's Title" in text and "date: 2027-02-03" in text
