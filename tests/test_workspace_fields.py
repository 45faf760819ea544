"""The editor's form: a field edit is a text edit of that one value, read back as typed."""

import pytest

from conftest import RECORDS
from pipeline.workspace.fields import form, set_field
from pipeline.yamlload import parse

VALUES = ["Plain words", "Words: with a colon", "  spaced ", "A # not a comment", "{{ data.x.y }} first",
          "yes", "123", "Line one.\nLine two.\n\nA new paragraph.", "‘Typographic’ — quotes"]


def read(text: str, name: str) -> str | None:
    """Return a field's value as the strict loader reads it ('sections[1].heading' too)."""
    root = dict((k.value, v) for k, v in parse(text, "t").items)
    if "." in name:
        head, key = name.split(".")
        section = root["sections"].items[int(head[len("sections["):-1])]
        root = dict((k.value, v) for k, v in section.items)
        name = key
    return root[name].value if name in root else None


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.id)
@pytest.mark.parametrize("name", ["title", "lead", "date", "sections[0].heading", "sections[0].text"])
def test_a_field_edit_reads_back_and_leaves_every_other_line(record, name):
    text = record.file.read_text(encoding="utf-8")
    top, sections = form(text, ("title", "lead", "date"), ("date",))
    assert [f.name for f in top] == ["title", "lead", "date"] and top[2].required
    assert sections and sections[0][0].name == "sections[0].heading"
    for value in VALUES if name != "date" else ["2027-01-31"]:
        prose = name in ("lead", "sections[0].text")
        if (name == "sections[0].text" and read(text, name) is None) or ("\n" in value and not prose):
            continue  # one-line fields are edited in one-line inputs
        new = set_field(text, name, value)
        if prose:  # prose: a block, whose edges are not kept
            assert read(new, name).strip() == value.strip()
        else:
            assert read(new, name) == value
        bare = {line.strip().removeprefix("- ") for line in new.splitlines()}  # '- ' moves to a new first key
        removed = [line for line in text.splitlines() if line.strip().removeprefix("- ") not in bare]
        old_value = read(text, name) or ""
        assert all(line.strip() in old_value or line.strip().removeprefix("- ").startswith(name.split(".")[-1] + ":")
                   for line in removed), removed


def test_fields_written_as_lists_are_left_to_the_yaml_tab():
    top, _ = form("title: [a, b]\nlead: x\n", ("title", "lead"), ())
    assert not top[0].editable and top[1].editable
    with pytest.raises(ValueError, match="YAML tab"):
        set_field("title: [a, b]\n", "title", "x")
    with pytest.raises(ValueError, match="not a field"):
        set_field("title: a\n", "layout", "x")
    with pytest.raises(ValueError, match="no section"):
        set_field("title: a\n", "sections[3].heading", "x")


def test_the_records_own_figures_are_a_small_table_edited_as_text():
    from pipeline.workspace.fields import figures_table

    text = ("title: T\nfigures:\n  total: 48000000  # from the embassy\n  opium_ha:\n    as_of: 2018-12-31\n"
            "    value: 5700\n  series:\n    values: {2007: 1500}\nlead: x\n")
    rows = figures_table(text)
    assert [(name, v and v.value, a and a.value) for name, v, a in rows] == [
        ("total", "48000000", None), ("opium_ha", "5700", "2018-12-31"), ("series", None, "")]
    new = set_field(set_field(text, "figures.total", "49,000,000"), "figures.opium_ha.as_of", "2024-06-30")
    new = set_field(new, "figures.opium_ha.value", "6100")
    assert new == text.replace("48000000", "49000000").replace("2018-12-31", "2024-06-30").replace("5700", "6100")
    assert "value: many\n" in set_field(text, "figures.opium_ha.value", "many")  # check refuses it at its line
    with pytest.raises(ValueError, match="no figure"):
        set_field(text, "figures.nosuch", "1")


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.id)
def test_a_new_section_comes_after_the_last_with_placeholders(record):
    from pipeline.workspace.fields import add_section

    text = record.file.read_text(encoding="utf-8")
    new = add_section(text)
    sections = dict((k.value, v) for k, v in parse(new, "t").items)["sections"].items
    added = dict((k.value, v.value) for k, v in sections[-1].items)
    assert added["heading"].startswith("<<") and added["text"].startswith("<<")
    assert len(sections) == len(dict((k.value, v) for k, v in parse(text, "t").items)["sections"].items) + 1
    import difflib
    changed = [line for line in difflib.ndiff(text.splitlines(), new.splitlines()) if line[:1] in "+-"]
    assert len(changed) == 3 and all(line.startswith("+") for line in changed), changed  # only added
    assert add_section("title: x\n").startswith("title: x\nsections:\n  - heading: <<")
