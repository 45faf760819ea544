"""The stylesheet stands apart from the layouts: styles.yaml reads into a Look with no template in sight."""

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

from pipeline.base.errors import ConfigError
from pipeline.document.look import WRITER_STYLES
from pipeline.layouts.configfile import config_mapping
from pipeline.layouts.loader import load_layouts
from pipeline.layouts.stylesheet import STYLES_FILE, load_look, overlay


def test_a_stylesheet_loads_without_any_layout(tmp_path):
    """A folder holding only styles.yaml gives the same base look as the project's templates/."""
    shutil.copy(ROOT / "templates" / STYLES_FILE, tmp_path / STYLES_FILE)
    alone = load_look(tmp_path / STYLES_FILE)
    assert alone == load_look(ROOT / "templates" / STYLES_FILE)
    assert set(WRITER_STYLES) <= {style.name for style in alone.styles}


def test_overlay_changes_only_what_a_layout_sets(tmp_path):
    """A layout's look settings go over the base: the settings it names change, the rest stay the base's."""
    base = load_look(ROOT / "templates" / STYLES_FILE)
    layout = tmp_path / "layout.yaml"
    layout.write_text("watermark:\n  opacity: 0.3\nstyles:\n  Normal: {size: 13}\n  Pull Quote: {italic: true}\n",
                      encoding="utf-8")
    look = overlay(config_mapping(layout, "layout.yaml", ("watermark", "styles")), "layout.yaml", base)
    assert look.watermark.opacity == 0.3 and look.watermark.angle == base.watermark.angle
    assert look.style("Normal").size == 13 and look.style("Normal").space_after == base.style("Normal").space_after
    assert look.style("Pull Quote").italic
    assert look.page == base.page and base.style("Normal").size != 13  # the base itself is untouched


def test_the_stylesheet_needs_no_template_engine():
    """Reading the look imports no Jinja2: the stylesheet is not part of the template loader."""
    code = "import sys, pipeline.layouts.stylesheet; print('jinja2' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "False"


def test_errors_name_files_as_every_message_does_without_being_told(tmp_path, monkeypatch):
    """A broken styles.yaml, loaded by absolute path, is named relative to the working folder (and
    escaped), as base.paths.display names it: no caller passes a way of naming paths down any more."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    styles = tmp_path / "templates" / STYLES_FILE
    styles.write_text(styles.read_text(encoding="utf-8").replace("opacity: 0.5", "opacity: lots"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for load in (lambda: load_look(styles), lambda: load_layouts(tmp_path / "templates")):
        with pytest.raises(ConfigError) as caught:
            load()
        assert caught.value.diagnostics[0].location.path == "templates/styles.yaml"
