"""The look is checked where it is written: a broken stylesheet or layout stops every command at its line."""

import dataclasses
import shutil

import badlook
import pytest
from conftest import ROOT

from pipeline.document.look import PARTS, WRITER_STYLES, settable
from pipeline.layouts.loader import load_layouts
from pipeline.layouts.stylesheet import load_look

CASES = badlook.cases()


def test_there_are_cases_for_each_kind_of_look_mistake():
    """Every case has a reviewed expected message."""
    assert len(CASES) >= 8
    assert all(case.with_suffix(".expected").exists() for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_check_and_build_refuse_it_at_its_line(case, tmp_path):
    """`check` and `build` both exit 2 with the golden message; build writes nothing at all."""
    folder = badlook.project_with(case, tmp_path)
    expected = case.with_suffix(".expected").read_text(encoding="utf-8")
    checked = badlook.run(folder, "check")
    built = badlook.run(folder, "build", "--out", "out")
    for result in (checked, built):
        assert (result.returncode, result.stderr) == (2, expected)
        assert "Traceback" not in result.stderr
    first = expected.splitlines()[0]
    path, line, column, rest = first.split(":", 3)
    assert (folder / path).is_file() and line.isdigit() and column.isdigit()
    assert rest.startswith(" error: ")
    assert not (folder / "out").exists()


def test_every_layout_resolves_every_setting():
    """Each layout's look has every part and every style the writers apply, all checked values."""
    base = load_look(ROOT / "templates" / "styles.yaml")
    for name, layout in load_layouts(ROOT / "templates").items():
        names = {style.name for style in layout.look.styles}
        assert set(WRITER_STYLES) <= names, name
        assert {s.name for s in base.styles} <= names, name  # a layout adds to the base, never loses
        for key, cls in PARTS.items():
            part = getattr(layout.look, key)
            assert isinstance(part, cls) and set(settable(cls)) == {f.name for f in dataclasses.fields(part)}


def test_a_layout_override_changes_only_that_layout(tmp_path):
    """A watermark opacity in one layout.yaml reaches that layout's look and no other."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    layout_file = tmp_path / "templates" / "embassy-section" / "layout.yaml"
    layout_file.write_text(layout_file.read_text(encoding="utf-8") + "watermark:\n  opacity: 0.3\n",
                           encoding="utf-8")
    layouts = load_layouts(tmp_path / "templates")
    assert layouts["embassy-section"].look.watermark.opacity == 0.3
    others = {layout.look.watermark.opacity for name, layout in layouts.items() if name != "embassy-section"}
    assert others == {0.5}
