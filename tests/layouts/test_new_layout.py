"""A layout added as docs/adding-a-layout.md says needs no test edits: the layout-generic checks take it.

In a temporary project a layout is copied under a new name, printing one field fewer than its
original (its subtitle, as a new layout may print fewer fields), with a sample record: the copy
builds in both formats, the page-parity records generated for it use only the fields it prints,
its PDF passes the accessibility checks, and (slow) LibreOffice breaks its pages where the PDF does.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import parity
import pikepdf
import pytest
import readback
import records
import tagged
import yaml
from conftest import RECORDS, ROOT

from pipeline.layouts.loader import load_layouts

NEW = "copied-layout"
# The optional subtitle paragraph of a template: what the copy leaves out.
SUBTITLE = re.compile(r"\{% if sheet\.subtitle %\}\s*<p [^>]*>\{\{ sheet\.subtitle \}\}</p>\s*\{% endif %\}\n")
PDFUA = shutil.which("pdfua", path=str(Path(sys.executable).parent))


def _original() -> str:
    """Return the first layout with a sample that the parity records take and whose subtitle is optional."""
    free = parity.free_layouts()
    sampled = {record.layout for record in RECORDS}
    for name in sorted(free & sampled):
        if SUBTITLE.search((ROOT / "templates" / name / "sheet.xml.j2").read_text(encoding="utf-8")):
            return name
    pytest.skip("no sampled layout prints an optional subtitle to leave out")


@pytest.fixture(scope="module")
def copied(tmp_path_factory):
    """Return a project whose only record is a sample moved onto a copy of its layout (named NEW)."""
    project, original = tmp_path_factory.mktemp("new-layout"), _original()
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(ROOT / "sources", project / "sources")
    for record in (project / "sources").glob("*.yaml"):
        record.unlink()
    shutil.copytree(project / "templates" / original, project / "templates" / NEW)
    template = project / "templates" / NEW / "sheet.xml.j2"
    template.write_text(SUBTITLE.sub("", template.read_text(encoding="utf-8")), encoding="utf-8")
    prints = load_layouts(project / "templates")[NEW].prints
    assert "subtitle" not in prints
    sample = next(r for r in RECORDS if r.layout == original)
    data = yaml.safe_load(sample.file.read_text(encoding="utf-8"))
    data = {k: v for k, v in data.items() if k in prints or k in ("layout", "figures")}
    data.update(layout=NEW, id=f"{NEW}-sample")
    (project / "sources" / f"{NEW}-sample.yaml").write_text(
        yaml.dump(data, Dumper=parity._Dumper, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    return project


def _build(run_cli, project, *args):
    """Build the project's records into project/out; return the CLI's result."""
    return run_cli("build", project / "sources", "--out", project / "out", "--templates", project / "templates",
                   "--stale-months", "1000", *args)


def test_the_copy_builds_both_formats_with_its_text(copied, run_cli):
    """Both formats are written and hold the sample's title."""
    result = _build(run_cli, copied)
    assert result.code == 0, result.err
    (sample,) = records.samples(copied / "sources", copied / "templates")
    title = yaml.safe_load(sample.file.read_text(encoding="utf-8"))["title"]
    assert readback.normalize(title) in readback.docx_text(copied / "out" / f"{sample.id}.docx")
    assert readback.squash(title) in readback.squash(readback.pdf_text(copied / "out" / f"{sample.id}.pdf"))


def test_the_parity_records_generated_for_it_use_only_the_fields_it_prints(copied, run_cli, tmp_path):
    """The generated page-parity records pass `check` on the copy (they gave every layout a subtitle)."""
    sources = tmp_path / "sources"
    shutil.copytree(copied / "sources", sources)
    files = parity.write_generated(sources, lambda f: parity.pdf_page_count(f, sources, copied / "templates"),
                                   pages=(1, 2), templates=copied / "templates")
    assert sorted(files) == [1, 2]
    result = run_cli("check", *files.values(), "--templates", copied / "templates", "--stale-months", "1000")
    assert result.code == 0, result.err


def test_its_pdf_passes_the_accessibility_checks(copied, run_cli):
    """Tagged, titled and in a language; all painting tagged or an artifact; no pdfua finding."""
    assert _build(run_cli, copied).code == 0
    pdf_path = copied / "out" / f"{NEW}-sample.pdf"
    with pikepdf.open(pdf_path) as pdf:
        assert pdf.Root.MarkInfo.Marked is True and str(pdf.Root.Lang)
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        for page in pdf.pages:
            assert tagged.page_marks(page).untagged == []
    if PDFUA:
        result = subprocess.run([PDFUA, "check", str(pdf_path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.slow
@pytest.mark.skipif(not (parity.SOFFICE and parity.PDFTOTEXT), reason="LibreOffice and poppler are installed "
                                                                       "by .ci/run")
def test_libreoffice_breaks_its_pages_where_the_pdf_does(copied, tmp_path):
    """Its sample and generated sheets of one to five pages: same page count, same first and last words."""
    sheets = parity.build_sheets(tmp_path, copied / "sources", copied / "templates")
    assert len(sheets) == 1 + len(parity.GENERATED_PAGES)
    for sheet in sheets:
        found = sheet.parity()
        assert found.ok, f"{sheet.id}:\n{found.describe()}"
