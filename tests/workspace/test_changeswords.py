"""The Changes page in plain words: each edit said field by field as the form names it (changeswords),
and the page listing the recorded edits, newest first, a page at a time (edithistory)."""

import re

import pytest
from conftest import RECORDS

from pipeline.workspace import changeswords, edithistory


def _headed_text(record) -> bool:
    """Return whether a sample has a section with a heading and a text (and a title any words may replace)."""
    import yaml

    text = record.file.read_text(encoding="utf-8")
    sections = (yaml.safe_load(text) or {}).get("sections") or []
    return not re.search(r'(?m)^title: "?\(', text) and any(
        isinstance(s, dict) and s.get("heading") and isinstance(s.get("text"), str) for s in sections)


SAMPLE = next(r for r in RECORDS if _headed_text(r))
TEXT = SAMPLE.file.read_text(encoding="utf-8")
DATA = next(p for p in sorted((SAMPLE.file.parent / "data").glob("*.yaml")) if "values:" in p.read_text("utf-8"))


def said(old: str, new: str, data: bool = False) -> list[str]:
    return changeswords.described(old.encode(), new.encode(), data)


def test_a_title_edit_is_said_old_to_new():
    new = re.sub(r"(?m)^title: .*$", "title: Brand new title", TEXT, count=1)
    old_title = re.search(r"(?m)^title: (.*)$", TEXT).group(1).strip().strip('"')
    assert said(TEXT, new) == [f"Title: ‘{old_title}’ → ‘Brand new title’"]


def test_a_sections_text_is_said_edited_with_its_number_from_1_and_heading():
    import yaml

    record = yaml.safe_load(TEXT)
    index = next(i for i, s in enumerate(record["sections"]) if isinstance(s.get("text"), str) and s.get("heading"))
    record["sections"][index]["text"] += " One more sentence, long enough to be more than a short value here."
    lines = said(TEXT, yaml.safe_dump(record, sort_keys=False, allow_unicode=True))
    heading = str(record["sections"][index]["heading"]).strip().rstrip(":")
    assert lines == [f"Section {index + 1} ({heading}), text edited"]


def test_a_section_added_or_removed_is_said_once_not_field_by_field():
    import yaml

    record = yaml.safe_load(TEXT)
    record["sections"].append({"heading": "Risks", "text": "New words."})
    added = yaml.safe_dump(record, sort_keys=False, allow_unicode=True)
    assert said(TEXT, added)[-1] == f"Section {len(record['sections'])} (Risks) added"
    assert said(added, TEXT) == [f"Section {len(record['sections'])} (Risks) removed"]


def test_status_says_published_and_back_to_draft():
    final = re.sub(r"(?m)^status: .*\n", "", TEXT)
    draft = re.sub(r"(?m)^(layout: .*\n)", r"\1status: draft\n", final, count=1)
    assert said(draft, final.replace("layout:", "status: final\nlayout:", 1)) == ["Status: draft → final (published)"]
    assert said(final, draft) == ["Status: final → draft (back to draft)"]


def test_a_shared_figure_value_is_said_by_its_label_with_numbers_as_printed():
    import yaml

    text = DATA.read_text(encoding="utf-8")
    tree = yaml.safe_load(text)
    key, figure = next((k, f) for k, f in tree.items() if isinstance(f, dict) and f.get("values"))
    year, value = next(iter(figure["values"].items()))
    figure["values"][year] = value * 1000 + 1
    lines = said(text, yaml.safe_dump(tree, sort_keys=False), data=True)
    label = figure.get("label") or key.replace("_", " ")
    assert lines == [f"{label}, {year}: {value:,} → {value * 1000 + 1:,}"]


def test_comments_only_and_unreadable_text_are_said_not_hidden():
    assert said(TEXT, "# a note\n" + TEXT) == ["Comments or spacing edited in the Advanced view; nothing printed changed"]
    assert said(TEXT, "title: [unclosed\n")[0].startswith("Text edited in the Advanced view")
    assert changeswords.described(None, b"title: x\n") == ["Created"]


def test_no_line_names_a_field_path():
    import yaml

    record = yaml.safe_load(TEXT)
    for section in record["sections"]:
        section["heading"] = "Changed heading"
    for line in said(TEXT, yaml.safe_dump(record, sort_keys=False, allow_unicode=True)):
        assert "[" not in line and "sections" not in line, line


@pytest.fixture
def workspace(project, run_cli, monkeypatch):
    starlette = pytest.importorskip("starlette.testclient")
    assert run_cli("build", "-q", cwd=project).code == 0
    monkeypatch.chdir(project)
    from pipeline.builder.recipe import Options
    from pipeline.workspace.app import Project, create_app

    app = create_app(Project([project / "sources"], Options(jobs=1, time_limit=60)), workers_count=1)
    with starlette.TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


def test_the_changes_page_says_each_saved_edit_in_words_paged(workspace, project, monkeypatch):
    page = workspace.get(f"/sheet/{SAMPLE.id}").text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    loaded = re.search(r'id="loaded" name="loaded" value="([0-9a-f]+)"', page).group(1)
    monkeypatch.setattr(edithistory, "PER_PAGE", 1)
    text = re.sub(r"(?m)^title: .*$", "title: A", TEXT, count=1)
    first = workspace.post(f"/sheet/{SAMPLE.id}/save", data={"text": text, "csrf": csrf, "loaded": loaded})
    loaded = re.search(r'name="loaded" value="([0-9a-f]+)"', first.text).group(1)
    workspace.post(f"/sheet/{SAMPLE.id}/save", data={"text": text.replace("title: A", "title: B", 1), "csrf": csrf,
                                                     "loaded": loaded})
    newest = workspace.get("/changes").text
    assert "Title: ‘A’ → ‘B’" in newest and "Edits page 1 of" in newest and 'href="/changes?edits=2"' in newest
    older = workspace.get("/changes?edits=2").text
    assert "→ ‘A’" in older and "‘A’ → ‘B’" not in older
    assert "sections[" not in newest + older and "sources/" not in newest + older
