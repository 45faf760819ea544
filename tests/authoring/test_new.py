"""`factsheets new`: every layout's example becomes a record that fails check until filled in, then builds."""

import json
import re

import pytest
from conftest import ROOT
from records import PLACEHOLDER
from records import filled as _filled

from pipeline.authoring.starter import EXAMPLE_FILE
from pipeline.layouts.loader import load_layouts

LAYOUTS = load_layouts(ROOT / "templates")
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_example_fails_check_until_filled_then_builds(project, run_cli, layout):
    """New record: every placeholder is an error at its line; filled in, it builds both formats."""
    target = project / "sources" / f"new-{layout}.yaml"
    made = run_cli("new", layout, target.relative_to(project), cwd=project)
    assert made.code == 0, made.err
    text = target.read_text(encoding="utf-8")
    placeholders = [i + 1 for i, line in enumerate(text.splitlines())
                    if PLACEHOLDER.search(line) and not line.lstrip().startswith("#")]
    assert placeholders, "the example has required fields to fill in"
    checked = run_cli("check", "--diagnostics", "json", target.relative_to(project), cwd=project)
    errors = [json.loads(line) for line in checked.err.splitlines()]
    assert checked.code == 1 and sorted({e["line"] for e in errors}) == placeholders
    assert all("still holds the placeholder" in e["message"] for e in errors)
    target.write_text(_filled(text), encoding="utf-8")
    built = run_cli("build", "--out", "o", target.relative_to(project), cwd=project)
    assert built.code == 0, built.err
    assert sorted(p.name for p in (project / "o").glob("new-*")) == [f"new-{layout}.docx", f"new-{layout}.pdf"]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_example_shows_every_field_the_layout_prints(layout):
    """Required fields are written out; every other printed field is there, at least commented out."""
    info = LAYOUTS[layout]
    lines = (info.folder / EXAMPLE_FILE).read_text(encoding="utf-8").splitlines()
    written = {m[1] for line in lines if (m := re.match(r"([a-z_]+):", line))}
    mentioned = {m[1] for line in lines if (m := re.match(r"#\s?([a-z_]+):", line))}
    assert {"layout", "title", *info.requires} <= written
    assert set(info.prints) <= written | mentioned
    for i, line in enumerate(lines):  # each optional field says what it is for
        if re.match(r"#\s?[a-z_]+:", line):
            explained = "#" in line.split(":", 1)[1] or "<<" in line or lines[i - 1].startswith("# ")
            assert explained, f"{EXAMPLE_FILE} line {i + 1} has no explanation: {line}"
    assert lines[0] == "# yaml-language-server: $schema=SCHEMA"


def test_new_points_the_editor_at_the_project_schema(project, run_cli):
    """The first line names factsheets.schema.json relative to the record, for yaml-language-server."""
    (project / "sources" / "deep").mkdir()
    layout = sorted(LAYOUTS)[0]
    assert run_cli("new", layout, "sources/deep/x.yaml", cwd=project).code == 0
    first = (project / "sources" / "deep" / "x.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../factsheets.schema.json"


def test_new_never_overwrites_and_refuses_bad_names(project, run_cli):
    """An existing file is kept byte for byte; a name that cannot be an output name is refused."""
    layout = sorted(LAYOUTS)[0]
    existing = project / "sources" / "mine.yaml"
    existing.write_bytes(b"kept")
    result = run_cli("new", layout, "sources/mine.yaml", cwd=project)
    assert result.code == 2 and "already exists" in result.err and existing.read_bytes() == b"kept"
    bad = run_cli("new", layout, "sources/My Sheet.yaml", cwd=project)
    assert bad.code == 2 and "cannot be a sheet's output name" in bad.err
    assert not (project / "sources" / "My Sheet.yaml").exists()
    unknown = run_cli("new", layout[:-1] + "x", "sources/y.yaml", cwd=project)
    assert unknown.code == 2 and f"did you mean '{layout}'" in unknown.err
