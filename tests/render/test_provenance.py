"""The map from a sheet's printed paragraphs to its record's fields and figures."""

import pytest
from conftest import ROOT

from pipeline.base.paths import display
from pipeline.document import anchors
from pipeline.figures import shared as data
from pipeline.layouts.loader import load_layouts
from pipeline.records import schema
from pipeline.records.yamlload import load_file
from pipeline.render import provenance
from pipeline.render.sheet import render_document

RECORDS = sorted((ROOT / "sources").glob("*.yaml"))


def _map(record_file):
    layouts = load_layouts(ROOT / "templates")
    record = schema.validate(load_file(record_file, display(record_file)), record_file, display(record_file),
                             layouts)
    dataset = data.load(ROOT / "sources" / "data", "sources/data")
    doc = render_document(record, layouts[record.layout], dataset.scope(None))
    return record, doc, provenance.sheet_map(record, doc, dataset.scope(None), display(record_file))


@pytest.mark.parametrize("record_file", RECORDS, ids=lambda p: p.stem)
def test_each_field_is_found_where_it_prints(record_file):
    record, doc, sheet = _map(record_file)
    assert [("".join(r[0] for r in p["runs"])) for p in sheet["paragraphs"]] == anchors.body_paragraphs(doc)
    assert sheet["version"] == anchors.version(doc) and sheet["id"] == record.id
    placed = {s["field"] for p in sheet["paragraphs"] for s in p["fields"]}
    assert "title" in placed and any(name.startswith("sections[") for name in placed)
    for p in sheet["paragraphs"]:
        text = "".join(r[0] for r in p["runs"])
        for s in p["fields"]:
            assert text[s["start"]:s["end"]] == "".join(r[0] for r in s["runs"])
            for f in s["figures"]:
                assert text[f["start"]:f["end"]] == f["printed"] and f["reference"].startswith("{{")


def test_figures_are_named_with_their_year():
    sheet = _map(ROOT / "sources" / "laos-inl.yaml")[2]
    named = {(f["figure"], f["year"], f["printed"]) for p in sheet["paragraphs"] for s in p["fields"]
             for f in s["figures"]}
    assert ("data.unodc.laos_opium_ha", 2018, "5,700") in named


def test_the_map_is_stable_bytes():
    one = provenance.encoded(_map(RECORDS[0])[2])
    assert one == provenance.encoded(_map(RECORDS[0])[2])
