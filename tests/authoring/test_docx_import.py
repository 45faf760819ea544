"""`factsheets import docx`: a sheet edited in Word (with python-docx here) comes back into its record."""

import re

import pytest
import wordedit
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

RECORD = "sources/laos-inl.yaml"


@pytest.fixture
def built(project, run_cli):
    """A scratch project with every sample built into its output/."""
    assert run_cli("build", cwd=project).code == 0
    return project


def _import(run_cli, project, path, *more):
    return run_cli("import", "docx", path, *more, cwd=project)


def test_six_kinds_of_edit_come_back_and_the_figure_stays(built, run_cli):
    """Fails on the old code: there was no `import docx`."""
    doc = wordedit.open_docx(built / "output/laos-inl.docx")
    wordedit.replace_in(wordedit.paragraph(doc, "INL supports community-based"), "hospitals", "clinics")
    wordedit.replace_in(wordedit.paragraph(doc, "Challenges:"), "5,700", "6,100")
    wordedit.add_after(wordedit.paragraph(doc, "INL supports community-based"), "INL funds a drug helpline.")
    wordedit.delete(wordedit.paragraph(doc, "INL assistance helped stand up"))
    wordedit.bold_word(wordedit.paragraph(doc, "The U.S. Department"), "justice")
    title = wordedit.paragraph(doc, "Laos")
    wordedit.retype(title, "Laos (2026)")
    edited = wordedit.save(doc, built / "edited.docx")
    before = (built / RECORD).read_text()

    shown = _import(run_cli, built, edited)
    assert shown.code == 0, shown.err
    out = shown.out
    assert "was made from sources/laos-inl.yaml" in out
    assert "bullet 3 of section 4: reworded “in hospitals across” as “in clinics across”" in out
    assert "a bullet added after bullet 3 of section 4: “INL funds a drug helpline.”" in out
    assert "bullet 1 of section 4 removed" in out
    assert "title: reworded “Laos” as “Laos (2026)”" in out
    assert "lead: bold, italic or a link was changed" in out
    assert re.search(r"you changed 5,700 to 6,100 where the sheet prints data\.unodc\.laos_opium_ha 2018 "
                     r"\(also printed by \d other sheets?\)", out)
    assert (built / RECORD).read_text() == before  # nothing written without --write

    assert _import(run_cli, built, edited, "--write").code == 0
    after = (built / RECORD).read_text()
    assert "in clinics across" in after and "INL funds a drug helpline." in after
    assert "INL assistance helped stand up" not in after and "**justice**" in after
    assert "title: Laos (2026)" in after
    assert after.count("{{ data.unodc.laos_opium_ha[2018] | number }}") == 1 and "6,100" not in after
    # the record's comments and untouched lines are kept as typed
    assert [line for line in before.splitlines() if line.lstrip().startswith("#")] == \
           [line for line in after.splitlines() if line.lstrip().startswith("#")]
    assert "Despite the enormous decrease in the number of hectares (ha) under opium cultivation\n" in after

    assert run_cli("build", cwd=built).code == 0
    text = "\n".join(p.text for p in wordedit.open_docx(built / "output/laos-inl.docx").paragraphs)
    assert "in clinics across" in text and "INL funds a drug helpline." in text and "5,700 ha in 2018" in text


def test_figure_update_is_offered_and_written_on_request(built, run_cli):
    doc = wordedit.open_docx(built / "output/laos-inl.docx")
    wordedit.replace_in(wordedit.paragraph(doc, "Challenges:"), "5,700", "6,100")
    edited = wordedit.save(doc, built / "edited.docx")
    before = (built / RECORD).read_text()
    result = _import(run_cli, built, edited, "--update-figures", "--write")
    assert result.code == 0, result.err
    assert (built / RECORD).read_text() == before  # the sheet's text did not change, the figure did
    assert re.search(r"2018: 6100\b", (built / "sources/data/unodc.yaml").read_text())


def test_tracked_changes_are_proposals_taken_one_by_one(built, run_cli):
    doc = wordedit.open_docx(built / "output/laos-inl.docx")
    p = wordedit.paragraph(doc, "INL supports community-based")
    ins = OxmlElement("w:ins", attrs={qn("w:id"): "901", qn("w:author"): "A. Clearer",
                                      qn("w:date"): "2026-12-01T00:00:00Z"})
    run = OxmlElement("w:r")
    t = OxmlElement("w:t", attrs={qn("xml:space"): "preserve"})
    t.text = " and clinics"
    run.append(t)
    ins.append(run)
    p.runs[-1]._r.addnext(ins)
    edited = wordedit.save(doc, built / "edited.docx")
    shown = _import(run_cli, built, edited)
    assert "1. A. Clearer on 2026-12-01: insert “and clinics” — not taken" in shown.out
    assert "changes to the record" not in shown.out  # a proposal is not an edit until accepted
    taken = _import(run_cli, built, edited, "--accept", "1")
    assert "bullet 3 of section 4: reworded" in taken.out and "— accepted" in taken.out
    assert _import(run_cli, built, edited, "--accept", "7").code != 0


def test_comments_are_listed_with_their_text(built, run_cli):
    doc = wordedit.open_docx(built / "output/laos-inl.docx")
    p = wordedit.paragraph(doc, "INL supports community-based")
    doc.add_comment(p.runs, text="Which hospitals?", author="Desk")
    edited = wordedit.save(doc, built / "edited.docx")
    shown = _import(run_cli, built, edited)
    assert "Desk on “INL supports community-based treatment for" in shown.out
    assert "Which hospitals?" in shown.out


def test_what_cannot_be_mapped_is_listed(built, run_cli):
    doc = wordedit.open_docx(built / "output/laos-inl.docx")
    footer = doc.sections[0].footer.paragraphs[0]
    footer.runs[0].text = "Edited footer"
    wordedit.replace_in(wordedit.paragraph(doc, "United States Department of State"), "State", "Stats")
    edited = wordedit.save(doc, built / "edited.docx")
    shown = _import(run_cli, built, edited)
    assert "the header or footer now reads “Edited footer" in shown.out
    assert "the layout prints this text, not the record" in shown.out
    assert "factsheets: no change" in shown.out


def test_lost_bookmarks_are_matched_by_text(built, run_cli):
    doc = wordedit.open_docx(built / "output/laos-inl.docx")
    for mark in list(doc.element.body.iter(qn("w:bookmarkStart"))) + list(doc.element.body.iter(qn("w:bookmarkEnd"))):
        mark.getparent().remove(mark)
    wordedit.replace_in(wordedit.paragraph(doc, "INL supports community-based"), "hospitals", "clinics")
    edited = wordedit.save(doc, built / "mailed-back.docx")
    shown = _import(run_cli, built, edited)
    assert shown.code == 0, shown.err
    assert "matched by its text to sources/laos-inl.yaml" in shown.out
    assert "bullet 3 of section 4: reworded “in hospitals across” as “in clinics across”" in shown.out


def test_an_unrelated_document_is_refused(built, run_cli, tmp_path):
    import docx
    other = docx.Document()
    other.add_paragraph("Minutes of the meeting")
    path = tmp_path / "minutes.docx"
    other.save(str(path))
    shown = _import(run_cli, built, path)
    assert shown.code != 0 and "cannot tell which record this Word file was made from" in shown.err
    assert "--into" in shown.err and "Traceback" not in shown.err


def test_a_field_changed_in_the_record_since_is_not_overwritten(built, run_cli):
    doc = wordedit.open_docx(built / "output/laos-inl.docx")
    wordedit.replace_in(wordedit.paragraph(doc, "INL supports community-based"), "hospitals", "clinics")
    wordedit.replace_in(wordedit.paragraph(doc, "INL supports Lao government"), "strengthen", "improve")
    edited = wordedit.save(doc, built / "edited.docx")
    record = built / RECORD
    record.write_text(record.read_text().replace("in hospitals across", "in provincial hospitals across"))
    shown = _import(run_cli, built, edited, "--write")
    assert shown.code == 0, shown.err
    assert "the record was changed since this Word file was made" in shown.out
    assert "bullet 3 of section 4 was changed in the record since the Word file was made" in shown.out
    after = record.read_text()
    assert "in provincial hospitals across" in after and "clinics" not in after
    assert "to improve its response" in after


def test_imported_twice_changes_nothing_more(built, run_cli):
    doc = wordedit.open_docx(built / "output/laos-inl.docx")
    wordedit.replace_in(wordedit.paragraph(doc, "INL supports community-based"), "hospitals", "clinics")
    edited = wordedit.save(doc, built / "edited.docx")
    assert _import(run_cli, built, edited, "--write").code == 0
    assert run_cli("build", cwd=built).code == 0
    again = _import(run_cli, built, edited)
    assert "made from another version of the sheet" in again.out
    assert "factsheets: no change to sources/laos-inl.yaml" in again.out


def _tracked(kind, run_text):
    """Return a w:ins or w:del holding one run of text, as Word writes a tracked change."""
    change = OxmlElement(f"w:{kind}", attrs={qn("w:id"): "902", qn("w:author"): "Clearer",
                                             qn("w:date"): "2026-12-02T00:00:00Z"})
    run = OxmlElement("w:r")
    text = OxmlElement("w:delText" if kind == "del" else "w:t", attrs={qn("xml:space"): "preserve"})
    text.text = run_text
    run.append(text)
    change.append(run)
    return change


def test_a_bullet_deleted_as_a_tracked_change_is_removed_only_when_accepted(built, run_cli):
    doc = wordedit.open_docx(built / "output/laos-inl.docx")
    p = wordedit.paragraph(doc, "INL supports community-based")
    text = p.text
    for run in p.runs:
        run._r.getparent().remove(run._r)
    p._p.append(_tracked("del", text))
    edited = wordedit.save(doc, built / "edited.docx")
    shown = _import(run_cli, built, edited)
    assert "1. Clearer on 2026-12-02: delete “INL supports community-based" in shown.out
    assert "factsheets: no change" in shown.out
    taken = _import(run_cli, built, edited, "--accept", "all", "--write")
    assert "bullet 3 of section 4 removed" in taken.out
    assert "INL supports community-based" not in (built / RECORD).read_text()


def test_a_link_added_in_word_becomes_a_record_link(built, run_cli):
    doc = wordedit.open_docx(built / "output/laos-inl.docx")
    p = wordedit.paragraph(doc, "INL supports community-based")
    run = next(r for r in p.runs if "methamphetamine" in r.text)
    before, _, after = run.text.partition("methamphetamine")
    run.text = before
    rid = p.part.relate_to("https://www.state.gov/inl", "http://schemas.openxmlformats.org/officeDocument/"
                           "2006/relationships/hyperlink", is_external=True)
    link = OxmlElement("w:hyperlink", attrs={qn("r:id"): rid})
    inner = OxmlElement("w:r")
    t = OxmlElement("w:t", attrs={qn("xml:space"): "preserve"})
    t.text = "methamphetamine"
    inner.append(t)
    link.append(inner)
    tail = OxmlElement("w:r")
    t2 = OxmlElement("w:t", attrs={qn("xml:space"): "preserve"})
    t2.text = after
    tail.append(t2)
    run._r.addnext(link)
    link.addnext(tail)
    edited = wordedit.save(doc, built / "edited.docx")
    shown = _import(run_cli, built, edited, "--write")
    assert "bullet 3 of section 4: bold, italic or a link was changed" in shown.out, shown.out + shown.err
    assert "[methamphetamine](https://www.state.gov/inl)" in (built / RECORD).read_text()


def test_a_changed_paragraph_style_is_listed(built, run_cli):
    doc = wordedit.open_docx(built / "output/laos-inl.docx")
    p = wordedit.paragraph(doc, "INL supports community-based")
    p._p.pPr.find(qn("w:pStyle")).set(qn("w:val"), "Heading1")
    edited = wordedit.save(doc, built / "edited.docx")
    shown = _import(run_cli, built, edited)
    assert "its paragraph style was changed from “List Bullet” to “heading 1”" in shown.out


def test_a_reshaped_table_is_listed_and_its_cells_not_misread(built, run_cli):
    """A row added in Word moves every cell after it: none may be read as an edit of another cell."""
    doc = wordedit.open_docx(built / "output/laos-inl.docx")
    table = doc.tables[0]
    table.rows[1]._tr.addprevious(__import__("copy").deepcopy(table.rows[1]._tr))
    edited = wordedit.save(doc, built / "edited.docx")
    shown = _import(run_cli, built, edited)
    assert shown.code == 0, shown.err
    assert "table 1 was reshaped from 7 rows × 3 columns to 8 × 3" in shown.out
    assert "you changed" not in shown.out and "changes to the record" not in shown.out
    assert "was deleted in Word" not in shown.out
