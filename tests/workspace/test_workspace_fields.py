"""The editor's form: a field edit is a text edit of that one value, read back as typed; a list's
entries are added, removed and moved as whole lines, and everything else stays as typed."""

import difflib
import os
import re

import pytest
from conftest import RECORDS, ROOT

from pipeline.records.yamlload import Mapping, Scalar, parse
from pipeline.workspace.edits import add_entry, move_entry, remove_entry, set_field
from pipeline.workspace.fields import form

VALUES = ["Plain words", "Words: with a colon", "  spaced ", "A # not a comment", "{{ data.x.y }} first",
          "yes", "123", "Line one.\nLine two.\n\nA new paragraph.", "‘Typographic’ — quotes"]
# Values YAML reads otherwise unless they are written with care; each must come back exactly.
TRICKY = [*VALUES, "- starts like a list entry", "#starts like a comment", "ends with a colon:", "key: value: more",
          '"double" and \'single\' quotes', "back\\slash", "{{ opium_ha[2018] | number }} ha",
          "[not, a list]", "{not: a mapping}", "&anchor *alias !tag %directive @at `tick", "? question", "null",
          "~", "2026-11-22", "1e3", "0x1F", "tab\there", "trailing space ", "*", "|", ">", "---", "...",
          "  indented first line\nthen less", "line\n# a hash line\n- a dash line\n  indented",
          "line with trailing spaces   \nnext", "Vientiane (ວຽງຈັນ)\u00a0Laos", "line\u2028separator", "",
          "café: «quoted»"]
LIST_PATHS = ("sections", "sections[].bullets", "sections[].items", "notes", "cleared")


def tree(text: str):
    """Return what a YAML text means (keys in order), read with the strict loader."""
    def plain(node):
        if isinstance(node, Scalar):
            return node.value
        if isinstance(node, Mapping):
            return [(k.value, plain(v)) for k, v in node.items]
        return [plain(item) for item in node.items]
    return plain(parse(text, "t"))


def steps(path: str) -> list:
    return [int(i) if i else k for k, i in re.findall(r"([A-Za-z_]\w*)|\[(\d+)\]", path)]


def at(value, path: str):
    """Return the value at a field path of a plain tree, or None."""
    for step in steps(path):
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and step < len(value) else None
        else:
            value = dict(value).get(step) if isinstance(value, list) else None
    return value


def node_at(text: str, path: str):
    """Return the located node at a field path, or None."""
    node = parse(text, "t")
    for step in steps(path):
        node = node.items[step] if isinstance(step, int) else dict((k.value, v) for k, v in node.items).get(step)
        if node is None:
            return None
    return node


def replaced(value, path: str, change):
    """Return a copy of a plain tree with the value at a path changed (None: a key removed)."""
    def walk(value, found):
        step, rest = found[0], found[1:]
        if isinstance(step, int):
            return [(walk(v, rest) if rest else change(v)) if i == step else v for i, v in enumerate(value)]
        out = []
        for key, v in value:
            new = (walk(v, rest) if rest else change(v)) if key == step else v
            if new is not None:
                out.append((key, new))
        return out
    return walk(value, steps(path))


def same(a, b) -> bool:
    """Return True when two plain trees mean the same; a block's trailing line breaks aside."""
    if isinstance(a, str) and isinstance(b, str):
        return a.rstrip("\n") == b.rstrip("\n")
    if isinstance(a, tuple) and isinstance(b, tuple):
        return a[0] == b[0] and same(a[1], b[1])
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a is None and b is None


def lists_in(text: str) -> list[tuple[str, int]]:
    """Return every list the form edits entry by entry that a record holds, with its length."""
    found = []
    record = tree(text)
    for name in ("sections", "notes", "cleared"):
        if isinstance(at(record, name), list):
            found.append((name, len(at(record, name))))
    for i, section in enumerate(at(record, "sections") or []):
        for kind in ("bullets", "items"):
            if isinstance(at(section, kind), list):
                found.append((f"sections[{i}].{kind}", len(at(section, kind))))
    return found


def own_comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def entries(record) -> list[tuple[str, int]]:
    return [(f"{name}[{i}]", i) for name, count in lists_in(record.file.read_text(encoding="utf-8"))
            for i in range(count)]


# --- one value --------------------------------------------------------------------------------------

def read(text: str, name: str) -> str | None:
    """Return a field's value as the strict loader reads it ('sections[1].heading' too)."""
    return at(tree(text), name)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.id)
@pytest.mark.parametrize("name", ["title", "lead", "date", "sections[0].heading", "sections[0].text"])
def test_a_field_edit_reads_back_and_leaves_every_other_line(record, name):
    text = record.file.read_text(encoding="utf-8")
    shown = form(text, ("title", "lead", "date"), ("date",))
    top = [f for f in shown.top if f.kind == "field"]
    assert [f.name for f in top] == ["title", "lead", "date"] and top[2].required
    assert shown.sections.entries[0].parts[0].name == "sections[0].heading"
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


def places(text: str, prints: tuple[str, ...]) -> tuple[str, list[tuple[str, bool]]]:
    """Return a record given a bullet, a term and a note by the form (where it had none), and the places
    a value can be typed: (field path, several lines allowed)."""
    for name in ("sections[0].bullets", "sections[0].items", *(n for n in ("notes", "cleared") if n in prints)):
        if not isinstance(read(text, name), list):
            text, _ = add_entry(text, name)
    record = tree(text)
    last = {name: f"{name}[{len(read(text, name)) - 1}]" for name in ("sections[0].bullets", "sections[0].items",
                                                                       "notes", "cleared") if read(text, name)}
    found = [("title", False), ("lead", True), ("sections[0].heading", False), ("sections[0].text", True),
             (last["sections[0].bullets"], True), (last["sections[0].items"] + ".term", False),
             (last["sections[0].items"] + ".text", True)]
    found += [(last[name], name == "notes") for name in ("notes", "cleared") if name in last]
    assert at(record, "sections[0]") is not None
    return text, found


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.id)
def test_tricky_values_come_back_exactly_from_every_kind_of_place(record):
    text, found = places(record.file.read_text(encoding="utf-8"), ("notes", "cleared"))
    comments = own_comments(text)
    for name, several in found:
        old = node_at(text, name)
        rest = replaced(tree(text), name, lambda v: None)
        for value in TRICKY:
            if "\n" in value and not several:
                continue  # typed in a one-line input
            new = set_field(text, name, value)
            record_tree = tree(new)
            back = at(record_tree, name)
            if several and ("\n" in value or old is not None and old.style in ("|", ">")):
                assert back.rstrip("\n") == value, (name, value, back)  # a block: its final line break aside
            else:
                assert back == value, (name, value, back)
            assert [c for c in own_comments(new) if c not in value] == comments  # a block's lines aside
            assert same(replaced(record_tree, name, lambda v: None), rest)
            if old is not None:  # a replaced value: the text before and after it is untouched
                assert new[:old.start] == text[:old.start]
                assert new.endswith(text[text.find("\n", old.end - 1 if old.raw.endswith("\n") else old.end) + 1:])


def test_fields_written_as_lists_are_left_to_the_yaml_tab():
    shown = form("title: [a, b]\nlead: x\n", ("title", "lead"), ())
    top = [f for f in shown.top if f.kind == "field"]
    assert not top[0].editable and top[1].editable
    with pytest.raises(ValueError, match="YAML tab"):
        set_field("title: [a, b]\n", "title", "x")
    with pytest.raises(ValueError, match="not a field"):
        set_field("title: a\n", "layout", "x")
    with pytest.raises(ValueError, match="no section 4"):
        set_field("title: a\n", "sections[3].heading", "x")
    with pytest.raises(ValueError, match="no bullet 3 in section 1"):
        set_field("sections:\n  - bullets: [a]\n", "sections[0].bullets[2]", "x")


def test_the_records_own_figures_are_a_small_table_edited_as_text():
    text = ("title: T\nfigures:\n  total: 48000000  # from the embassy\n  opium_ha:\n    as_of: 2018-12-31\n"
            "    value: 5700\n  series:\n    values: {2007: 1500}\nlead: x\n")
    rows = form(text, ("title",), ()).figures
    assert [(r.name, r.value and r.value.value, r.as_of and r.as_of.value) for r in rows] == [
        ("total", "48000000", ""), ("opium_ha", "5700", "2018-12-31"), ("series", None, "")]
    assert rows[0].bare and not rows[1].bare  # a bare number's as-of and source: tables.set_figure_part
    assert rows[2].note and rows[2].line == 7
    new = set_field(set_field(text, "figures.total", "49,000,000"), "figures.opium_ha.as_of", "2024-06-30")
    new = set_field(new, "figures.opium_ha.value", "6100")
    assert new == text.replace("48000000", "49000000").replace("2018-12-31", "2024-06-30").replace("5700", "6100")
    assert "value: many\n" in set_field(text, "figures.opium_ha.value", "many")  # check refuses it at its line
    assert "    as_of: 2020-01-31\n    values:" in set_field(text, "figures.series.as_of", "2020-01-31")
    with pytest.raises(ValueError, match="no figure"):
        set_field(text, "figures.nosuch", "1")


def test_a_choice_set_to_nothing_removes_its_line_and_comes_back_where_it_belongs():
    text = "layout: x\ntitle: T\ndate: 2026-01-01  # issued\nstatus: draft  # until cleared\nsections:\n" \
           "  - heading: H\n    text: t\n"
    gone = set_field(text, "status", "")
    assert gone == text.replace("status: draft  # until cleared\n", "")
    assert set_field(gone, "status", "final") == gone.replace("# issued\n", "# issued\nstatus: final\n")
    styled = set_field(text, "sections[0].style", "run-in")
    assert styled == text.replace("    text: t", "    style: run-in\n    text: t")
    assert set_field(styled, "sections[0].style", "") == text
    assert "sources: false\n" in set_field(text, "sources", "false")  # a switch, not the text "false"


# --- list entries ------------------------------------------------------------------------------------

@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.id)
def test_every_entry_moves_as_whole_lines_and_back(record):
    text = record.file.read_text(encoding="utf-8")
    for name, index in entries(record):
        if index == 0:
            with pytest.raises(ValueError, match="already the first"):
                move_entry(text, name, -1)
            continue
        new, moved = move_entry(text, name, -1)
        listed = name[:name.rindex("[")]
        assert moved == f"{listed}[{index - 1}]"
        old = at(tree(text), listed)
        expected = old[:index - 1] + [old[index], old[index - 1]] + old[index + 1:]
        assert same(tree(new), replaced(tree(text), listed, lambda v, expected=expected: expected))
        assert sorted(new.splitlines()) == sorted(text.splitlines())  # every line kept, comments too
        assert move_entry(new, moved, 1) == (text, name)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.id)
def test_removing_an_entry_cuts_out_its_lines_and_nothing_else(record):
    text = record.file.read_text(encoding="utf-8")
    for name, index in entries(record):
        listed = name[:name.rindex("[")]
        old = at(tree(text), listed)
        try:
            new = remove_entry(text, name)
        except ValueError as exc:  # the only entry of all a section holds: the section goes instead
            assert len(old) == 1 and "remove the section" in str(exc)
            assert len(at(tree(text), name[:name.rindex(".")])) == 1
            continue
        expected = replaced(tree(text), listed, lambda v, index=index: v[:index] + v[index + 1:] or None)
        assert same(tree(new), expected)
        lines, kept = text.splitlines(), new.splitlines()
        head = len(os.path.commonprefix([lines, kept]))
        tail = len(os.path.commonprefix([lines[head:][::-1], kept[head:][::-1]]))
        assert head + tail == len(kept), "one run of lines is cut; the rest stays as typed"
        top = listed.split(".")[0].split("[")[0]  # the list's own line goes with its only entry
        assert all(not line.strip() or line.startswith((" ", "#", top + ":")) for line in lines[head:len(lines) - tail])


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.id)
def test_a_new_entry_comes_last_with_a_placeholder_that_check_reports_at_its_input(record):
    from pipeline.base.errors import RecordError
    from pipeline.layouts.loader import load_layouts
    from pipeline.records import fieldpaths, schema

    layouts = load_layouts(ROOT / "templates")
    text = record.file.read_text(encoding="utf-8")
    sections = len(read(text, "sections") or [])
    lists = ["sections", *(f"sections[{i}].{k}" for i in range(sections) for k in ("bullets", "items")),
             *(n for n in ("notes", "cleared") if n in layouts[record.layout].prints)]
    for name in lists:
        before = read(text, name) or []
        new, added = add_entry(text, name)
        assert added == f"{name}[{len(before)}]"
        assert len(read(new, name)) == len(before) + 1 and same(read(new, name)[:-1], before)
        assert same(replaced(tree(new), name, lambda v: None), replaced(tree(text), name, lambda v: None))
        changes = [line for line in difflib.ndiff(text.splitlines(), new.splitlines()) if line[:1] in "+-"]
        assert all(line.startswith("+") for line in changes), changes  # only lines added
        with pytest.raises(RecordError) as failed:
            schema.validate(parse(new, "t.yaml"), record.file, "t.yaml", layouts)
        placeholders = [d for d in failed.value.diagnostics if "placeholder" in d.message]
        first = added + {"sections": ".heading", "items": ".term"}.get(name.rsplit(".", 1)[-1], "")
        assert [fieldpaths.field_in(new, "t.yaml", d.location.line, d.location.column) for d in placeholders][0] \
            == first


def test_a_new_list_goes_last_and_a_new_section_where_the_record_format_puts_it():
    assert add_entry("title: x\n", "sections")[0].startswith("title: x\nsections:\n  - heading: <<")
    text = "title: x\nsections:\n  - heading: H\n    table:\n      columns: [a]\n      rows: [[b]]\n"
    new, added = add_entry(text, "sections[0].bullets")
    assert added == "sections[0].bullets[0]"
    assert new == text + "    bullets:\n      - <<the new bullet>>\n"  # last, as new entries go


def test_lists_in_brackets_are_edited_in_brackets():
    text = 'title: x  # kept\ncleared: ["EAP/MLS: R. Roe", b]  # kept too\nsections:\n  - bullets: [one, "two, three"]\n'
    for value in TRICKY:
        if "\n" not in value:
            assert read(set_field(text, "cleared[1]", value), "cleared[1]") == value
        assert read(set_field(text, "sections[0].bullets[0]", value), "sections[0].bullets[0]") == value
    assert remove_entry(text, "cleared[0]") == text.replace('"EAP/MLS: R. Roe", ', "")
    assert remove_entry(text, "cleared[1]") == text.replace(', b]', "]")
    assert move_entry(text, "sections[0].bullets[1]", -1)[0] == text.replace('[one, "two, three"]', '["two, three", one]')
    new, added = add_entry(text, "cleared")
    assert added == "cleared[2]" and new == text.replace(", b]", ", b, <<the clearing office and name>>]")
    flow = "title: x\nsections: [{heading: H, text: t}]\n"
    assert read(set_field(flow, "sections[0].heading", "A: b, c"), "sections[0].heading") == "A: b, c"
    assert read(set_field(flow, "sections[0].text", "two\nlines"), "sections[0].text") == "two\nlines"
    two = "title: x\nsections: [{heading: A, text: a}, {heading: B, text: b}]  # both\n"
    assert move_entry(two, "sections[1]", -1)[0] == two.replace("{heading: A, text: a}, {heading: B, text: b}",
                                                                "{heading: B, text: b}, {heading: A, text: a}")
    assert remove_entry(two, "sections[0]") == two.replace("{heading: A, text: a}, ", "")
    for refused in (lambda: set_field(flow, "sections[0].style", "run-in"), lambda: add_entry(flow, "sections"),
                    lambda: add_entry(flow, "sections[0].bullets")):
        with pytest.raises(ValueError, match="YAML tab"):
            refused()


def test_the_last_entry_takes_its_lists_line_with_it_or_says_what_to_do():
    text = "title: x\nsections:\n  - heading: H\n    bullets:\n      - only  # gone with it\n    text: t\n" \
           "  - bullets:\n      - alone\n    # a comment kept\n  - bullets:\n      - first\n    text: after\n"
    assert remove_entry(text, "sections[0].bullets[0]") == text.replace("    bullets:\n      - only  # gone with it\n", "")
    with pytest.raises(ValueError, match="section 2 holds: remove the section"):
        remove_entry(text, "sections[1].bullets[0]")
    assert remove_entry(text, "sections[2].bullets[0]").endswith("  - text: after\n")  # the next key takes the '- '
    assert remove_entry("title: x\nnotes:\n  - n\n", "notes[0]") == "title: x\n"
    commented = "sections:\n  - bullets:\n      - a\n    # about the text\n    text: t\n"
    assert remove_entry(commented, "sections[0].bullets[0]") == "sections:\n    # about the text\n  - text: t\n"


def test_comments_go_with_the_entry_they_sit_on():
    text = ("sections:\n  # about A\n  - heading: A\n    text: a\n    # still A\n\n  # about B\n  - heading: B\n"
            "    text: b\n")
    new, _ = move_entry(text, "sections[1]", -1)
    assert new == ("sections:\n  # about B\n  - heading: B\n    text: b\n\n  # about A\n  - heading: A\n"
                   "    text: a\n    # still A\n")
    assert remove_entry(text, "sections[0]") == "sections:\n  # about B\n  - heading: B\n    text: b\n"
    assert add_entry(text, "sections")[0].endswith("    text: b\n\n  - heading: <<the section's heading>>\n"
                                                   "    text: |\n      <<the section's text>>\n")


def test_the_form_points_to_the_yaml_tab_for_what_it_does_not_edit():
    text = ("layout: embassy-section\nid: my-sheet\ntitle: T\ndoc_type: D\nseal:\n  file: assets/s.png\n"
            "  alt: A seal\nsections:\n  - heading: H\n    table:\n      columns: [a]\n      rows: [[b]]\n"
            "    bulets: [x]\n  - chart: {figure: data.f.x, kind: bar, title: C}\n  - just text\n"
            "  - items:\n      - term: T\n        text: t\n        extra: e\n      - plain\n")
    shown = form(text, ("title", "sections", "seal", "notes"), ())
    pointers = {p.name: (p.text, p.line) for p in shown.top if p.kind == "pointer"}
    assert set(pointers) == {"layout", "id", "doc_type"} and pointers["doc_type"][1] == 4
    assert all("YAML tab" in words for words, _ in pointers.values())
    seal = next(p for p in shown.top if p.kind == "seal")  # tables, charts and the seal: in the form
    assert seal.file == "assets/s.png" and seal.alt.value == "A seal"
    parts = [{p.name: p for p in e.parts} for e in shown.sections.entries]
    table = parts[0]["sections[0].table"]
    assert [c.value for c in table.columns] == ["a"] and [[c.value for c in r] for r in table.rows] == [["b"]]
    assert "bulets" in parts[0]["sections[0].bulets"].text
    chart = parts[1]["sections[1].chart"]
    assert chart.shared and chart.title.value == "C" and chart.figure == "x"
    odd = form(text.replace("rows: [[b]]", "rows: {b: c}"), ("title", "sections"), ())
    pointer = next(p for p in odd.sections.entries[0].parts if p.name == "sections[0].table")
    assert "table: edit it in the YAML tab" in pointer.text and pointer.line == 10  # not rows of cells
    assert "YAML tab" in parts[2]["sections[2]"].text
    terms = parts[3]["sections[3].items"].entries
    assert [p.name for p in terms[0].parts] == ["sections[3].items[0].term", "sections[3].items[0].text",
                                                "sections[3].items[0].extra"]
    assert terms[1].parts[0].kind == "pointer" and terms[1].parts[0].line == 20
    assert terms[0].title == "term 1 of section 4" and terms[0].parts[0].label == "Term"
    assert [(e.first, e.last) for e in shown.sections.entries] == [(True, False), (False, False), (False, False),
                                                                  (False, True)]
    assert [lst.name for lst in shown.lists] == ["notes"] and not shown.lists[0].entries  # empty: "Add a note"
