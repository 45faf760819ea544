"""Figures as things, not code, in a real browser: the form's prose editors show each figure reference
as the number it prints, remove it whole, insert it from a keyboard-operated picker, offer it for a
typed number, and make bold from Ctrl+B; what is saved is the record's own syntax, the rest byte for byte.
(All of it fails on the form before richtext.js: its text areas showed the references' code.)"""

import re

import axe
import pytest
import served
from conftest import RECORDS, ROOT
from test_units import prose_fields
from test_workspace_fields import own_comments, tree

from pipeline.figures import shared as data
from pipeline.workspace import figurechoices, units
from pipeline.workspace.edits import set_field

pytestmark = pytest.mark.slow

MISSING = served.browser_missing()
WAIT_MS = 180_000  # a guard against a hang, never a measure: each wait ends when the page shows it
if MISSING:
    print(f"browser tests skipped: {MISSING}")
    pytest.skip(MISSING, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

DATASET = data.load(ROOT / "sources" / "data", "data")


def _with_figure():
    """Return (sample, prose field, reference, figure) for the first sample with a number in a prose field."""
    for record in RECORDS:
        text = record.file.read_text(encoding="utf-8")
        known = figurechoices.catalogue(text, DATASET)
        for field in prose_fields(text):
            for match in units.REFERENCE.finditer(field.value):
                figure = known["refs"][figurechoices.folded(match.group())]
                if figure["printed"][:1].isdigit() and field.value.count(match.group()) == 1:
                    return record, field, match.group(), figure
    raise AssertionError("no sample prints a figure in a prose field")


SHEET, FIELD, REF, FIGURE = _with_figure()
EDITOR = f'[id="f-{FIELD.name}"]'


def opened(chromium, url: str, sheet_id: str):
    """Return a page on a sheet's form, its editors drawn."""
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    served.open_when_up(page, f"{url}/sheet/{sheet_id}")
    expect(page.locator("#form-panel .richtext-box").first).to_be_visible(timeout=WAIT_MS)
    return page


def caret(page, selector: str, needle: str, after: bool = True, length: int = 0) -> None:
    """Put the caret in an editor just after (or before) the first `needle` of its text, selecting `length`."""
    page.locator(selector).focus()
    page.evaluate("""([selector, needle, after, length]) => {
        const editor = document.querySelector(selector);
        const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
        for (let node; (node = walker.nextNode());) {
            const at = node.data.indexOf(needle);
            if (at < 0) continue;
            const range = document.createRange(), start = after ? at + needle.length : at;
            range.setStart(node, start);
            range.setEnd(node, start + length);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
            return;
        }
        throw new Error("not in the editor: " + needle);
    }""", [selector, needle, after, length])


def chip_before_text(page) -> str:
    """Return the text right after the figure's chip in the field (where the caret goes to remove it)."""
    return page.locator(EDITOR).evaluate("""(editor, ref) => {
        const chip = Array.from(editor.querySelectorAll('.figure-chip')).find(c => c.dataset.ref === ref);
        let next = chip.nextSibling;
        return next.nodeType === 3 ? next.data.slice(0, 6) : next.textContent.slice(0, 6);
    }""", REF)


def saved(page, project, sheet) -> str:
    """Press Save and build; return the record file as saved."""
    page.get_by_role("button", name="Save and build").click()
    expect(page.locator("#result")).to_contain_text("Rebuilt", timeout=WAIT_MS)
    return (project / "sources" / sheet.file.name).read_text(encoding="utf-8")


def test_every_prose_field_shows_its_figures_as_values_and_reads_back_byte_for_byte(project, chromium):
    with served.served(project) as url:
        for record in RECORDS:
            page = opened(chromium, url, record.id)
            text = record.file.read_text(encoding="utf-8")
            known = figurechoices.catalogue(text, DATASET)
            for field in prose_fields(text):
                editor = page.locator(f'[id="f-{field.name}"]')
                assert editor.evaluate("e => window.richtextSerialise(e)") == field.value, field.name
                shown = editor.inner_text()
                assert "{{" not in shown and "}}" not in shown, field.name
                for match in units.REFERENCE.finditer(field.value):
                    chip = editor.locator(f'.figure-chip[data-ref="{match.group()}"]').first
                    figure = known["refs"][figurechoices.folded(match.group())]
                    expect(chip).to_have_text(figure["printed"])
                    expect(chip).to_have_attribute("aria-label", re.compile(re.escape(figure["label"])))
            page.close()


def test_any_text_drawn_in_the_editor_is_written_back_exactly(project, chromium):
    """3,000 texts of mark characters, references and line breaks (seeded, so every run is the same),
    redundant marks included (italic inside italic, bold spans touching, stars beside marks): drawn
    from their units and written back, each is the same text, byte for byte."""
    import random

    rng = random.Random(24)
    alphabet = ["*", "*", "**", " ", "x", "y", "[", "]", "(", ")", "https://a", "{{ f }}", "\n", "\n\n", "  "]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20))) for _ in range(3000)]
    with served.served(project) as url:
        page = opened(chromium, url, SHEET.id)
        back = page.evaluate("list => list.map(u => window.richtextRoundTrip(u))", [units.split(t) for t in texts])
    assert [(t, b) for t, b in zip(texts, back, strict=True) if t != b] == []


def test_backspace_removes_a_figure_whole_and_the_saved_record_no_longer_has_it(project, chromium):
    original = (project / "sources" / SHEET.file.name).read_text(encoding="utf-8")
    with served.served(project) as url:
        page = opened(chromium, url, SHEET.id)
        chip = page.locator(f'{EDITOR} .figure-chip[data-ref="{REF}"]')
        expect(chip).to_have_text(FIGURE["printed"])
        chip.hover()  # its name, source and as-of on hover
        tip = page.locator(f'[id="f-{FIELD.name}-tip"]')
        expect(tip).to_be_visible()
        expect(tip).to_contain_text(FIGURE["label"])
        if FIGURE["source"]:
            expect(tip).to_contain_text(FIGURE["source"])
        after = chip_before_text(page)
        caret(page, EDITOR, after, after=False)  # the caret just after the figure, by keyboard reachable
        expect(tip).to_be_visible()  # and with the caret beside it, the same details
        page.keyboard.press("Backspace")
        expect(chip).to_have_count(0)
        expect(page.locator(EDITOR)).to_contain_text(after)
        expect(page.locator("#text")).not_to_have_value(re.compile(re.escape(REF)), timeout=WAIT_MS)
        text = saved(page, project, SHEET)
    assert REF not in text
    assert text == set_field(original, FIELD.name, FIELD.value.replace(REF, "", 1))  # it whole, nothing else


def test_a_figure_inserted_from_the_picker_by_keyboard_is_saved_as_its_reference(project, chromium):
    dataset_choice = next(c for c in figurechoices.catalogue(SHEET.file.read_text(encoding="utf-8"), DATASET)["choices"]
                          if c["ref"] != REF and c["printed"][:1].isdigit())
    words = " ".join(dataset_choice["label"].split()[-3:])  # searched by its label, as a person would
    with served.served(project) as url:
        page = opened(chromium, url, SHEET.id)
        page.locator(EDITOR).focus()
        page.keyboard.press("Control+End")
        page.keyboard.type(" Also ")
        page.keyboard.press("Shift+Tab")  # to the field's toolbar (one Tab stop), then along it by arrows
        expect(page.locator(f"{EDITOR} >> xpath=preceding-sibling::*[@role='toolbar']//button[1]")).to_be_focused()
        page.keyboard.press("ArrowLeft")
        expect(page.get_by_role("button", name="Insert figure…").locator("visible=true").and_(
            page.locator(":focus"))).to_have_count(1)
        page.keyboard.press("Enter")
        dialog = page.get_by_role("dialog", name="Insert a figure")
        expect(dialog).to_be_visible()
        search = dialog.get_by_role("combobox")
        expect(search).to_be_focused()
        page.keyboard.type(words)
        options = dialog.get_by_role("option")
        target = options.filter(has_text=dataset_choice["label"]).filter(has_text=dataset_choice["printed"])
        expect(target).to_have_count(1)
        for _ in range(options.count()):  # down the list by arrow keys to it
            if target.get_attribute("aria-selected") == "true":
                break
            page.keyboard.press("ArrowDown")
        expect(search).to_have_attribute("aria-activedescendant", target.get_attribute("id"))
        page.keyboard.press("Enter")
        expect(dialog).to_be_hidden()
        expect(page.locator(EDITOR)).to_be_focused()
        expect(page.locator(f'{EDITOR} .figure-chip').last).to_have_text(dataset_choice["printed"])
        page.keyboard.type(" more")  # the caret is after the new figure
        expect(page.locator("#text")).to_have_value(re.compile(re.escape(" Also " + dataset_choice["ref"] + " more")),
                                                    timeout=WAIT_MS)
        text = saved(page, project, SHEET)
    assert " Also " + dataset_choice["ref"] + " more" in text


def test_a_typed_number_a_figure_prints_is_offered_the_figure_and_accepting_saves_the_reference(project, chromium):
    original = (project / "sources" / SHEET.file.name).read_text(encoding="utf-8")
    with served.served(project) as url:
        page = opened(chromium, url, SHEET.id)
        chip = page.locator(f'{EDITOR} .figure-chip[data-ref="{REF}"]')
        chip.click()  # selects the figure whole: what is typed replaces all of it, never a part
        page.keyboard.type(FIGURE["printed"])  # the number the figure prints, typed over it by hand
        expect(chip).to_have_count(0)
        expect(page.locator("#text")).not_to_have_value(re.compile(re.escape(REF)), timeout=WAIT_MS)
        offer = page.locator(f"{EDITOR} ~ .figure-offer")
        expect(offer).to_contain_text(f"This number is the figure ‘{FIGURE['label']}’")
        expect(chip).to_have_count(0)  # offered, never put in silently
        offer.get_by_role("button", name="Use the figure").click()
        expect(offer).to_have_count(0)
        expect(chip).to_have_text(FIGURE["printed"])
        expect(page.locator("#text")).to_have_value(re.compile(re.escape(REF)), timeout=WAIT_MS)  # one line
        text = saved(page, project, SHEET)
    assert tree(text) == tree(original)  # the record means what it did: the reference, not the number
    assert own_comments(text) == own_comments(original)


def test_another_number_typed_over_a_figure_is_said_with_a_way_to_put_the_figure_back(project, chromium):
    with served.served(project) as url:
        page = opened(chromium, url, SHEET.id)
        chip = page.locator(f'{EDITOR} .figure-chip[data-ref="{REF}"]')
        chip.click()
        page.keyboard.type("9" + FIGURE["printed"])  # a different number over the figure: said, not silent
        offer = page.locator(f"{EDITOR} ~ .figure-offer")
        expect(offer).to_contain_text(f"no longer uses the figure ‘{FIGURE['label']}’")
        expect(page.locator("#text")).to_have_value(re.compile(re.escape("9" + FIGURE["printed"])), timeout=WAIT_MS)
        for _ in "9" + FIGURE["printed"]:
            page.keyboard.press("Shift+ArrowLeft")  # the typed number selected: the figure goes in its place
        offer.get_by_role("button", name="Put the figure back").click()
        expect(chip).to_have_text(FIGURE["printed"])
        expect(offer).to_have_count(0)
        assert page.locator(EDITOR).evaluate("e => window.richtextSerialise(e)") == FIELD.value
        expect(page.locator("#text")).not_to_have_value(re.compile(re.escape("9" + FIGURE["printed"])),
                                                        timeout=WAIT_MS)


def test_ctrl_b_makes_bold_saved_as_stars_ctrl_k_a_link_and_enter_a_paragraph(project, chromium):
    original = (project / "sources" / SHEET.file.name).read_text(encoding="utf-8")
    word, other = [w for w in dict.fromkeys(re.findall(r"[A-Za-z]{6,}", FIELD.value))
                   if len(re.findall(rf"\b{w}\b", FIELD.value)) == 1 and FIELD.value.count(w) == 1][:2]
    with served.served(project) as url:
        page = opened(chromium, url, SHEET.id)
        caret(page, EDITOR, word, after=False, length=len(word))
        page.keyboard.press("Control+b")
        expect(page.locator(f"{EDITOR} b, {EDITOR} strong")).to_have_text(word)
        caret(page, EDITOR, other, after=False, length=len(other))
        page.keyboard.press("Control+k")
        dialog = page.get_by_role("dialog", name="Link")
        expect(dialog.get_by_role("textbox", name=re.compile("^Address"))).to_be_focused()
        page.keyboard.type("ftp://x")  # refused: the sheets link to web and mail addresses only
        page.keyboard.press("Enter")
        expect(dialog.get_by_role("alert")).to_contain_text("https://")
        page.keyboard.press("Control+a")
        page.keyboard.type("https://www.state.gov")
        page.keyboard.press("Enter")
        expect(dialog).to_be_hidden()
        expect(page.locator(f"{EDITOR} a")).to_have_text(other)
        page.locator(EDITOR).focus()
        page.keyboard.press("Control+End")
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")  # a blank line: a new paragraph, as the record writes one
        page.keyboard.type("A new paragraph.")
        value = FIELD.value.replace(word, f"**{word}**", 1).replace(other, f"[{other}](https://www.state.gov)", 1) + \
            "\n\nA new paragraph."
        assert page.locator(EDITOR).evaluate("e => window.richtextSerialise(e)") == value
        expect(page.locator("#text")).to_have_value(re.compile(re.escape(f"**{word}**")), timeout=WAIT_MS)
        expect(page.locator("#text")).to_have_value(re.compile("A new paragraph"), timeout=WAIT_MS)
        text = saved(page, project, SHEET)
    assert text == set_field(original, FIELD.name, value)


def test_bold_over_words_and_a_figure_takes_the_figure_in_and_comes_off_again(project, chromium):
    with served.served(project) as url:
        page = opened(chromium, url, SHEET.id)
        page.locator(EDITOR).focus()
        page.keyboard.press("Control+a")
        page.keyboard.press("Control+b")
        bold = page.locator(EDITOR).evaluate("e => window.richtextSerialise(e)")
        assert bold == f"**{FIELD.value}**" and REF in bold  # one bold span: the figure inside it
        page.keyboard.press("Control+b")
        assert page.locator(EDITOR).evaluate("e => window.richtextSerialise(e)") == FIELD.value


@pytest.mark.skipif(bool(axe.missing()), reason=axe.missing() or "")
def test_the_form_with_the_picker_open_and_a_figure_offered_has_no_axe_violation(project, chromium):
    with served.served(project) as url:
        page = opened(chromium, url, SHEET.id)
        after = chip_before_text(page)
        caret(page, EDITOR, after, after=False)
        expect(page.locator(f'[id="f-{FIELD.name}-tip"]')).to_be_visible()  # a figure's details shown
        page.keyboard.press("Backspace")
        page.keyboard.type(FIGURE["printed"])
        expect(page.locator(f"{EDITOR} ~ .figure-offer")).to_be_visible()
        found = axe.violations(page)
        assert not found, "the form with a figure offered:\n" + "\n".join(found)
        page.locator(EDITOR).focus()
        page.get_by_role("button", name="Insert figure…").first.click()
        expect(page.get_by_role("dialog", name="Insert a figure")).to_be_visible()
        page.keyboard.type("opium")
        found = axe.violations(page)
        assert not found, "the form with the figure picker open:\n" + "\n".join(found)
        page.keyboard.press("Escape")
        page.locator(EDITOR).focus()
        page.keyboard.press("Control+k")
        expect(page.get_by_role("dialog", name="Link")).to_be_visible()
        found = axe.violations(page)
        assert not found, "the form with the link dialog open:\n" + "\n".join(found)
