"""Portion marks are checked on what the sheet prints: references filled in, item bodies and cells included."""

import pytest
from conftest import ROOT

BRIEFING = ("layout: briefing-paper\nclassification: UNCLASSIFIED\ntitle: \"(U) Laos\"\ndate: 2026-11-22\n"
            "drafted: \"INL/AP: J. Doe\"\nsections:\n  - heading: KEY POINTS\n")
PUBLIC = "layout: inl-country-program\ntitle: Laos\nissuer: Bureau\ndate: 2003-03-11\n"

CASES = {  # name: (record, a line of the refusal); each built with exit 0 before the printed check
    "reference-splits-off-a-secret-paragraph": (
        BRIEFING + "    text: \"(U) Fine.{{ '\\\\n\\\\n' }}(TS) Secret.\"\n", "the portion mark (TS), above the banner"),
    "reference-splits-off-an-unmarked-paragraph": (
        BRIEFING + "    text: \"(U) Fine.{{ '\\\\n\\\\n' }}Unmarked.\"\n", "'Unmarked.' with no portion mark"),
    "item-second-paragraph-secret": (
        BRIEFING + "    items:\n      - term: \"(U) Aid.\"\n        text: \"First.\\n\\n(TS) Secret.\"\n",
        "in 'sections[0].items[0].text': the sheet would print the portion mark (TS)"),
    "table-cell-secret": (
        BRIEFING + "    table:\n      caption: \"(U) Aid\"\n      columns: [A, B]\n      rows: [[\"(TS) x\", y]]\n",
        "in 'sections[0].table.rows[0][0]': the sheet would print the portion mark (TS)"),
    "public-sheet-reference-prints-a-mark": (
        PUBLIC + "lead: \"{{ '(S) ' }}Secret.\"\n", "the portion mark (S), which is for internal papers"),
}


@pytest.mark.parametrize("name", CASES)
def test_a_mark_slipped_in_where_the_record_check_cannot_see_is_refused(name, tmp_path, run_cli):
    record, line = CASES[name]
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "x.yaml").write_text(record, encoding="utf-8")
    result = run_cli("build", "sources", "--out", "out", "--templates", ROOT / "templates", cwd=tmp_path)
    assert result.code == 1, result.err
    assert line in result.err
    assert not list((tmp_path / "out").glob("x.*"))


def test_a_cell_need_not_carry_a_mark_and_a_marked_item_body_builds(tmp_path, run_cli):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "x.yaml").write_text(
        BRIEFING + "    items:\n      - term: \"(U) Aid.\"\n        text: \"First.\\n\\n(U) Second.\"\n"
        "    table:\n      caption: \"(U) Aid\"\n      columns: [A, B]\n      rows: [[\"x\", \"(U) y\"]]\n")
    result = run_cli("build", "sources", "--out", "out", "--templates", ROOT / "templates", cwd=tmp_path)
    assert result.code == 0, result.err
