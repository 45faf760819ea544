"""The table of record fields (records/fields.py) is the one place a field is declared: the validator,
the editors' JSON Schema, the layouts' printed fields, the workspace form and the portion-mark walk
all read it, and a field added to it reaches each of them with no other edit."""

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from conftest import RECORDS, ROOT

from pipeline.authoring import editorschema
from pipeline.base.errors import RecordError
from pipeline.layouts.loader import load_layouts
from pipeline.records import fields, schema
from pipeline.records.yamlload import parse
from pipeline.workspace import fields as form

LAYOUTS = load_layouts(ROOT / "templates")
SCHEMA = editorschema.generate(LAYOUTS)


def _data(sample) -> dict:
    """Return a sample record's data, as a program would change it."""
    return yaml.safe_load(sample.file.read_text(encoding="utf-8"))


def _problems(data: dict) -> list:
    """Return what `check` says of a record written from this data (nothing: it passes)."""
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)
    try:
        schema.validate(parse(text, "x.yaml"), Path("x.yaml"), "x.yaml", LAYOUTS)
    except RecordError as exc:
        return exc.diagnostics
    return []


def _with_sections(classified: bool = False):
    """Return a sample whose layout prints sections, public or internal."""
    return next(s for s in RECORDS if "sections" in LAYOUTS[s.layout].prints
                and LAYOUTS[s.layout].classified == classified)


# Where an unknown key goes to be refused at each place, starting from a sample's data.
UNKNOWN_AT = {
    "top": lambda d: d.update(zzz=1),
    "section": lambda d: d["sections"][0].update(zzz=1),
    "item": lambda d: d["sections"].append({"items": [{"term": "A.", "text": "b", "zzz": 1}]}),
    "table": lambda d: d["sections"].append({"table": {"columns": ["a"], "rows": [["b"]], "zzz": 1}}),
    "chart": lambda d: d["sections"].append({"chart": {"figure": "f", "kind": "bar", "title": "t", "zzz": 1}}),
    "seal": lambda d: d.update(seal={"file": "x.png", "alt": "y", "zzz": 1}),
    "figure": lambda d: d.setdefault("figures", {}).update(g={"value": 1, "zzz": 1}),
}
PLACES = sorted({f.place for f in fields.FIELDS})


def test_every_place_of_the_table_is_tried():
    assert set(UNKNOWN_AT) == set(PLACES)


@pytest.mark.parametrize("place", PLACES)
def test_the_validator_allows_exactly_the_tables_fields_at_each_place(place):
    data = _data(_with_sections())
    UNKNOWN_AT[place](data)
    refused = [d for d in _problems(data) if d.message.startswith("unknown field 'zzz'")]
    assert [d.hint for d in refused] == [f"allowed here: {', '.join(fields.names(place))}"]


def _schema_of(place: str) -> dict:
    """Return the JSON Schema object that describes one place's fields."""
    defs = SCHEMA["definitions"]
    return {"top": SCHEMA, "section": defs["section"], "item": defs["items"]["items"], "table": defs["table"],
            "chart": defs["chart"], "seal": SCHEMA["properties"]["seal"],
            "figure": defs["figure"]["oneOf"][1]}[place]


@pytest.mark.parametrize("place", PLACES)
def test_the_editor_schema_names_every_field_of_the_table_in_its_order(place):
    described = _schema_of(place)
    assert list(described["properties"]) == list(fields.names(place))
    assert described.get("required", []) == list(fields.names(place, required=True))
    assert described["additionalProperties"] is False


def test_the_editor_schema_shows_each_fields_help_and_kind_of_text():
    for field in fields.at("top"):
        assert SCHEMA["properties"][field.name].get("description") == (field.help or None)
    for field in fields.FIELDS:
        body = _schema_of(field.place)["properties"][field.name]
        if field.content:  # described once, under its own name
            assert body == {"$ref": f"#/definitions/{field.name}"}
            body = SCHEMA["definitions"][field.name]
        if field.type in fields.TEXT:
            assert body == {**({"description": field.help} if field.place == "top" and field.help else {}),
                            "$ref": f"#/definitions/{field.type}"}
        if field.type in fields.LISTS:
            assert body["items"] == {"$ref": f"#/definitions/{field.type[:-1]}"}


def test_each_content_kind_is_a_section_field_the_schema_requires_one_of():
    assert SCHEMA["definitions"]["section"]["anyOf"] == [{"required": [k]} for k in fields.CONTENT_KINDS]
    assert all(kind in SCHEMA["definitions"] for kind in fields.CONTENT_KINDS)


def test_layouts_print_only_fields_of_the_table_and_templates_read_only_its_sheet_names():
    for layout in LAYOUTS.values():
        assert set(layout.prints) <= set(fields.TOP) - set(fields.ALWAYS)
    assert {fields.behind(name) for name in fields.SHEET_FIELDS} == set(fields.TOP) - {"figures"}
    assert fields.behind("draft") == "status" and fields.behind("classification_mark") == "classification"


def test_the_workspace_form_offers_each_text_field_a_layout_prints_as_its_table_says():
    seen = set()
    for sample in RECORDS:
        layout = LAYOUTS[sample.layout]
        shown = form.form(sample.file.read_text(encoding="utf-8"), layout.prints, layout.requires)
        inputs = {part.name: part for part in shown.top if isinstance(part, form.Field)}
        for name in fields.names("top", type=fields.TEXT):
            if name in layout.prints:
                assert inputs[name].prose == fields.get("top", name).prose, name
                seen.add(name)
        assert [listing.name for listing in shown.lists] == [n for n in fields.TEXT_LISTS if n in layout.prints]
        for entry in shown.lists:
            for part in (p for e in entry.entries for p in e.parts):
                assert part.prose == fields.get("top", entry.name).prose
    assert seen == {name for name in fields.TEXTS if any(name in layout.prints for layout in LAYOUTS.values())}


def test_the_workspace_form_offers_a_sections_text_fields_and_lists():
    sample = _with_sections()
    layout = LAYOUTS[sample.layout]
    shown = form.form(sample.file.read_text(encoding="utf-8"), layout.prints, layout.requires)
    first = shown.sections.entries[0]
    prose = {p.name.rsplit(".", 1)[1] for p in first.parts if isinstance(p, form.Field) and p.prose}
    assert prose >= set(fields.names("section", content=True, type=fields.TEXT))
    listed = {p.name.rsplit(".", 1)[1] for p in first.parts if isinstance(p, form.Listing)}
    listed |= {path.rsplit(".", 1)[1] for path, _ in first.adds}
    assert listed == set(fields.names("section", content=True, type=(*fields.LISTS, "items")))


def _unmarked(data: dict, name: str) -> dict:
    """Return the data with one top-level field's text (or list's first entry) carrying no portion mark."""
    changed = copy.deepcopy(data)
    value = "Text without a mark."
    changed[name] = [value] if fields.get("top", name).type in fields.LISTS else value
    return changed


def test_the_portion_mark_walk_asks_a_mark_of_exactly_the_marked_fields():
    sample = _with_sections(classified=True)
    layout = LAYOUTS[sample.layout]
    data = _data(sample)
    assert _problems(data) == []
    for name in fields.names("top", type=(*fields.TEXT, *fields.LISTS)):
        if name not in layout.prints or name == "classification":  # the banner is no paragraph
            continue
        messages = [d.message for d in _problems(_unmarked(data, name))]
        asked = any("has no portion mark" in m and f"'{name}" in m for m in messages)
        assert asked == fields.get("top", name).marked, (name, messages)


@pytest.mark.parametrize("kind", fields.CONTENT_KINDS)
def test_the_portion_mark_walk_reads_each_content_kinds_marked_fields(kind):
    sample = _with_sections(classified=True)
    data = _data(sample)
    plain = "Text without a mark."
    block = {"text": plain, "bullets": [plain], "items": [{"term": plain, "text": plain}],
             "table": {"columns": [plain], "rows": [[plain]], "caption": plain},
             "chart": {"figure": "f", "kind": "bar", "title": plain, "alt": plain}}[kind]
    data.setdefault("figures", {})["f"] = {"values": {2007: 1, 2018: 2}}
    data["sections"].append({"heading": data["sections"][-1].get("heading", "x"), kind: block})
    unmarked = [re.match(r"in '([^']+)'", d.message)[1] for d in _problems(data) if "has no portion mark" in d.message]
    field = fields.get("section", kind)
    inner = fields.at(fields.INNER[field.type]) if field.type in fields.INNER else ()
    marked = [f.name for f in inner if f.marked] if inner else ([kind] if field.marked else [])
    assert {u.rsplit(".", 1)[-1].split("[")[0] for u in unmarked} == set(marked)


def test_a_field_added_to_the_table_reaches_the_validator_schema_layouts_view_and_form(tmp_path):
    """One entry in a copy of fields.py, and a template that prints it: nothing else is edited."""
    shutil.copytree(ROOT / "pipeline", tmp_path / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    table = tmp_path / "pipeline" / "records" / "fields.py"
    text = table.read_text(encoding="utf-8")
    anchor = '    Field("subtitle", "line", marked=True, help="A line under the title."),\n'
    assert anchor in text
    added = ('    Field("motto", "line", help="The post\'s motto."),\n'
             '    Field("contacts", "lines", help="Whom to ask, one a line."),\n')
    table.write_text(text.replace(anchor, anchor + added), encoding="utf-8")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    sample = _with_sections()
    template = tmp_path / "templates" / sample.layout / "sheet.xml.j2"
    lines = template.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if "<body>" in line)
    lines[at + 1:at + 1] = ['<p style="Subtitle">{{ sheet.motto }}</p>',
                            '{% for c in sheet.contacts %}<p style="Subtitle">{{ c }}</p>{% endfor %}']
    template.write_text("\n".join(lines), encoding="utf-8")
    record = dict(_data(sample), motto="Partners in {{ 2 + 2 }} things", contacts=["A. Roe, ext. 1"])
    (tmp_path / "x.yaml").write_text(yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=10_000),
                                     encoding="utf-8")
    script = textwrap.dedent(f"""
        import json
        from pathlib import Path
        from pipeline.authoring import editorschema
        from pipeline.base.errors import Collector, RecordError
        from pipeline.layouts.loader import load_layouts
        from pipeline.records import schema
        from pipeline.records.yamlload import load_file
        from pipeline.render.view import sheet_view
        from pipeline.workspace import edits, fields

        assert Path(schema.__file__).is_relative_to(Path.cwd()), "the copy of the pipeline is not the one read"
        layouts = load_layouts(Path("templates"))
        file = Path("x.yaml")
        record = schema.validate(load_file(file, "x.yaml"), file, "x.yaml", layouts)
        view = sheet_view(record, {{}}, None, None, Collector())
        layout = layouts[{sample.layout!r}]
        shown = fields.form(file.read_text(), layout.prints, layout.requires)
        added, _ = edits.add_entry(file.read_text(), "contacts")
        edited = edits.set_field(added, "contacts[1]", "B. Doe, ext. 2")
        others = sorted(name for name in layouts if name != {sample.layout!r})
        try:
            schema.validate(load_file(file, "x.yaml"), file, "x.yaml",
                            {{**layouts, {sample.layout!r}: layouts[others[0]]}})
            refused = ""
        except RecordError as exc:
            refused = [d.message for d in exc.diagnostics if "motto" in d.message]
        properties = editorschema.generate(layouts)["properties"]
        print(json.dumps({{"record": [record.motto.source, [t.source for t in record.contacts]],
                          "view": [view.motto.plain, [c.plain for c in view.contacts]],
                          "prints": [name for name in layout.prints if name in ("motto", "contacts")],
                          "schema": [properties["motto"], properties["contacts"]],
                          "form": [p.name for p in shown.top if getattr(p, "name", "") == "motto"]
                                  + [p.name for p in shown.lists if p.name == "contacts"],
                          "edited": edited.split("contacts:", 1)[1].split("\\n")[1:3],
                          "refused": refused}}))
        """)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["record"] == ["Partners in {{ 2 + 2 }} things", ["A. Roe, ext. 1"]]
    assert seen["view"] == ["Partners in 4 things", ["A. Roe, ext. 1"]]
    assert seen["prints"] == ["motto", "contacts"] and seen["form"] == ["motto", "contacts"]
    assert seen["schema"] == [{"$ref": "#/definitions/line", "description": "The post's motto."},
                              {"type": "array", "items": {"$ref": "#/definitions/line"},
                               "description": "Whom to ask, one a line."}]
    assert seen["edited"] == ["- A. Roe, ext. 1", "- B. Doe, ext. 2"]
    assert seen["refused"] and "does not print 'motto'" in seen["refused"][0]


def test_a_field_path_names_the_field_at_its_place():
    """How the form finds whether an input is one line or paragraphs ('figures.x.value' is the figure's)."""
    paths = ["title", "notes[]", "cleared[]", "sections[].text", "sections[].bullets[]", "sections[].items[].term",
             "sections[].items[].text", "figures.opium.value", "figures.opium.as_of", "seal.alt"]
    assert [(f.place, f.name, f.prose) for f in map(fields.of_path, paths)] == [
        ("top", "title", False), ("top", "notes", True), ("top", "cleared", False), ("section", "text", True),
        ("section", "bullets", True), ("item", "term", False), ("item", "text", True), ("figure", "value", False),
        ("figure", "as_of", False), ("seal", "alt", False)]
    assert fields.of_path("sections[].zzz") is None and fields.of_path("zzz") is None
