"""The workspace in a real browser: Playwright driving Debian's headless Chromium against `factsheets serve`."""

import io
import re

import pytest
import served
from conftest import RECORDS, ROOT

pytestmark = pytest.mark.slow

MISSING = served.browser_missing()
# How long a page may take to show what a step expects: a guard against a hang, not a measure, so
# long that a loaded machine never reaches it (each wait ends as soon as the page shows it).
WAIT_MS = 180_000
if MISSING:
    print(f"browser tests skipped: {MISSING}")
    pytest.skip(MISSING, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

# A sample whose title takes any words: the tests retitle it (a briefing paper's needs a portion mark).
FIRST = next(r for r in RECORDS if not re.search(r'(?m)^title: "?\(', r.file.read_text(encoding="utf-8")))


@pytest.fixture
def drafted(project, run_cli):
    """Return the scratch project with its first sample made a draft, built."""
    file = project / "sources" / FIRST.file.name
    text = re.sub(r"(?m)^status: .*\n", "", file.read_text(encoding="utf-8"))
    file.write_text(re.sub(r"(?m)^title:", "status: draft\ntitle:", text, count=1), encoding="utf-8")
    assert run_cli("build", "-q", cwd=project).code == 0
    return project


def pdf_text(data: bytes) -> str:
    """Return the text of a PDF's pages."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_edit_preview_fix_save_download_publish(drafted, chromium, tmp_path):
    with served.served(drafted) as url:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        served.open_when_up(page, url + "/")
        for record in RECORDS:  # every sample has a card with a loaded thumbnail
            image = page.locator(f'[data-sheet="{record.id}"] img')
            image.scroll_into_view_if_needed()
            expect(image).to_have_js_property("complete", True)
            assert image.evaluate("img => img.naturalWidth") > 100
        card = page.locator(f'[data-sheet="{FIRST.id}"]')
        expect(card.locator(".badge")).to_have_text("DRAFT")

        card.locator("h2 a").click()
        expect(page.locator("#preview img.page").first).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_role("tab", name="Form")).to_have_attribute("aria-selected", "true")  # the default
        expect(page.locator("#form-panel")).to_be_visible()
        expect(page.locator("#text")).to_be_hidden()
        page.get_by_role("tab", name="Advanced (YAML)").click()
        box = page.locator("#text")
        original = box.input_value()
        box.fill(re.sub(r"(?m)^title: .*$", "title: Brand New Title", original, count=1))
        box.press("End")  # a key: htmx previews after typing stops
        expect(page.locator("#preview img.page").first).to_have_attribute(
            "alt", re.compile("Brand New Title"), timeout=WAIT_MS)

        typo = box.input_value().replace("title: Brand New Title",
                                         "title: Brand New Title {{ data.nosuchfile.nosuchfigure }}")
        box.fill(typo)
        box.press("End")
        problem = page.locator('#preview .problems li[data-field="title"]')
        expect(problem).to_contain_text("nosuchfile", timeout=WAIT_MS)
        expect(problem.locator("a[data-goto]")).to_have_text("Title")  # the place as the form names it
        expect(page.locator('#field-list li[data-field="title"]')).to_have_class(re.compile("has-problem"))
        problem.locator("a[data-line]").click()  # puts the cursor on the title line
        assert box.evaluate("t => t.value.slice(t.selectionStart, t.selectionEnd)").startswith("title:")

        box.fill(typo.replace(" {{ data.nosuchfile.nosuchfigure }}", ""))
        box.press("End")
        expect(page.locator("#preview .problems")).to_have_count(0, timeout=WAIT_MS)
        page.get_by_role("button", name="Save and build").click()
        expect(page.locator("#result")).to_contain_text("Rebuilt Brand New Title", timeout=WAIT_MS)
        expect(page.locator("#result .rebuilt")).not_to_contain_text("sources/")

        with page.expect_download() as download:
            page.locator(f'a[href="/download/{FIRST.id}.pdf"]').first.click()
        data = open(download.value.path(), "rb").read()
        assert data.startswith(b"%PDF") and "Brand New Title" in pdf_text(data)
        assert "DRAFT" in pdf_text(data)
        page.goto(url + "/changes")
        expect(page.locator(".run").first).to_contain_text("Brand New Title")  # the newest run lists it by title

        page.goto(f"{url}/sheet/{FIRST.id}")
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Publish…").click()
        expect(page.locator("h1 + .meta .badge")).to_have_text("FINAL", timeout=WAIT_MS)
        final = (drafted / "output" / f"{FIRST.id}.pdf").read_bytes()
        assert "DRAFT" not in pdf_text(final) and "Brand New Title" in pdf_text(final)
        page.screenshot(path=str(tmp_path / "editor.png"))


def test_two_people_saving_the_same_sheet(project, run_cli, chromium):
    assert run_cli("build", "-q", cwd=project).code == 0
    file = project / "sources" / FIRST.file.name
    with served.served(project) as url:
        first, second = (chromium.new_context().new_page() for _ in range(2))
        for page in (first, second):
            served.open_when_up(page, f"{url}/sheet/{FIRST.id}")
            page.get_by_role("tab", name="Advanced (YAML)").click()
        typed = {}
        for page, name in ((first, "First"), (second, "Second")):
            box = page.locator("#text")
            typed[name] = re.sub(r"(?m)^title: .*$", f"title: {name} Editor's Title", box.input_value(), count=1)
            box.fill(typed[name])
        first.get_by_role("button", name="Save and build").click()
        expect(first.locator("#result")).to_contain_text("Rebuilt", timeout=WAIT_MS)
        second.get_by_role("button", name="Save and build").click()
        conflict = second.locator("#result .conflict")
        expect(conflict).to_contain_text("someone else saved", timeout=WAIT_MS)
        expect(conflict.locator(".diff")).to_be_hidden()  # the difference is for the Advanced reader, folded
        expect(conflict.locator(".diff")).to_contain_text("+title: Second Editor's Title")
        assert second.locator("#text").input_value() == typed["Second"]  # nothing lost on screen
        assert file.read_text(encoding="utf-8") == typed["First"]  # nor on disk


def test_a_stale_figure_is_warned_on_the_card_and_the_figures_page(project, run_cli, chromium):
    data_file = next(p for p in sorted((project / "sources" / "data").glob("*.yaml"))
                     if re.search(r"(?m)^\s*as_of: ", p.read_text(encoding="utf-8")))
    data_file.write_text(re.sub(r"(?m)^(\s*as_of: ).*$", r"\g<1>2000-01-31", data_file.read_text(encoding="utf-8"),
                                count=1), encoding="utf-8")
    run_cli("build", "-q", cwd=project)
    with served.served(project) as url:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        served.open_when_up(page, url + "/figures")
        stale = page.locator("tr.stale")
        expect(stale.first).to_contain_text("2000-01-31")
        readers = [a.get_attribute("href").rsplit("/", 1)[1] for a in stale.first.locator("td a").all()]
        assert readers, "the stale figure is printed by some sheet"
        page.goto(url + "/")
        for sheet_id in readers:
            warning = page.locator(f'[data-sheet="{sheet_id}"] .warn')  # names the figure, its date and the limit
            expect(warning).to_contain_text("as of 2000-01-31")
            expect(warning).to_contain_text(re.compile(r"older than the [0-9]+-month limit"))
            expect(warning).not_to_contain_text("data.")


def _free_sections(record) -> bool:
    """Return True for a record of three sections or more whose layout takes any headings in any order."""
    from pipeline.layouts.loader import load_layouts
    from pipeline.records.yamlload import parse

    layouts = load_layouts(ROOT / "templates")
    sections = dict((k.value, v) for k, v in parse(record.file.read_text(encoding="utf-8"), "t").items).get("sections")
    return not layouts[record.layout].headings and sections is not None and len(sections.items) >= 3


# The form's scenario moves and adds sections: a sample whose layout allows any headings in any order.
BLOCKS = next(r for r in RECORDS if _free_sections(r)
              and not re.search(r'(?m)^title: "?\(', r.file.read_text(encoding="utf-8")))


def test_the_form_tab_edits_the_yaml_and_shows_a_problem_under_its_input(project, run_cli, chromium):
    assert run_cli("build", "-q", cwd=project).code == 0
    file = project / "sources" / BLOCKS.file.name
    original = file.read_text(encoding="utf-8")
    printed_before = " ".join(pdf_text((project / "output" / f"{BLOCKS.id}.pdf").read_bytes()).split())
    with served.served(project) as url:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        served.open_when_up(page, f"{url}/sheet/{BLOCKS.id}")
        expect(page.locator("#preview img.page").first).to_be_visible(timeout=WAIT_MS)
        page.get_by_role("tab", name="Form").click()
        title = page.get_by_role("textbox", name="Title", exact=True)
        expect(title).to_be_visible()
        title.fill("Form Title {{ data.nosuchfile.x }}")
        title.press("End")
        expect(page.locator('#form-panel .form-field[data-field="title"] .field-problem')).to_contain_text(
            "nosuchfile", timeout=WAIT_MS)
        title.fill("Form Title")
        title.press("End")
        expect(page.locator("#preview img.page").first).to_have_attribute("alt", re.compile("Form Title"),
                                                                          timeout=WAIT_MS)
        expect(page.locator("#form-panel .field-problem")).to_have_count(0)
        section = page.locator("#form-panel fieldset.section")
        count = section.count()
        headings = [section.nth(i).locator("input[id$='.heading']").input_value() for i in range(count)]

        # A new section: its heading input has the focus, the placeholder selected, so typing replaces it.
        page.get_by_role("button", name="Add a section").click()
        expect(section).to_have_count(count + 1, timeout=WAIT_MS)
        new_heading = page.locator(f'[id="f-sections[{count}].heading"]')
        expect(new_heading).to_be_focused()
        expect(page.locator(f'#form-panel .form-field[data-field="sections[{count}].heading"] .field-problem')
               ).to_contain_text("placeholder", timeout=WAIT_MS)
        page.keyboard.type("Added in the Form")
        expect(new_heading).to_have_value("Added in the Form")
        page.locator(f'[id="f-sections[{count}].text"]').fill("Text typed in the form.")
        page.locator(f'[id="f-sections[{count}].text"]').press("End")
        expect(page.locator("#form-panel .field-problem")).to_have_count(0, timeout=WAIT_MS)

        # A bullet in the first section, typed over its placeholder.
        page.get_by_role("button", name=re.compile(r"^Add bullets to section 1\b")).click()
        bullet = page.locator('[id="f-sections[0].bullets[0]"]')
        expect(bullet).to_be_focused(timeout=WAIT_MS)
        page.keyboard.type("A bullet typed in the form")
        bullet.press("End")
        expect(page.locator("#form-panel .field-problem")).to_have_count(0, timeout=WAIT_MS)

        # The new section moves above the last one; the second section goes, after a confirmation.
        page.get_by_role("button", name=re.compile(rf"^Move up: section {count + 1}\b")).click()
        expect(page.locator(f'[id="f-sections[{count - 1}].heading"]')).to_have_value("Added in the Form",
                                                                                     timeout=WAIT_MS)
        expect(page.locator(f'[id="up-sections[{count - 1}]"]')).to_be_focused()
        before = page.locator("#preview img.page").first.get_attribute("src")
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name=re.compile(r"^Remove section 2\b")).click()
        expect(section).to_have_count(count, timeout=WAIT_MS)
        expect(page.locator("#preview img.page").first).not_to_have_attribute("src", before, timeout=WAIT_MS)
        expect(page.locator("#preview .problems")).to_have_count(0, timeout=WAIT_MS)

        page.get_by_role("tab", name="Advanced (YAML)").click()
        typed = page.locator("#text").input_value()
        assert re.search(r"(?m)^title: Form Title$", typed) and "<<" not in typed
        page.get_by_role("button", name="Save and build").click()
        expect(page.locator("#result")).to_contain_text("Rebuilt Form Title", timeout=WAIT_MS)

    saved = file.read_text(encoding="utf-8")
    assert saved == typed
    assert [line for line in original.splitlines() if line.lstrip().startswith("#")] == \
        [line for line in saved.splitlines() if line.lstrip().startswith("#")]  # every comment kept
    from pipeline.records.yamlload import parse

    sections = dict((k.value, v) for k, v in parse(saved, "t").items)["sections"].items
    assert [dict((k.value, v.value) for k, v in s.items if k.value == "heading").get("heading", "") for s in sections] \
        == [headings[0], *headings[2:-1], "Added in the Form", headings[-1]]
    printed = " ".join(pdf_text((project / "output" / f"{BLOCKS.id}.pdf").read_bytes()).split())
    assert "A bullet typed in the form" in printed and "Text typed in the form." in printed
    assert 0 <= printed.find("Added in the Form") < printed.rfind(headings[-1] or "Added in the Form")
    if headings[1]:  # the removed section's heading is printed once less (the old title may have held it too)
        old_title = re.search(r"(?m)^title: (.*)$", original).group(1)
        assert printed.count(headings[1]) == printed_before.count(headings[1]) - 1 - old_title.count(headings[1])


def test_nothing_typed_is_lost_across_a_restart_and_a_reload(project, run_cli, chromium):
    assert run_cli("build", "-q", cwd=project).code == 0
    file = project / "sources" / FIRST.file.name
    original = file.read_text(encoding="utf-8")
    asked = []
    page = chromium.new_context().new_page()
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))  # Discard asks too
    with served.served(project) as url:
        served.open_when_up(page, f"{url}/sheet/{FIRST.id}")
        title = page.get_by_role("textbox", name="Title", exact=True)
        title.fill("Kept Across a Restart")
        title.press("End")
        expect(page.locator("#text")).to_have_value(re.compile(r"^title: Kept Across a Restart$", re.M), timeout=WAIT_MS)
        expect(page.locator("#dirty")).to_have_text("Unsaved changes")
    with served.served(project, port=int(url.rsplit(":", 1)[1])):  # the same address: a restart
        page.get_by_role("button", name="Save and build").click()  # with the old page's token
        expect(page.locator("#result")).to_contain_text("restarted", timeout=WAIT_MS)
        assert file.read_text(encoding="utf-8") == original
        assert page.evaluate("unsavedChanges()")
        page.reload()  # the draft comes back
        expect(page.locator("#draft-note")).to_be_visible()
        title = page.get_by_role("textbox", name="Title", exact=True)
        expect(title).to_have_value("Kept Across a Restart", timeout=WAIT_MS)

        title.fill("Then Changed Again")
        title.press("End")
        expect(page.locator("#text")).to_have_value(re.compile(r"^title: Then Changed Again$", re.M), timeout=WAIT_MS)
        page.get_by_role("button", name="Undo").click()
        expect(page.locator("#text")).to_have_value(re.compile(r"^title: Kept Across a Restart$", re.M))
        expect(page.get_by_role("textbox", name="Title", exact=True)).to_have_value("Kept Across a Restart",
                                                                                  timeout=WAIT_MS)
        page.get_by_role("button", name="Redo").click()
        expect(page.locator("#text")).to_have_value(re.compile(r"^title: Then Changed Again$", re.M))

        page.get_by_role("textbox", name="Title", exact=True).press("Control+s")  # saves from any field
        expect(page.get_by_role("button", name="Save and build")).to_be_disabled()  # not sent twice
        expect(page.locator("#result")).to_contain_text("Rebuilt Then Changed Again", timeout=WAIT_MS)
        expect(page.locator("#dirty")).to_have_text("All changes saved")
        assert re.search(r"(?m)^title: Then Changed Again$", file.read_text(encoding="utf-8"))

        title = page.get_by_role("textbox", name="Title", exact=True)
        title.fill("To Be Discarded")
        title.press("End")
        expect(page.locator("#text")).to_have_value(re.compile(r"^title: To Be Discarded$", re.M), timeout=WAIT_MS)
        page.get_by_role("button", name="Discard changes…").click()
        expect(page.locator("#text")).to_have_value(re.compile(r"^title: Then Changed Again$", re.M))
        assert not page.evaluate("unsavedChanges()")
        page.reload()
        expect(page.locator("#draft-note")).to_be_hidden()
        expect(page.get_by_role("textbox", name="Title", exact=True)).to_have_value("Then Changed Again",
                                                                                  timeout=WAIT_MS)

        title = page.get_by_role("textbox", name="Title", exact=True)  # leaving with unsaved changes asks first
        title.fill("Typed, Then the Tab Closed")
        title.press("End")
        expect(page.locator("#dirty")).to_have_text("Unsaved changes", timeout=WAIT_MS)
        with page.expect_event("dialog") as question:
            page.close(run_before_unload=True)
        assert question.value.type == "beforeunload"


def test_a_new_sheet_from_its_title_starts_as_a_draft_with_its_layout_previewed(project, run_cli, chromium):
    assert run_cli("build", "-q", cwd=project).code == 0
    with served.served(project) as url:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        served.open_when_up(page, url + "/new")
        page.get_by_label("Title of the sheet").fill("Cambodia INL")
        name = page.get_by_label("File name", exact=False)
        expect(name).to_have_value("cambodia-inl")  # derived from the title as it is typed
        expect(page.locator("#name-check")).to_have_text("Its Word and PDF files will be cambodia-inl.docx and cambodia-inl.pdf.")
        name.fill(FIRST.id)  # an existing sheet's name is refused as it is typed
        expect(page.locator("#name-check")).to_contain_text("exists already")
        name.fill("cambodia-inl")
        page.get_by_role("button", name="Create the sheet").click()

        expect(page.locator("h1")).to_have_text("Cambodia INL")
        expect(page.locator("h1 + .meta .badge")).to_have_text("DRAFT")
        expect(page.get_by_role("button", name="Publish…")).to_be_visible()
        first = page.locator("#preview img.page").first  # the layout at once, its placeholders marked
        expect(first).to_have_attribute("alt", re.compile("to fill"), timeout=WAIT_MS)
        expect(page.locator("#preview .warn")).to_contain_text("to fill")
        expect(page.locator("#preview .problems li").first).to_contain_text("placeholder")
    assert "status: draft" in (project / "sources" / "cambodia-inl.yaml").read_text(encoding="utf-8")


def test_a_final_sheet_goes_back_to_draft_after_a_question(project, run_cli, chromium):
    assert run_cli("build", "-q", cwd=project).code == 0
    file = project / "sources" / FIRST.file.name
    assert "status: draft" not in file.read_text(encoding="utf-8")
    with served.served(project) as url:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        served.open_when_up(page, f"{url}/sheet/{FIRST.id}")
        expect(page.locator("h1 + .meta .badge")).to_have_text("FINAL")
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        page.get_by_role("button", name="Back to draft…").click()
        expect(page.locator("h1 + .meta .badge")).to_have_text("DRAFT", timeout=WAIT_MS)
        assert asked and "back to draft" in asked[0]
        expect(page.get_by_role("button", name="Publish…")).to_be_visible()
    assert re.search(r"(?m)^status: draft", file.read_text(encoding="utf-8"))
    assert "DRAFT" in pdf_text((project / "output" / f"{FIRST.id}.pdf").read_bytes())


def test_at_200_percent_zoom_the_form_and_the_preview_sit_side_by_side_and_scroll_by_keyboard(project, run_cli,
                                                                                             chromium):
    assert run_cli("build", "-q", cwd=project).code == 0
    with served.served(project) as url:  # a 1400 x 900 window at 200%: 700 x 450 CSS pixels, twice as dense
        page = chromium.new_page(viewport={"width": 700, "height": 450}, device_scale_factor=2)
        served.open_when_up(page, f"{url}/sheet/{BLOCKS.id}")
        expect(page.locator("#preview img.page").first).to_be_visible(timeout=WAIT_MS)
        expect(page.locator("#form-panel .form-field").first).to_be_visible(timeout=WAIT_MS)
        left, preview = page.locator(".editor .left").bounding_box(), page.locator("section.preview").bounding_box()
        assert preview["x"] >= left["x"] + left["width"] and abs(preview["y"] - left["y"]) < 50  # beside, not below
        expect(page.locator("#preview figcaption").first).to_have_text(re.compile(r"^Page 1 of [0-9]+$"))
        pane = page.locator("section.preview")
        pane.focus()  # reachable by keyboard (it is in the Tab order) and scrolled by it
        page.keyboard.press("PageDown")
        page.wait_for_function("document.querySelector('section.preview').scrollTop > 0")
