"""A new sheet from the workspace: its file name from its title, a draft holding the title, placeholders marked."""

import datetime as dt

import yaml
from conftest import ROOT

from pipeline.workspace import sheets, starting

EXAMPLES = sorted((ROOT / "templates").glob("*/new.yaml"))


def test_the_file_name_is_made_from_the_title():
    assert starting.file_name("Cambodia INL") == "cambodia-inl"
    assert starting.file_name("  Côte d’Ivoire: U.S. Relations ") == "cote-d-ivoire-u-s-relations"
    assert sheets.valid_id(starting.file_name("Laos — 2026 (draft)"))


def test_every_layouts_example_becomes_a_draft_with_its_title_and_previewable_placeholders():
    assert EXAMPLES, "the layouts have examples"
    for example in EXAMPLES:
        text = starting.drafted(example.read_text(encoding="utf-8"), "A Title: With a Colon")
        loaded = yaml.safe_load(text)
        assert loaded["status"] == "draft" and loaded["title"] == "A Title: With a Colon", example
        shown = starting.marked(text, dt.date(2026, 1, 2))
        values = yaml.safe_load(shown)
        assert "<<" not in yaml.safe_dump(values), example  # every placeholder outside comments marked
        assert "[to fill — " in shown and values.get("date") == dt.date(2026, 1, 2), example


def test_back_to_draft_turns_final_or_no_status_into_a_draft():
    assert sheets.unpublished("layout: x\nstatus: final  # cleared\ntitle: T\n") == \
        "layout: x\nstatus: draft  # cleared\ntitle: T\n"
    assert sheets.unpublished("layout: x\ntitle: T\n") == "layout: x\nstatus: draft\ntitle: T\n"
    assert sheets.unpublished("layout: x\nstatus: draft\n") is None
