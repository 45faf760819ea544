"""What a desk officer sees, in Chromium: a figure in a table cell or a title is one unit showing what it
prints (never `{{ … }}`), replaced by typing over it; the Changes page's builds in plain words."""

import re

import axe
import pytest
import served
from conftest import RECORDS

pytestmark = pytest.mark.slow

MISSING = served.browser_missing() or axe.missing()
if MISSING:
    pytest.skip(MISSING, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

WAIT_MS = 180_000  # a guard against a hang, never a measure
CELL = re.compile(r'(?m)^\s*- \[[^\n]*"(\{\{[^"\n]*\}\})"\]$')  # a table row whose last cell prints a figure
TABLED = next(r for r in RECORDS if CELL.search(r.file.read_text(encoding="utf-8")))


def test_a_figure_in_a_cell_or_a_title_is_a_unit_and_typed_over_as_a_number(project, run_cli, chromium):
    file = project / "sources" / TABLED.file.name
    text = file.read_text(encoding="utf-8")
    ref = CELL.search(text).group(1)
    title = re.search(r"(?m)^title: (.*)$", text).group(1)
    file.write_text(text.replace(f"title: {title}", f"title: \"{title.strip(chr(34))} {ref}\"", 1), encoding="utf-8")
    assert run_cli("build", "-q", cwd=project).code == 0
    with served.served(project) as url:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        served.open_when_up(page, f"{url}/sheet/{TABLED.id}")
        expect(page.locator("#preview img.page").first).to_be_visible(timeout=WAIT_MS)
        form = page.locator("#form-panel")
        for shown in form.locator("input:visible").all():  # no visible input shows template code
            assert "{{" not in shown.input_value()
        assert "{{" not in form.inner_text()

        heading = page.locator("#f-title")
        expect(heading.locator(".figure-chip")).to_have_count(1)
        expect(heading).to_have_attribute("aria-multiline", "false")
        cell = form.locator(".grid .richtext-box.single").first
        chip = cell.locator(".figure-chip")
        expect(chip).to_have_text(re.compile(r"^\$?[0-9][0-9,.]*"))
        axe_found = axe.violations(page)
        assert not axe_found, "\n".join(axe_found)

        chip.click()  # the whole figure selected: what is typed replaces it whole
        page.keyboard.type("1,234")
        page.keyboard.press("Enter")  # one line: Enter adds no line break
        page.keyboard.press("Tab")
        box = page.locator("#text")
        expect(box).to_have_value(re.compile(r'- \[[^\n]*"?1,234"?\]'), timeout=WAIT_MS)
        assert box.input_value().count(ref) == text.count(ref)  # one cell's figure gone, the title's added

        # By keyboard: the cell's "Insert figure…" puts a figure back as one unit.
        cell.focus()
        page.keyboard.press("Shift+Tab")
        expect(page.locator(":focus")).to_have_text("Insert figure…")
        page.keyboard.press("Enter")  # the picker: its first figure chosen with Enter
        expect(page.locator("#figure-picker")).to_be_visible()
        page.keyboard.press("Enter")
        expect(cell.locator(".figure-chip")).to_have_count(1, timeout=WAIT_MS)


def test_the_changes_page_says_what_was_rebuilt_and_why_in_plain_words(project, run_cli, chromium):
    assert run_cli("build", "-q", cwd=project).code == 0
    file = project / "sources" / TABLED.file.name
    file.write_text(re.sub(r"(?m)^title: (.*)$", r"title: \1 Today", file.read_text(encoding="utf-8"), count=1),
                    encoding="utf-8")
    data = next(p for p in sorted((project / "sources" / "data").glob("*.yaml"))
                if re.search(r"values: \{[0-9]{4}: [0-9]+", p.read_text(encoding="utf-8")))
    old = re.search(r"values: \{[0-9]{4}: ([0-9]+)", data.read_text(encoding="utf-8")).group(1)
    data.write_text(data.read_text(encoding="utf-8").replace(f": {old}", f": {int(old) + 7}", 1), encoding="utf-8")
    assert run_cli("build", "-q", cwd=project).code == 0
    with served.served(project) as url:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        served.open_when_up(page, f"{url}/changes")
        builds = page.locator("section.run").first
        said = builds.inner_text()
        for code in ("record edited", ".yaml", "data.", "_", "{{", "--", "pipeline updated"):
            assert code not in said, f"{code!r} on the Changes page: {said}"
        assert "its text was edited" in said
        assert re.search(rf"figure “[^”]+” \([0-9]{{4}}\) changed from \$?[0-9,]+ to \$?{int(old) + 7:,}", said)
        page.goto(f"{url}/changes")
        assert "--approve" not in page.inner_text("main")
