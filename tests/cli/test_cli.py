"""The command line: commands, exit codes, help, and what it writes (or does not)."""

import subprocess
import sys

import readback
from conftest import RECORDS, ROOT, sheets_in
from records import sheet_names


def test_check_validates_and_writes_nothing(project, run_cli):
    """`check` renders in memory only: exit 0, no output folder appears."""
    result = run_cli("check", cwd=project)
    assert result.code == 0
    assert result.out.strip().split(";")[0] == f"factsheets: checked {len(RECORDS)} of {len(RECORDS)} records"
    assert not (project / "output").exists()


def test_build_defaults_to_sources_and_output(project, run_cli):
    """With no arguments, every record of sources/ goes to output/."""
    result = run_cli("build", cwd=project)
    assert result.code == 0, result.err
    assert sheets_in(project / "output") == sheet_names(RECORDS)


def test_format_option_writes_one_format(project, run_cli):
    """--format pdf writes only the PDF."""
    assert run_cli("build", "--format", "pdf", "--out", "o", "sources/laos-inl.yaml", cwd=project).code == 0
    assert sheets_in(project / "o") == ["laos-inl.pdf"]


def test_usage_errors_exit_2(project, run_cli):
    """A missing path or a broken template is a configuration error: exit 2, nothing written."""
    result = run_cli("build", "no/such.yaml", cwd=project)
    assert result.code == 2 and "no/such.yaml:1:1: error: no such file or folder" in result.err
    template = project / "templates" / "inl-country-program" / "sheet.xml.j2"
    template.write_text(template.read_text() + "\n{% if %}\n")
    result = run_cli("build", cwd=project)
    assert result.code == 2
    assert "templates/inl-country-program/sheet.xml.j2:" in result.err and "template error" in result.err
    assert not (project / "output").exists()


def test_bad_option_exits_2():
    """argparse's usage errors use exit code 2 as documented."""
    result = subprocess.run([sys.executable, "-m", "pipeline", "build", "--format", "rtf"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_help_documents_commands_and_exit_codes():
    """`--help` lists the three commands and the exit codes."""
    result = subprocess.run([sys.executable, "-m", "pipeline", "--help"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0
    for word in ("build", "watch", "check", "layouts", "exit codes", "0   every record", "1   one or more",
                 "2   usage", "75  another run holds"):
        assert word in result.stdout


def test_layouts_lists_layouts_and_fields(run_cli):
    """`layouts` names each layout with the fields it requires and uses."""
    result = run_cli("layouts")
    assert result.code == 0
    assert "inl-country-program\n" in result.out and "embassy-section\n" in result.out
    assert "requires: issuer, date" in result.out and "highlight" in result.out


def test_draft_status_watermarks_every_page_of_both_formats(project, run_cli):
    """status: draft puts DRAFT on every PDF page and a watermark in the Word header."""
    record = project / "sources" / "laos-inl.yaml"
    record.write_text(record.read_text(encoding="utf-8") + "status: draft\n", encoding="utf-8")
    assert run_cli("build", "--out", "o", "sources/laos-inl.yaml", cwd=project).code == 0
    pages = readback.pdf_pages(project / "o" / "laos-inl.pdf")
    assert len(pages) == 2 and all("DRAFT" in page for page in pages)
    headers = [xml for name, xml in readback.docx_parts(project / "o" / "laos-inl.docx").items()
               if name.startswith("word/header")]
    assert any('descr="DRAFT"' in xml for xml in headers)


def test_final_status_has_no_watermark(built):
    """A final sheet carries no DRAFT anywhere."""
    assert not any("DRAFT" in page for page in readback.pdf_pages(built["laos-inl"]["pdf"]))
    assert not any("DRAFT" in xml for xml in readback.docx_parts(built["laos-inl"]["docx"]).values())


def test_console_script_and_module_agree():
    """`python -m pipeline` is the same program as the console script."""
    result = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True)
    assert result.stdout.startswith("factsheets ")


def test_a_reader_that_stops_early_gets_no_traceback():
    """`factsheets layouts | head -1`: exit 141 as for SIGPIPE, nothing on stderr."""
    import os
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before anything is written: every write fails
    try:
        proc = subprocess.run([sys.executable, "-m", "pipeline", "layouts"], cwd=ROOT, stdout=write_end,
                              stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(write_end)
    assert proc.returncode == 141
    assert proc.stderr == b""
