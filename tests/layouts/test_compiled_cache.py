"""A layout template's compiled code is kept in the user's cache: reused only for the same source, file and code."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.base import diskcache
from pipeline.layouts import loader

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A private, empty cache folder of this test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(diskcache.FOLDER_VARIABLE, str(folder))
    monkeypatch.delenv(diskcache.OFF_VARIABLE, raising=False)
    return folder / loader.CODE_CACHE


def _templates(tmp_path: Path) -> Path:
    """Copy the project's templates; return the copy."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return tmp_path / "templates"


def _rendered(layouts: dict) -> dict[str, tuple]:
    """Return each layout's template's code name and source file, as Jinja keeps them."""
    return {name: (layout.template.name, layout.template.filename) for name, layout in sorted(layouts.items())}


def test_every_template_is_compiled_once_then_read_from_the_cache(tmp_path, cache, monkeypatch):
    templates = _templates(tmp_path)
    first = loader.load_layouts(templates)
    entries = sorted(cache.iterdir())
    assert len(entries) == len(list(templates.rglob("*.j2")))  # one compiled template each, macros too
    compiled = []
    monkeypatch.setattr("jinja2.Environment.compile", lambda *a, **k: compiled.append(a) or None)
    again = loader.load_layouts(templates)
    assert compiled == []  # nothing compiled: every template's code came from the cache
    assert _rendered(again) == _rendered(first)
    assert sorted(cache.iterdir()) == entries


def test_an_edited_template_is_compiled_afresh(tmp_path, cache):
    templates = _templates(tmp_path)
    loader.load_layouts(templates)
    before = set(cache.iterdir())
    sheet = sorted(templates.glob(f"*/{loader.TEMPLATE_FILE}"))[0]
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\n{# edited #}\n", encoding="utf-8")
    loader.load_layouts(templates)
    assert len(set(cache.iterdir()) - before) == 1  # that template alone, under a key of its new source


def test_the_same_sheets_from_cached_code_in_a_new_process(tmp_path, cache):
    """Two fresh processes, the second reading every template's code from the cache, write the same bytes."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "sources", project / "sources")
    shutil.copytree(ROOT / "templates", project / "templates")
    outputs = []
    for run in ("first", "second"):
        done = subprocess.run([sys.executable, "-m", "pipeline", "build", "--no-daemon", "--out", run, "-q"],
                              cwd=project, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outputs.append({p.name: p.read_bytes() for p in sorted((project / run).glob("*.*")) if p.suffix in (".docx", ".pdf")})
    assert outputs[0] and outputs[0] == outputs[1]


def test_a_damaged_entry_is_compiled_again(tmp_path, cache):
    templates = _templates(tmp_path)
    first = loader.load_layouts(templates)
    for entry in cache.iterdir():
        entry.write_bytes(entry.read_bytes()[:-1] + b"\0")  # its checksum no longer matches
    again = loader.load_layouts(templates)
    assert _rendered(again) == _rendered(first)
