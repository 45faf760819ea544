"""Tables, charts and their series, the sheet's own figures, the clearance list and the seal in the form:
each edit is a text edit of the record that changes only the value(s) meant, keeps every comment, and
is refused in the form's words ("Table 1, row 3") when it cannot be made. Samples come from sources/."""

import difflib
import hashlib
import html
import io
import json
import re

import pytest
from conftest import RECORDS, ROOT
from formsamples import holding, record, sections_with, with_own_series

from pipeline.records.yamlload import parse
from pipeline.workspace import seals, series, tables, words
from pipeline.workspace.edits import add_entry, move_entry, remove_entry, set_field
from pipeline.workspace.fields import form
from pipeline.workspace.nodes import plain

TABLES = sections_with("table")
CHARTS = sections_with("chart")
CLEARED = holding("cleared")
PRINTS = ("title", "sections", "seal", "status", "figures", "cleared")


def tree(text: str):
    return plain(parse(text, "t"))


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if "#" in line and line.strip().startswith("#")]


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    """Return the lines taken out and the lines put in."""
    out, put = [], []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        (out if line.startswith("- ") else put if line.startswith("+ ") else []).append(line[2:])
    return out, put


def table_of(sample, section: int) -> dict:
    return record(sample.file)["sections"][section]["table"]


def ids(found):
    return [f"{r.id}-{i}" for r, i in found]


# --- tables ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("sample", "section"), TABLES, ids=ids(TABLES))
def test_a_cell_a_heading_and_the_caption_change_alone(sample, section):
    text = sample.file.read_text(encoding="utf-8")
    table = table_of(sample, section)
    last, width = len(table["rows"]) - 1, len(table["columns"])
    base = f"sections[{section}].table"
    for name, value in ((f"{base}.rows[{last}][{width - 1}]", "$1,234, new: value"),
                        (f"{base}.columns[0]", "Year"), (f"{base}.caption", "(U) Funding, by year")):
        new = set_field(text, name, value)
        out, put = changed_lines(text, new)
        assert len(put) == 1 and len(out) <= 1, (name, out, put)  # one line: the value's (the caption's is new)
        assert comments(new) == comments(text)
        expected = record(sample.file)
        found = expected["sections"][section]["table"]
        if ".rows[" in name:
            found["rows"][last][width - 1] = value
        elif ".columns[" in name:
            found["columns"][0] = value
        else:
            found["caption"] = value
        assert _loaded(new) == expected
        assert words.place(name, new).startswith("Table 1")
    cell = set_field(text, f"{base}.rows[0][0]", "{{ 1 | number }} ha")  # a figure in a cell: quoted, read back
    assert "{{ 1 | number }} ha" in str(tree(cell))


@pytest.mark.parametrize(("sample", "section"), TABLES, ids=ids(TABLES))
def test_rows_and_columns_are_added_removed_and_moved_in_every_row(sample, section):
    text = sample.file.read_text(encoding="utf-8")
    table = f"sections[{section}].table"
    rows, columns = table_of(sample, section)["rows"], table_of(sample, section)["columns"]

    added, focus = tables.add_row(text, table)
    assert focus == f"f-{table}.rows[{len(rows)}][0]"
    assert record_table(added, section)["rows"] == [*rows, [""] * len(columns)]
    assert comments(added) == comments(text)

    column, focus = tables.add_column(text, table)
    assert focus == f"f-{table}.columns[{len(columns)}]"
    widened = record_table(column, section)
    assert widened["columns"] == [*columns, tables.PLACEHOLDER] and all(r[-1] == "" for r in widened["rows"])

    cut, _ = tables.remove_row(text, f"{table}.rows[0]")
    assert record_table(cut, section)["rows"] == rows[1:]
    narrowed, _ = tables.remove_column(text, f"{table}.columns[0]")
    assert record_table(narrowed, section)["columns"] == columns[1:]
    assert record_table(narrowed, section)["rows"] == [r[1:] for r in rows]

    down, _ = tables.move_row(text, f"{table}.rows[0]", 1)
    assert record_table(down, section)["rows"][:2] == [rows[1], rows[0]]
    assert tables.move_row(down, f"{table}.rows[1]", -1) == (text, f"row_down-{table}.rows[0]")  # and back:
    # the very same text, the focus on the first row's Down (its Up is disabled now)
    right, focus = tables.move_column(text, f"{table}.columns[0]", 1)
    assert [r[:2] for r in record_table(right, section)["rows"]] == [[r[1], r[0]] for r in rows]
    assert tables.move_column(right, f"{table}.columns[1]", -1)[0] == text
    for new in (added, column, cut, narrowed, down, right):  # nothing outside the table moved
        before, after = record(sample.file), _loaded(new)
        before["sections"][section].pop("table")
        after["sections"][section].pop("table")
        assert before == after


def record_table(text: str, section: int) -> dict:
    return _loaded(text)["sections"][section]["table"]


def _loaded(text: str) -> dict:
    import yaml
    return yaml.safe_load(text)


@pytest.mark.parametrize(("sample", "section"), TABLES, ids=ids(TABLES))
def test_what_cannot_be_done_is_refused_in_the_forms_words(sample, section):
    text = sample.file.read_text(encoding="utf-8")
    table = f"sections[{section}].table"
    with pytest.raises(ValueError, match=r"^Table 1, row 1 is already the first row$"):
        tables.move_row(text, f"{table}.rows[0]", -1)
    with pytest.raises(ValueError, match=r"^Table 1, heading of column 1 is already the first column$"):
        tables.move_column(text, f"{table}.columns[0]", -1)
    one = text
    while len(record_table(one, section)["rows"]) > 1:
        one, _ = tables.remove_row(one, f"{table}.rows[0]")
    with pytest.raises(ValueError, match=r"Table 1, row 1 is the table’s only row"):
        tables.remove_row(one, f"{table}.rows[0]")
    for said in (str(e) for e in _refusals(text, table)):
        assert "sections[" not in said and "line" not in said, said


def _refusals(text: str, table: str):
    for call in (lambda: tables.remove_row(text, f"{table}.rows[99]"),
                 lambda: tables.move_column(text, f"{table}.columns[99]", 1)):
        with pytest.raises(ValueError) as found:
            call()
        yield found.value


def test_tables_written_as_block_lists_are_edited_as_whole_lines():
    text = ("layout: x\ntitle: T\nsections:\n  - table:\n      # the headings\n      columns:\n        - Year\n"
            "        - Amount  # dollars\n      rows:\n        - [2005, 1]\n        - [2006, 2]\n")
    column, _ = tables.add_column(text, "sections[0].table")
    assert "        - Amount  # dollars\n        - \"<<the column’s heading>>\"\n" in column
    moved, _ = tables.move_column(text, "sections[0].table.columns[0]", 1)
    assert "        - Amount  # dollars\n        - Year\n" in moved and "[1, 2005]" in moved
    cut, _ = tables.remove_column(text, "sections[0].table.columns[1]")
    assert "Amount" not in cut and "# the headings" in cut and "[2005]" in cut


def test_the_form_draws_every_table_with_labelled_cells():
    for sample, section in TABLES:
        shown = form(sample.file.read_text(encoding="utf-8"), PRINTS, ())
        part = next(p for e in shown.sections.entries for p in e.parts if getattr(p, "kind", "") == "table")
        table = table_of(sample, section)
        assert [c.value for c in part.columns] == table["columns"]
        assert [[c.value for c in row] for row in part.rows] == table["rows"]
        assert part.rows[2][1].label == f"Row 3, {table['columns'][1]}"


def test_places_are_named_as_the_form_shows_them():
    sample, section = TABLES[0]
    text = sample.file.read_text(encoding="utf-8")
    assert words.place(f"sections[{section}].table.rows[2][1]", text) == "Table 1, row 3, column 2"
    assert words.place(f"sections[{section}].table.columns[0]", text) == "Table 1, heading of column 1"
    message = words.sentence(f"in 'sections[{section}].table.rows[2]': it has 2 cells", text)
    assert "Table 1, row 3" in message and "sections[" not in message


# --- charts and series ------------------------------------------------------------------------------

@pytest.mark.parametrize(("sample", "section"), CHARTS, ids=ids(CHARTS))
def test_a_charts_title_kind_and_description_change_alone(sample, section):
    text = sample.file.read_text(encoding="utf-8")
    for part, value in (("title", "Opium: 2007 to 2018"), ("kind", "line"), ("alt", "Bars for each year.")):
        new = set_field(text, f"sections[{section}].chart.{part}", value)
        assert _loaded(new)["sections"][section]["chart"][part] == value
        out, put = changed_lines(text, new)
        assert len(put) == 1 and len(out) <= 1 and comments(new) == comments(text)


@pytest.mark.parametrize(("sample", "section"), CHARTS, ids=ids(CHARTS))
def test_the_points_of_a_charts_own_series_are_edited_one_by_one(sample, section):
    text, name = with_own_series(sample.file.read_text(encoding="utf-8"))
    figure = f"figures.{name}"
    values = dict(_loaded(text)["figures"][name]["values"])
    years = list(values)
    new = series.set_point(text, f"{figure}.values[1].value", "6,100")
    assert _loaded(new)["figures"][name]["values"][years[1]] == 6100
    assert changed_lines(text, new)[1] == [ln.replace(f"{years[1]}: {values[years[1]]}", f"{years[1]}: 6100")
                                           for ln in changed_lines(text, new)[0]]
    relabelled = series.set_point(text, f"{figure}.values[0].year", "2006")
    assert list(_loaded(relabelled)["figures"][name]["values"]) == [2006, *years[1:]]
    more, focus = series.add_point(text, figure)
    assert focus == f"f-{figure}.values[{len(years)}].value"
    assert list(_loaded(more)["figures"][name]["values"]) == [*years, max(years) + 1]
    fewer, _ = series.remove_point(text, f"{figure}.values[0]")
    assert list(_loaded(fewer)["figures"][name]["values"]) == years[1:]
    for edited in (new, relabelled, more, fewer):
        assert comments(edited) == comments(text)
    label = _loaded(text)["figures"][name]["label"]
    with pytest.raises(ValueError, match=f"^Points of “{label}”, point 1: the value must be a number"):
        series.set_point(text, f"{figure}.values[0].value", "5,700 ha")
    with pytest.raises(ValueError, match="point 2: the year must be four digits"):
        series.set_point(text, f"{figure}.values[1].year", "twenty")
    with pytest.raises(ValueError, match="has a point for"):
        series.set_point(text, f"{figure}.values[1].year", str(years[0]))
    chart = next(p for e in form(text, PRINTS, ()).sections.entries for p in e.parts if getattr(p, "kind", "") == "chart")
    assert [(p.year.value, p.value.value) for p in chart.series.points] == [(str(y), str(v)) for y, v in values.items()]


def test_a_series_written_as_lines_keeps_its_comments():
    text = ("layout: x\ntitle: T\nfigures:\n  ha:\n    as_of: 2018-12-31\n    values:\n      2007: 1500  # survey\n"
            "      2018: 5700\n")
    more, _ = series.add_point(text, "figures.ha")
    assert more.endswith("      2018: 5700\n      2019: \"<<the value>>\"\n")
    fewer, _ = series.remove_point(text, "figures.ha.values[1]")
    assert fewer.endswith("      2007: 1500  # survey\n")
    with pytest.raises(ValueError, match="only point"):
        series.remove_point(fewer, "figures.ha.values[0]")


@pytest.mark.parametrize("sample", RECORDS, ids=lambda r: r.id)
def test_the_sheets_own_figures_take_a_source_and_as_of(sample):
    text = sample.file.read_text(encoding="utf-8")
    if "chart:" in text:
        text, name = with_own_series(text)
    elif "figures:" not in text:
        text = re.sub(r"(?m)^sections:", "figures:\n  total:  # ours\n    value: 5\n\nsections:", text, count=1)
        name = "total"
    else:
        pytest.skip("a sample with figures of its own is tested as written")
    new = set_field(set_field(text, f"figures.{name}.source", "A new source"), f"figures.{name}.as_of", "2024-06-30")
    figure = _loaded(new)["figures"][name]
    assert figure["source"] == "A new source" and str(figure["as_of"]) == "2024-06-30"
    assert comments(new) == comments(text)


# --- the clearance list -----------------------------------------------------------------------------

@pytest.mark.parametrize("sample", CLEARED, ids=lambda r: r.id)
def test_the_clearance_list_is_shown_and_names_are_added_removed_and_reordered(sample):
    text = sample.file.read_text(encoding="utf-8")
    names = record(sample.file)["cleared"]
    listing = next(li for li in form(text, PRINTS, ()).lists if li.name == "cleared")
    assert [e.parts[0].value for e in listing.entries] == names
    added, entry = add_entry(text, "cleared")
    renamed = set_field(added, entry, "EAP/FO: A. Person (ok)")
    assert _loaded(renamed)["cleared"] == [*names, "EAP/FO: A. Person (ok)"]
    moved, _ = move_entry(text, "cleared[0]", 1)
    assert _loaded(moved)["cleared"] == [names[1], names[0], *names[2:]]
    assert _loaded(remove_entry(text, "cleared[0]"))["cleared"] == names[1:]
    assert comments(moved) == comments(text)


# --- the seal ---------------------------------------------------------------------------------------

def png(size=(8, 8)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (10, 40, 90)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("sample", RECORDS, ids=lambda r: r.id)
def test_a_seal_is_added_then_replaced_with_its_alt_text(sample):
    text = sample.file.read_text(encoding="utf-8")
    if "\nseal:" in text:
        pytest.skip("a sample with a seal: replaced below like any other")
    new, focus = seals.set_seal(text, "assets/seal-1.png", "Seal: of the Embassy")
    assert focus == "f-seal.alt"
    assert _loaded(new)["seal"] == {"file": "assets/seal-1.png", "alt": "Seal: of the Embassy"}
    out, put = changed_lines(text, new)
    assert out == [] and len(put) == 3 and comments(new) == comments(text)
    again, _ = seals.set_seal(new, "assets/seal-2.png", "Flag")
    assert _loaded(again)["seal"] == {"file": "assets/seal-2.png", "alt": "Flag"}
    with pytest.raises(ValueError, match="type what the picture shows"):
        seals.set_seal(text, "assets/seal-1.png", "  ")


def test_an_upload_is_kept_by_its_hash_only_when_the_build_would_print_it(tmp_path):
    picture = png()
    refused, kept = seals.keep(picture, "seal.png", tmp_path)
    assert refused == "" and kept == f"assets/seal-{hashlib.sha256(picture).hexdigest()[:16]}.png"
    assert (tmp_path / kept).read_bytes() == picture
    said, none = seals.keep(b"GIF89a....", "flag.gif", tmp_path)
    assert none == "" and said == ("“flag.gif” is not a picture the sheet can print: save it as a PNG or JPEG "
                                   "picture and upload it again.")
    damaged, none = seals.keep(picture[:40], "broken.png", tmp_path)
    assert none == "" and damaged.startswith("“broken.png” is a damaged PNG file") and "assets/" not in damaged
    assert sorted(p.name for p in (tmp_path / "assets").iterdir()) == [kept.rsplit("/", 1)[1]]  # nothing else kept


# --- through the web application ----------------------------------------------------------------------

starlette = pytest.importorskip("starlette.testclient", reason="the workspace's web stack is not installed")


@pytest.fixture
def client(project, monkeypatch):
    from pipeline.builder.recipe import Options
    from pipeline.workspace.app import Project, create_app

    monkeypatch.chdir(project)
    app = create_app(Project([project / "sources"], Options(jobs=1, time_limit=60)), workers_count=1,
                     hosts=("testserver",))
    with starlette.TestClient(app) as found:
        yield found


def _token(client, sheet_id):
    page = client.get(f"/sheet/{sheet_id}").text
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


def _box(answer) -> str:
    return html.unescape(re.search(r"<textarea[^>]*>(.*)</textarea>", answer.text, re.S).group(1))


def test_the_form_posts_table_and_point_edits_and_says_refusals_in_its_words(client, project):
    sample, section = TABLES[0]
    csrf = _token(client, sample.id)
    text, name = with_own_series(sample.file.read_text(encoding="utf-8"))
    shown = client.post(f"/sheet/{sample.id}/form", data={"text": text, "csrf": csrf}).text
    assert f'aria-label="Row 3, {table_of(sample, section)["columns"][1]}"' in shown
    assert 'aria-label="Up: move row 2 of table 1 up"' in shown and ">Up</button>" in shown
    assert f'name="point:figures.{name}.values[0].value"' in shown
    added = client.post(f"/sheet/{sample.id}/field", data={"text": text, "csrf": csrf,
                                                           "row_add": f"sections[{section}].table"})
    assert json.loads(added.headers["HX-Trigger-After-Swap"])["formChanged"]["focus"].endswith("][0]")
    assert len(record_table(_box(added), section)["rows"]) == len(table_of(sample, section)["rows"]) + 1
    point = client.post(f"/sheet/{sample.id}/field", data={"text": text, "csrf": csrf,
                                                           f"point:figures.{name}.values[0].value": "1,600"})
    assert "HX-Trigger-After-Swap" not in point.headers  # a value typed: the form is not drawn again
    assert list(_loaded(_box(point))["figures"][name]["values"].values())[0] == 1600
    refused = client.post(f"/sheet/{sample.id}/field", data={"text": text, "csrf": csrf,
                                                             "row_up": f"sections[{section}].table.rows[0]"})
    assert json.loads(refused.headers["HX-Trigger"]) == {"fieldRefused": "Table 1, row 1 is already the first row"}
    upload = client.post(f"/sheet/{sample.id}/seal?name=notes.txt", content=b"hello",
                         headers={"x-csrf-token": csrf, "content-type": "application/octet-stream"})
    assert upload.status_code == 400 and upload.text.startswith("“notes.txt” is not a picture")
    taken = client.post(f"/sheet/{sample.id}/seal?name=seal.png", content=png(),
                        headers={"x-csrf-token": csrf, "content-type": "application/octet-stream"})
    assert (project / taken.json()["file"]).is_file()
    assert client.post(f"/sheet/{sample.id}/seal", content=png(), headers={"x-csrf-token": "x"}).status_code == 403


@pytest.mark.parametrize(("sample", "section"), TABLES, ids=ids(TABLES))
def test_a_new_columns_placeholder_is_the_one_problem_and_named_as_the_form_shows_it(sample, section):
    """Before, each row was also reported as having a cell too many (the placeholder heading not counted)."""
    from pathlib import Path

    from pipeline.base.errors import RecordError
    from pipeline.layouts.loader import load_layouts
    from pipeline.records import schema

    text, _ = tables.add_column(sample.file.read_text(encoding="utf-8"), f"sections[{section}].table")
    with pytest.raises(RecordError) as found:
        schema.validate(parse(text, "x.yaml"), Path("x.yaml"), "x.yaml", load_layouts(ROOT / "templates"))
    problems = [d.message for d in found.value.diagnostics]
    assert len(problems) == 1 and "placeholder" in problems[0], problems
    field = re.search(r"'([^']+)'", problems[0]).group(1)
    assert words.place(field, text) == f"Table 1, heading of column {len(table_of(sample, section)['columns']) + 1}"
    assert words.place("figures.opium_ha.values.2019", text) == "Figure “opium ha”, the point for 2019"


@pytest.mark.parametrize("sample", RECORDS, ids=lambda r: r.id)
def test_a_table_is_added_to_a_section_and_removed_again(sample):
    text = sample.file.read_text(encoding="utf-8")
    sections = record(sample.file).get("sections") or []
    at = next((i for i, s in enumerate(sections) if isinstance(s, dict) and "table" not in s), None)
    if at is None:
        pytest.skip("no section without a table")
    added, focus = tables.add_table(text, f"sections[{at}]")
    assert focus == f"f-sections[{at}].table.columns[0]"
    assert _loaded(added)["sections"][at]["table"] == {"columns": [tables.PLACEHOLDER] * 2, "rows": [["", ""]]}
    assert comments(added) == comments(text) and changed_lines(text, added)[0] == []
    assert tables.remove_table(added, f"sections[{at}].table") == (text, f"table_add-sections[{at}]")
    with pytest.raises(ValueError, match=f"^Section {at + 1} has a table already"):
        tables.add_table(added, f"sections[{at}]")
    shown = form(added, PRINTS, ())
    assert any(getattr(p, "kind", "") == "table" for p in shown.sections.entries[at].parts)


def test_a_source_typed_for_a_bare_number_makes_it_a_figure_with_a_value():
    text = "layout: x\ntitle: T\nfigures:\n  total: 48000000  # all years\n  x: 5\nsections: []\n"
    new, focus = series.set_figure_part(text, "figures.total.source", "INL: budget request")
    assert focus == tables.KEEP_FOCUS  # the form is drawn again, the focus where it had gone
    assert new == ("layout: x\ntitle: T\nfigures:\n  total:\n    source: \"INL: budget request\"\n"
                   "    value: 48000000  # all years\n  x: 5\nsections: []\n")
    dated, focus = series.set_figure_part(new, "figures.total.as_of", "2024-01-31")
    assert focus == "" and _loaded(dated)["figures"]["total"]["as_of"].isoformat() == "2024-01-31"
    assert series.set_figure_part(text, "figures.x.source", "  ") == (text, "")  # nothing typed: nothing changes
    rows = {r.name: r for r in form(text, PRINTS, ()).figures}
    assert rows["total"].bare and rows["total"].source.name == "figures.total.source"


def test_the_figure_a_chart_draws_is_chosen_among_the_series_and_the_form_is_drawn_again(client, project):
    sample, section = CHARTS[0]
    csrf = _token(client, sample.id)
    original = sample.file.read_text(encoding="utf-8")
    shared = re.search(r"(?m)^\s*figure: (data\.\S+)", original).group(1)
    text, name = with_own_series(original)
    shown = client.post(f"/sheet/{sample.id}/form", data={"text": text, "csrf": csrf}).text
    assert re.search(rf'<option value="{name}" selected>[^<]*\(this sheet’s\)</option>', shown)
    assert re.search(rf'<option value="{re.escape(shared)}">[^<]*\(shared\)</option>', shown)
    chosen = client.post(f"/sheet/{sample.id}/field", data={"text": text, "csrf": csrf,
                                                            f"chartfig:sections[{section}].chart": shared})
    assert json.loads(chosen.headers["HX-Trigger-After-Swap"])["formChanged"]["focus"] == tables.KEEP_FOCUS
    assert _loaded(_box(chosen))["sections"][section]["chart"]["figure"] == shared
    assert [line.strip() for line in changed_lines(text, _box(chosen))[1]] == [f"figure: {shared}"]


@pytest.mark.parametrize("sample", RECORDS, ids=lambda r: r.id)
def test_a_chart_is_added_with_its_figure_to_choose_and_removed_again(sample, client):
    text = sample.file.read_text(encoding="utf-8")
    sections = record(sample.file).get("sections") or []
    at = next((i for i, s in enumerate(sections) if isinstance(s, dict) and "chart" not in s), None)
    if at is None:
        pytest.skip("no section without a chart")
    added, focus = tables.add_chart(text, f"sections[{at}]")
    assert focus == f"f-sections[{at}].chart.figure"
    assert _loaded(added)["sections"][at]["chart"] == {"figure": tables.CHART_FIGURE, "kind": "bar",
                                                       "title": tables.CHART_TITLE}
    assert comments(added) == comments(text) and changed_lines(text, added)[0] == []
    assert tables.remove_table(added, f"sections[{at}].chart", "chart") == (text, f"chart_add-sections[{at}]")
    shown = client.post(f"/sheet/{sample.id}/form", data={"text": added, "csrf": _token(client, sample.id)}).text
    assert f'<option value="{html.escape(tables.CHART_FIGURE)}" selected>(choose one)</option>' in shown


def test_a_row_between_blank_lines_goes_with_the_blank_line_after_it_and_its_comments():
    text = ("layout: x\ntitle: T\nsections:\n  - table:\n      columns: [A, B]\n      rows:\n        # first\n"
            "        - [1, 2]\n\n        # the second\n        - [3, 4]  # provisional\n\n        - [5, 6]\n")
    cut, _ = tables.remove_row(text, "sections[0].table.rows[1]")
    assert cut == text.replace("        # the second\n        - [3, 4]  # provisional\n\n", "")
    last, _ = tables.remove_row(text, "sections[0].table.rows[2]")
    assert last == text.replace("\n\n        - [5, 6]\n", "\n")
    moved, _ = tables.move_row(text, "sections[0].table.rows[0]", 1)
    assert moved.index("# the second") < moved.index("# first")  # each row's comment moves with it


def test_a_columns_edit_reads_the_text_once_whatever_the_number_of_rows(monkeypatch):
    """Before, each row was a new reading of the whole text: a column added to 1,000 rows took minutes
    (bench/form_tables.py times it)."""
    from pipeline.workspace import itemedits

    readings = []
    real = itemedits.root_of
    monkeypatch.setattr(itemedits, "root_of", lambda text: readings.append(1) or real(text))
    rows = "".join(f"        - [{i}, x]\n" for i in range(40))
    text = f"layout: x\ntitle: T\nsections:\n  - table:\n      columns: [A, B]\n      rows:\n{rows}"
    for edit in (lambda: tables.add_column(text, "sections[0].table"),
                 lambda: tables.remove_column(text, "sections[0].table.columns[0]"),
                 lambda: tables.move_column(text, "sections[0].table.columns[0]", 1)):
        readings.clear()
        new, _ = edit()
        assert len(readings) == 1 and len(_loaded(new)["sections"][0]["table"]["rows"]) == 40
