"""Everything a sheet prints about a shared figure is an input: label, unit, source and as-of rebuild
exactly the sheets whose bytes they change, and the change report names the attribute.

The oracle is a build from scratch: a sheet must be rebuilt exactly when a fresh build of the edited
project gives it other bytes than its published ones (before the fix, a new source or as-of rebuilt
nothing and the published sheets kept the old note for ever).
"""

import datetime as dt
import io
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from pipeline.cli import command as cli

DATA = sorted((ROOT / "sources" / "data").glob("*.yaml"))
ATTRIBUTES = ("label", "unit", "source", "as_of")  # what a shipped template prints about a figure
SHEETS = (".docx", ".pdf")


def _yaml() -> YAML:
    """Return the round-trip YAML the tests edit data files with (comments and order kept)."""
    yaml = YAML(typ="rt")
    yaml.width = 4096
    return yaml


def _figures(path: Path) -> dict:
    """Return a data file's figures as a round-trip mapping."""
    return _yaml().load(path.read_text(encoding="utf-8"))


CASES = [(path.name, name, attribute) for path in DATA for name in _figures(path) for attribute in ATTRIBUTES]


def _cli(cwd: Path, *args) -> tuple[int, str]:
    """Run the CLI in `cwd`; return its exit code and what it printed."""
    old, out = os.getcwd(), io.StringIO()
    os.chdir(cwd)
    try:
        import contextlib
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = cli.main([str(a) for a in args])
    finally:
        os.chdir(old)
    return code, out.getvalue()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """Return a project built once (sources, templates, output), to be copied by each test."""
    folder = tmp_path_factory.mktemp("pristine")
    shutil.copytree(ROOT / "sources", folder / "sources")
    shutil.copytree(ROOT / "templates", folder / "templates")
    code, _ = _cli(folder, "build", "--jobs", "1")
    assert code == 0
    return folder


def _copy(pristine: Path, to: Path) -> Path:
    """Return a fresh copy of the built project at `to`."""
    if to.exists():
        shutil.rmtree(to)
    shutil.copytree(pristine, to, copy_function=shutil.copy2)
    return to


def _sheets(folder: Path) -> dict[str, bytes]:
    """Return the bytes of every sheet in a folder, by name."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix in SHEETS}


def _rebuild_and_compare(project: Path) -> tuple[set[str], set[str], str]:
    """Build incrementally, then from scratch elsewhere; return (rebuilt ids, ids whose bytes the
    fresh build changes, the incremental run's output)."""
    before = _sheets(project / "output")
    _, printed = _cli(project, "build", "--jobs", "1")
    rebuilt = set(re.findall(r"^rebuilt (\S+) \(", printed, re.M))
    _cli(project, "build", "--jobs", "1", "--out", "fresh")
    fresh = _sheets(project / "fresh")
    changed = {name.rsplit(".", 1)[0] for name, blob in fresh.items() if before.get(name) != blob}
    # Incremental and fresh builds agree on every sheet both made.
    assert {n: b for n, b in _sheets(project / "output").items() if n in fresh} == fresh
    return rebuilt, changed, printed


def _new_value(attribute: str, old):
    """Return a different value for an attribute (set it when it was missing)."""
    if attribute == "as_of":
        return (old or dt.date(2020, 1, 1)) + dt.timedelta(days=400)
    return f"{old or attribute} (revised)"


def _set(project: Path, file: str, figure: str, attribute: str, value) -> None:
    """Set one attribute of one figure in a data file, keeping the rest of the file as written."""
    path = project / "sources" / "data" / file
    yaml, doc = _yaml(), _figures(path)
    if value is None:
        doc[figure].pop(attribute, None)
    else:
        doc[figure][attribute] = value
    out = io.StringIO()
    yaml.dump(doc, out)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("file, figure, attribute", CASES)
def test_each_printed_attribute_rebuilds_exactly_the_sheets_it_changes(pristine, tmp_path, file, figure, attribute):
    """Fails on the old code for every source, as_of and cited label: the old run rebuilt nothing."""
    project = _copy(pristine, tmp_path / "p")
    old = _figures(project / "sources" / "data" / file)[figure].get(attribute)
    new = _new_value(attribute, old)
    _set(project, file, figure, attribute, new)
    rebuilt, changed, printed = _rebuild_and_compare(project)
    assert rebuilt == changed
    if rebuilt and old is not None:
        name = f"data.{file.removesuffix('.yaml')}.{figure}"
        assert f"  {attribute} of {name}: '{old}' → '{new}'" in printed.splitlines()


def test_a_new_source_rebuilds_the_sheets_whose_sources_note_prints_it(pristine, tmp_path):
    """The bug as filed: a shared figure's source is printed in the Sources note, so a new one rebuilds
    exactly the sheets citing it, and the report and CHANGES.md say what changed."""
    project = _copy(pristine, tmp_path / "p")
    citing = sorted(p.stem for p in (project / "output").glob("*.docx") if _cites(project, p.stem))
    assert citing, "no sample sheet cites the UNODC survey"
    _set(project, "unodc.yaml", "laos_opium_ha", "source", "UNODC <2024> *survey*")
    _, printed = _cli(project, "build", "--jobs", "1")
    assert sorted(re.findall(r"^rebuilt (\S+) \(", printed, re.M)) == citing
    line = "source of data.unodc.laos_opium_ha: 'UNODC Southeast Asia Opium Survey' → 'UNODC <2024> *survey*'"
    assert f"  {line}" in printed.splitlines()
    changes = (project / "output" / "CHANGES.md").read_text(encoding="utf-8")
    # What a person typed is escaped in Markdown: it cannot turn into emphasis or HTML there.
    assert r"'UNODC \<2024\> \*survey\*'" in changes
    for sheet in citing:
        assert b"UNODC <2024> *survey*" in _docx_text(project / "output" / f"{sheet}.docx")


def _cites(project: Path, sheet: str) -> bool:
    """Return True when a built sheet's Word text cites the UNODC survey."""
    return b"UNODC Southeast Asia Opium Survey" in _docx_text(project / "output" / f"{sheet}.docx")


def _docx_text(path: Path) -> bytes:
    """Return the document part of a .docx, with its XML escapes undone."""
    import zipfile
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return re.sub(r"<[^>]+>", "", xml).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").encode()


TEXT = st.from_regex(r"[A-Z][a-z0-9 ]{0,12}[a-z0-9]", fullmatch=True)


@st.composite
def _edits(draw):
    """Draw a few edits of the shipped data files: values, years, and printed attributes."""
    edits = []
    for _ in range(draw(st.integers(1, 3))):
        file = draw(st.sampled_from(DATA))
        figures = _figures(file)
        figure = draw(st.sampled_from(sorted(figures)))
        kind = draw(st.sampled_from(["value", "year", *ATTRIBUTES]))
        if kind == "value":
            edits.append((file.name, figure, "value", draw(st.integers(0, 10**8))))
        elif kind == "year":
            edits.append((file.name, figure, "year", draw(st.integers(2000, 2030))))
        elif kind == "as_of":
            edits.append((file.name, figure, kind, draw(st.none() | st.dates(dt.date(2015, 1, 1), dt.date(2026, 1, 1)))))
        else:
            edits.append((file.name, figure, kind, draw(st.none() | TEXT)))
    return edits


def _apply(project: Path, edits) -> None:
    """Apply drawn edits: a value (single or one year of a series), a year added, or an attribute."""
    for file, figure, kind, value in edits:
        path = project / "sources" / "data" / file
        yaml, doc = _yaml(), _figures(path)
        entry = doc[figure]
        if kind == "value" and "values" in entry:
            years = sorted(entry["values"])
            entry["values"][years[value % len(years)]] = value
        elif kind == "value":
            entry["value"] = value
        elif kind == "year" and "values" in entry:
            entry["values"][value] = value * 3
        elif kind in ATTRIBUTES:
            _set_in(entry, kind, value)
        out = io.StringIO()
        yaml.dump(doc, out)
        path.write_text(out.getvalue(), encoding="utf-8")


def _set_in(entry, attribute: str, value) -> None:
    """Set or remove one attribute of a figure entry."""
    if value is None:
        entry.pop(attribute, None)
    else:
        entry[attribute] = value


@pytest.mark.slow
@settings(max_examples=examples(10), deadline=None,  # fixed examples in CI, fresh ones when exploring
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(edits=_edits())
def test_rebuilt_sheets_are_exactly_those_whose_bytes_change(pristine, tmp_path, edits):
    """Property: for random edits of the data files, an incremental build rebuilds exactly the sheets a
    build from scratch gives new bytes, and publishes the same bytes as that build."""
    project = _copy(pristine, tmp_path / "p")
    _apply(project, edits)
    rebuilt, changed, _ = _rebuild_and_compare(project)
    assert rebuilt == changed
