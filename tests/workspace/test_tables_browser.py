"""A desk officer edits a table, a chart's points and the seal in the form, in headless Chromium, by
mouse and by keyboard, and the built PDF and Word file show what was typed; axe-core finds nothing."""

import io
import re
import subprocess
import zipfile
from pathlib import Path

import axe
import pytest
import served
from formsamples import sections_with, with_own_series

from pipeline.layouts.loader import load_layouts

pytestmark = pytest.mark.slow

MISSING = served.browser_missing()
WAIT_MS = 180_000  # a guard against a hang, not a measure: each wait ends when the page shows it
if MISSING:
    pytest.skip(MISSING, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

SAMPLE, SECTION = sections_with("chart")[0]  # a sample with a chart; its table, if any, is edited too


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def docx_text(path: Path) -> str:
    """Return the Word file's document part: its text and its pictures' descriptions."""
    with zipfile.ZipFile(path) as docx:
        return docx.read("word/document.xml").decode("utf-8")


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 40), (10, 40, 90)).save(out, "PNG")
    return out.getvalue()


def no_violations(page) -> None:
    if axe.missing():
        pytest.skip(axe.missing())
    assert axe.violations(page) == []


def test_a_table_cell_and_a_chart_point_changed_previewed_saved_and_printed(project, run_cli, chromium, tmp_path):
    file = project / "sources" / SAMPLE.file.name
    text, figure = with_own_series(file.read_text(encoding="utf-8"))
    file.write_text(text, encoding="utf-8")
    assert run_cli("build", "-q", cwd=project).code == 0
    tabled = [i for r, i in sections_with("table") if r.id == SAMPLE.id]
    with served.served(project) as url:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        served.open_when_up(page, f"{url}/sheet/{SAMPLE.id}")
        expect(page.locator("#preview img.page").first).to_be_visible(timeout=WAIT_MS)
        box = page.locator("#text")

        point = page.get_by_label("Point 2, value")
        point.fill("6,100")
        point.press("Tab")
        expect(box).to_have_value(re.compile(r"\b6100\b"), timeout=WAIT_MS)
        if tabled:
            cell = page.locator(f'[id="f-sections[{tabled[0]}].table.rows[0][1]"]')
            cell.fill("INCLE and ESF")
            cell.press("Tab")
            expect(box).to_have_value(re.compile("INCLE and ESF"), timeout=WAIT_MS)
            # By keyboard: a new row, its first cell focused, filled cell by cell with Tab.
            page.get_by_role("button", name="Add a row").focus()
            page.keyboard.press("Enter")
            first = page.locator(f'[id$="table.rows[{len(_rows(text, tabled[0]))}][0]"]')
            expect(first).to_be_focused(timeout=WAIT_MS)
            for typed in ("FY 2011", "INCLE", "$1,000"):
                page.keyboard.type(typed)
                page.keyboard.press("Tab")
            expect(box).to_have_value(re.compile(r'- \[FY 2011, INCLE, "\$1,000"\]'), timeout=WAIT_MS)
        expect(page.locator("#preview img.page").first).to_be_visible(timeout=WAIT_MS)
        expect(page.locator("#preview .problems .error")).to_have_count(0, timeout=WAIT_MS)
        no_violations(page)
        page.locator(".chart-editor").screenshot(path=str(tmp_path / "chart.png"))

        page.get_by_role("button", name="Save and build").click()
        expect(page.locator("#result .saved")).to_contain_text("Saved", timeout=WAIT_MS)
    printed = pdf_text(project / "output" / f"{SAMPLE.id}.pdf")
    word = docx_text(project / "output" / f"{SAMPLE.id}.docx")
    assert "6,100" in printed and "6,100" in word  # the chart's point: drawn in the PDF, described in Word
    if tabled:
        assert "INCLE and ESF" in printed and "INCLE and ESF" in word
        assert "FY 2011" in printed and "$1,000" in word


def _rows(text: str, section: int) -> list:
    import yaml
    return yaml.safe_load(text)["sections"][section]["table"]["rows"]


def test_a_seal_is_uploaded_with_its_alt_text_and_a_non_picture_is_refused(project, run_cli, chromium, tmp_path):
    layouts = load_layouts(project / "templates")
    sample = next(p for p in sorted((project / "sources").glob("*.yaml"))
                  if "seal" in layouts[re.search(r"(?m)^layout: (\S+)", p.read_text(encoding="utf-8")).group(1)].prints)
    assert run_cli("build", "-q", cwd=project).code == 0
    (tmp_path / "notes.txt").write_text("not a picture")
    (tmp_path / "seal.png").write_bytes(png())
    with served.served(project) as url:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        served.open_when_up(page, f"{url}/sheet/{sample.stem}")
        expect(page.locator("#preview img.page").first).to_be_visible(timeout=WAIT_MS)
        page.get_by_label("A picture (PNG or JPEG)").set_input_files(str(tmp_path / "notes.txt"))
        page.get_by_label("What the picture shows").fill("Seal of the U.S. Embassy in Vientiane")
        page.get_by_role("button", name="Upload the picture").click()
        expect(page.locator("#seal-message")).to_have_text(
            "“notes.txt” is not a picture the sheet can print: save it as a PNG or JPEG picture and upload it again.",
            timeout=WAIT_MS)
        page.get_by_label("A picture (PNG or JPEG)").set_input_files(str(tmp_path / "seal.png"))
        page.get_by_role("button", name="Upload the picture").click()
        expect(page.locator("#text")).to_have_value(re.compile(r"seal:\n  file: assets/seal-[0-9a-f]+\.png\n"
                                                               r"  alt: Seal of the U.S. Embassy in Vientiane\n"),
                                                    timeout=WAIT_MS)
        expect(page.get_by_label("What the picture shows")).to_have_value("Seal of the U.S. Embassy in Vientiane",
                                                                          timeout=WAIT_MS)
        no_violations(page)
        page.locator(".seal-editor").screenshot(path=str(tmp_path / "seal-editor.png"))
        page.get_by_role("button", name="Save and build").click()
        expect(page.locator("#result .saved")).to_contain_text("Saved", timeout=WAIT_MS)
    word = docx_text(project / "output" / f"{sample.stem}.docx")
    assert 'descr="Seal of the U.S. Embassy in Vientiane"' in word  # the picture, described


def test_a_source_typed_for_a_bare_figure_keeps_the_keyboard_where_it_went(project, run_cli, chromium):
    file = project / "sources" / SAMPLE.file.name
    file.write_text(re.sub(r"(?m)^sections:", "figures:\n  total: 48000000  # all years\n\nsections:",
                           file.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    assert run_cli("build", "-q", cwd=project).code == 0
    with served.served(project) as url:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        served.open_when_up(page, f"{url}/sheet/{SAMPLE.id}")
        expect(page.locator("#preview img.page").first).to_be_visible(timeout=WAIT_MS)
        page.get_by_label("total: Source").fill("INL budget")
        page.keyboard.press("Tab")  # leaving it writes it: the figure becomes a mapping, the form is redrawn
        expect(page.locator("#text")).to_have_value(re.compile(r"  total:\n    source: INL budget\n"
                                                               r"    value: 48000000  # all years\n"), timeout=WAIT_MS)
        expect(page.get_by_label("total: As of")).to_be_focused(timeout=WAIT_MS)  # where the Tab went
        expect(page.locator('[id="f-figures.total.source"]')).to_have_attribute("name", "field:figures.total.source")
