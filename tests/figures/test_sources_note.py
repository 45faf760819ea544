"""Every number on a sheet can be traced: the Sources note, `factsheets figures`, the printed-field list."""

import json

import pytest
import readback
from conftest import RECORDS, ROOT

from pipeline.base.errors import RecordError
from pipeline.figures import shared as data
from pipeline.figures.values import long_date
from pipeline.layouts.loader import load_layouts
from pipeline.records import schema
from pipeline.records.yamlload import load_file


def _cited(record_file) -> list[tuple[str, str]]:
    """Return (label, 'source, as of date') for each figure with metadata the record's text prints."""
    text = record_file.read_text(encoding="utf-8")
    dataset = data.load(ROOT / "sources" / "data", "sources/data")
    found = []
    for file in dataset.files.values():
        for key, figure in file.figures.items():
            if f"data.{file.name}.{key}" in text and (figure.source or figure.as_of):
                found.append((figure.label or key, figure.source, figure.as_of))
    return found


@pytest.mark.parametrize("record", RECORDS, ids=[r.id for r in RECORDS])
def test_the_sources_note_is_on_every_sample_in_both_formats(built, record):
    """Each shared figure a sample prints is cited, with its source and as-of date, in .docx and PDF."""
    cited = _cited(record.file)
    assert cited, "every sample prints a shared figure"
    docx = readback.docx_text(built[record.id]["docx"])
    pdf = readback.squash(readback.pdf_text(built[record.id]["pdf"]))
    for label, source, as_of in cited:
        entry = f"{label}: {source}" + (f", as of {long_date(as_of)}" if as_of else "")
        assert "Sources:" in docx and readback.normalize(entry) in docx
        assert readback.squash("Sources:") in pdf and readback.squash(entry) in pdf


def test_a_record_or_a_layout_can_switch_the_note_off(project, run_cli):
    """`sources: false` in a record, or in a layout's defaults, leaves the note out."""
    record = project / "sources" / "laos-inl.yaml"
    record.write_text(record.read_text(encoding="utf-8") + "sources: false\n", encoding="utf-8")
    assert run_cli("build", "--jobs", "1", "--out", "o", "sources/laos-inl.yaml", cwd=project).code == 0
    assert "Sources:" not in readback.docx_text(project / "o" / "laos-inl.docx")
    layout = project / "templates" / "embassy-section" / "layout.yaml"
    layout.write_text(layout.read_text(encoding="utf-8") + "  sources: false\n", encoding="utf-8")
    assert run_cli("build", "--jobs", "1", "--out", "o", "sources/laos-embassy-inl.yaml", cwd=project).code == 0
    assert "Sources:" not in readback.docx_text(project / "o" / "laos-embassy-inl.docx")


def test_figures_lists_shared_figures_with_the_sheets_that_print_them(project, run_cli):
    """Value, as-of date, staleness and, from the manifest, the sheets; --json for scripts."""
    assert run_cli("build", "--jobs", "1", cwd=project).code == 0
    result = run_cli("figures", "--json", cwd=project)
    assert result.code == 0
    found = {entry["name"]: entry for entry in json.loads(result.out)}
    dataset = data.load(project / "sources" / "data", "sources/data")
    assert set(found) == {f"data.{f.name}.{k}" for f in dataset.files.values() for k in f.figures}
    for name, entry in found.items():
        readers = sorted(r.id for r in RECORDS if name in r.file.read_text(encoding="utf-8"))
        assert entry["sheets"] == readers, name
    assert found["data.unodc.laos_opium_ha"]["stale"] and found["data.unodc.laos_opium_ha"]["as_of"] == "2018-12-31"
    one = run_cli("figures", "laos_opium_ha", cwd=project)
    assert one.out.startswith("data.unodc.laos_opium_ha — ") and "stale" in one.out
    missing = run_cli("figures", "laos_opium", cwd=project)
    assert missing.code == 2 and "did you mean 'laos_opium_ha'?" in missing.err


def test_layouts_prints_the_field_list_the_validator_uses(run_cli):
    """`factsheets layouts` shows each layout's printed fields, macros included (notes, sources)."""
    layouts = load_layouts(ROOT / "templates")
    result = run_cli("layouts")
    for name, layout in layouts.items():
        assert f"{name}\n" in result.out and f"  prints: {', '.join(layout.prints)}\n" in result.out
        assert "notes" in layout.prints and "sources" in layout.prints  # printed only through macros
    assert "doc_type" not in layouts["embassy-section"].prints  # only in the document's properties


def test_a_field_the_template_stops_printing_is_refused(project):
    """Take the notes macro out of a template: a record with notes is then refused, naming the others."""
    template = project / "templates" / "inl-country-program" / "sheet.xml.j2"
    template.write_text(template.read_text(encoding="utf-8").replace("{{ m.notes(sheet) }}\n", ""),
                        encoding="utf-8")
    layouts = load_layouts(project / "templates")
    assert "notes" not in layouts["inl-country-program"].prints
    record = project / "sources" / "laos-inl.yaml"
    text = record.read_text(encoding="utf-8")
    if "\nnotes:" not in text:  # the sample may have notes of its own
        record.write_text(text + "notes:\n  - A note.\n", encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        schema.validate(load_file(record, "r.yaml"), record, "r.yaml", layouts)
    [problem] = caught.value.diagnostics
    others = ", ".join(n for n in sorted(layouts) if "notes" in layouts[n].prints)
    assert problem.message == ("layout 'inl-country-program' does not print 'notes', so it would not "
                               "appear on the sheet")
    assert problem.hint == f"remove the line, or use a layout that prints it: {others}"
