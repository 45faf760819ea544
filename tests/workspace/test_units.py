"""The form's text editor reads each prose field as units (text, figure references, bold, italic,
links) that give back the record text byte for byte, marks found as the sheets print them; and it
knows every figure the sheet may insert, named as the figures page names them."""

import re

import pytest
from conftest import RECORDS, ROOT, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.figures import shared as data
from pipeline.layouts.loader import load_layouts
from pipeline.render import text as rendered
from pipeline.render.text import MarkError
from pipeline.workspace import fields, figurechoices, units

LAYOUTS = load_layouts(ROOT / "templates")


def prose_fields(text: str) -> list:
    """Return every prose field the form shows for a record (text areas, each its own editor)."""
    layout = LAYOUTS[re.search(r"(?m)^layout: *(\S+)", text).group(1)]
    shown = fields.form(text, layout.prints, layout.requires)
    found = []

    def walk(part):
        if isinstance(part, fields.Field):
            found.append(part) if part.prose and part.editable else None
        elif isinstance(part, fields.Listing):
            for entry in part.entries:
                for inner in entry.parts:
                    walk(inner)

    for part in [*shown.top, *shown.lists, *([shown.sections] if shown.sections else [])]:
        walk(part)
    return found


def flat(found: list, bold=False, italic=False, href=None) -> list:
    """Return units as (text, bold, italic, href) runs, neighbours with the same marks joined."""
    out = []
    for unit in found:
        if unit[0] in ("t", "f", "s"):
            if out and out[-1][1:] == (bold, italic, href):
                out[-1] = (out[-1][0] + unit[1], bold, italic, href)
            else:
                out.append((unit[1], bold, italic, href))
        else:
            inner = flat(unit[2] if unit[0] == "a" else unit[1], bold or unit[0] == "b", italic or unit[0] == "i",
                         unit[1] if unit[0] == "a" else href)
            if out and inner and out[-1][1:] == inner[0][1:]:
                out[-1] = (out[-1][0] + inner[0][0], *inner[0][1:])
                inner = inner[1:]
            out += inner
    return out


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.id)
def test_every_prose_field_of_every_sample_comes_back_exactly_with_each_reference_one_unit(record):
    text = record.file.read_text(encoding="utf-8")
    found = prose_fields(text)
    assert found, f"{record.id}: no prose field in the form"
    for field in found:
        split = units.split(field.value)
        assert units.source(split) == field.value, field.name

        def refs(found):
            return [u[1] for u in found if u[0] == "f"] + [r for u in found if u[0] in "bia"
                                                         for r in refs(u[2] if u[0] == "a" else u[1])]
        assert sorted(refs(split)) == sorted(m.group() for m in units.REFERENCE.finditer(field.value)), field.name
        assert not any("{{" in u[1] for u in split if u[0] == "t"), field.name  # no reference left as text


MARKED = ["**bold** and *italic* and [a link](https://www.state.gov)", "***both***", "*a **b** c*", "**a *b***",
          "x *x *x", "5 * 3 * 2 = 30", "** not bold**", "**not bold **", "[label *it*](mailto:a@b.org) after",
          "**[bold link](http://x.org)**", "a*b*c", "**a**b**", "*", "**", "[no](link here)", "***x* y**",
          "** ** **x**", "text [a](https://a) and [b](https://b)", "*i* **b** *i*"]


@pytest.mark.parametrize("typed", MARKED)
def test_marks_are_read_as_the_sheet_prints_them(typed):
    """The editor shows bold, italic and links exactly where the printed sheet has them."""
    split = units.split(typed)
    assert units.source(split) == typed
    assert flat(split) == [(r.text, r.bold, r.italic, r.href) for r in rendered.runs(typed)]


PIECES = st.lists(st.sampled_from(["*", "*", "**", " ", "x", "y", "[", "]", "(", ")", "https://a", "{{ f }}", "{{"]),
                  max_size=24).map("".join)


@settings(max_examples=examples(400), deadline=None)
@given(text=PIECES, breaks=st.lists(st.integers(0, 30), max_size=3))
def test_any_text_comes_back_exactly_and_one_paragraph_reads_as_the_sheet_prints_it(text, breaks):
    """Record text with mark characters, references and line breaks anywhere: the units give it back
    exactly; one paragraph without breaks has the printed sheet's marks (a reference: a word)."""
    assert units.source(units.split(text)) == text
    broken = text
    for at in sorted(breaks, reverse=True):
        broken = broken[:at] + "\n" + broken[at:]
    assert units.source(units.split(broken)) == broken
    word = units.REFERENCE.sub(lambda m: "x" * len(m.group()), text)  # as printed, a reference is a word
    try:
        printed = [(r.text, r.bold, r.italic, r.href) for r in rendered.runs(word)]
    except MarkError:
        return  # a refused link: the sheet says so, the form shows it as written
    shown = [(units.REFERENCE.sub(lambda m: "x" * len(m.group()), t), b, i, h) for t, b, i, h in flat(units.split(text))]
    assert shown == printed


def test_a_reference_inside_marks_and_across_lines_is_one_unit_and_paragraphs_end_marks():
    typed = "From **{{ data.unodc.laos_opium_ha[2007]\n | number }} ha** in 2007.\n\n*Not closed\n\nhere* **a\nb**"
    split = units.split(typed)
    assert units.source(split) == typed
    assert split[1] == ["b", [["f", "{{ data.unodc.laos_opium_ha[2007]\n | number }}"], ["t", " ha"]]]
    assert ["i", [["t", "Not closed\n\nhere"]]] not in split  # a mark never spans a blank line
    assert split[-1] == ["b", [["t", "a"], ["s", "\n"], ["t", "b"]]]  # a line break inside: printed as a space


def test_the_figures_the_editor_knows_print_as_the_sheet_and_are_named_by_label():
    dataset = data.load(ROOT / "sources" / "data", "data")
    for record in RECORDS:
        text = record.file.read_text(encoding="utf-8")
        known = figurechoices.catalogue(text, dataset)
        for match in units.REFERENCE.finditer(text):
            figure = known["refs"][figurechoices.folded(match.group())]
            assert figure["printed"] and figure["label"] and "_" not in figure["label"], match.group()
    choices = {c["ref"]: c for c in known["choices"]}
    for file in dataset.files.values():
        for key, figure in file.figures.items():
            for year in figure.values or [None]:
                mine = [c for c in choices.values() if f"data.{file.name}.{key}" in c["ref"]
                        and (year is None or f"[{year}]" in c["ref"])]
                assert len(mine) == 1, (key, year)
                assert mine[0]["label"] == figure.label + (f", {year}" if year else "")
                assert mine[0]["source"] == figure.source and mine[0]["printed"][-1].isdigit()


def test_the_sheets_own_figures_come_first_with_the_reference_they_insert():
    text = ("layout: x\ntitle: t\nfigures:\n  total: 48000000\n  seized:\n    label: Methamphetamine seized\n"
            "    unit: tablets\n    source: Lao police\n    as_of: 2025-06-30\n    values: {2023: 1500, 2024: 2600}\n"
            "lead: Seized {{ seized[2024] | number }} tablets and {{ (total / 2) | money }}.\n")
    known = figurechoices.catalogue(text, None)
    own = [c for c in known["choices"] if c["own"]]
    assert [(c["ref"], c["printed"], c["label"]) for c in own] == [
        ("{{ seized[2024] | number }}", "2,600", "Methamphetamine seized, 2024"),
        ("{{ seized[2023] | number }}", "1,500", "Methamphetamine seized, 2023"),
        ("{{ total | number }}", "48,000,000", "total")]
    assert own[0]["as_of"] == "June 30, 2025" and own[0]["source"] == "Lao police"
    assert known["refs"]["{{ (total / 2) | money }}"]["printed"] == "$24,000,000"  # a calculation: what it prints
    assert known["refs"]["{{ (total / 2) | money }}"]["label"] == "a calculation with figures"


def test_a_folded_paragraph_written_again_never_breaks_a_figure_reference_across_lines():
    """A folded (>-) text is folded again when the form writes it: each reference stays on one line
    of the Advanced view (it broke at the spaces inside '{{ … }}' before)."""
    from pipeline.workspace.edits import set_field

    ref = "{{ data.unodc.laos_opium_ha[2007] | number }}"
    value = " ".join(["word"] * 13 + [ref, "ha"] + ["more"] * 20 + [ref, "end."])
    text = set_field("lead: >-\n  old text\n", "lead", value)
    assert text.count(ref) == 2 and all(line.count("{{") == line.count("}}") for line in text.splitlines())
    assert fields.form(text, ("lead",), ()).top[0].value == value
