"""Faults a scheduled run meets: unwritable or full disk, broken templates and fonts, symlinked outputs.

Each keeps the previous outputs byte for byte, leaves no temporary file and says what is wrong
in one located line. (test_errors.py has the monkeypatched fsync failure and a failing writer.)
"""

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile

import pytest

from pipeline.base import fonts

# Run from the scratch project; the sample's 2018 figure is stale, and these tests are not about that.
ARGS = ("build", "--out", "out", "--stale-months", "1000", "sources/laos-inl.yaml")


@pytest.fixture
def built(project, run_cli):
    """Build laos-inl once into project/out, then change the record so a rebuild differs."""
    record = project / "sources" / "laos-inl.yaml"
    assert run_cli(*ARGS, cwd=project).code == 0
    before = snapshot(project / "out")
    record.write_text(record.read_text(encoding="utf-8").replace("title: Laos", "title: Lao PDR"),
                      encoding="utf-8")
    return project, before


RUN_RECORDS = ("status.json", "CHANGES.md", "changes.json")  # meant to record the failure


def snapshot(folder):
    """Return {name: bytes} of every entry in a folder (temporary files included), but the run's
    own records of what happened, which a failed run updates (see test_status.py)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name not in RUN_RECORDS}


def test_unwritable_output_folder(built, run_cli, monkeypatch):
    """No permission to create files in the folder: named, previous outputs kept, nothing left."""
    project, before = built

    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # as root, chmod cannot take the right away
    result = run_cli(*ARGS, cwd=project)
    assert result.code == 1
    assert result.err == ("out:1:1: error: cannot record this build: Permission denied\n"
                          "  hint: the sheets were published or kept as reported; free space or fix permissions, "
                          "and the next run rebuilds what it cannot confirm\n"
                          "sources/laos-inl.yaml:1:1: error: cannot write out/laos-inl.docx and out/laos-inl.pdf: "
                          "Permission denied; nothing was replaced, the previous files were kept\n"
                          "  hint: check that out exists, is writable and has free space\n")
    assert snapshot(project / "out") == before


def test_disk_full_on_a_real_device(built, run_cli, monkeypatch):
    """Writes land on /dev/full, which fails with ENOSPC at flush: the old files stay."""
    project, before = built
    real_mkstemp = tempfile.mkstemp

    def full(*a, **k):
        fd, name = real_mkstemp(*a, **k)
        os.close(fd)
        os.unlink(name)  # the name is all we keep; every byte goes to the full device
        return os.open("/dev/full", os.O_WRONLY), name
    monkeypatch.setattr(tempfile, "mkstemp", full)
    result = run_cli(*ARGS, cwd=project)
    assert result.code == 1
    assert "cannot write" in result.err and "No space left on device" in result.err
    assert "nothing was replaced, the previous files were kept" in result.err
    assert snapshot(project / "out") == before


def test_a_sheet_whose_pdf_cannot_be_written_keeps_its_old_docx(built, run_cli, monkeypatch):
    """The disk fills after the .docx is written: neither file is replaced (was: new .docx, old .pdf)."""
    project, before = built
    real_mkstemp = tempfile.mkstemp
    calls = []

    def full_on_second(*a, **k):
        fd, name = real_mkstemp(*a, **k)
        calls.append(name)
        if len(calls) == 2:  # the .pdf: its bytes go to a full device
            os.close(fd)
            return os.open("/dev/full", os.O_WRONLY), name
        return fd, name
    monkeypatch.setattr(tempfile, "mkstemp", full_on_second)
    result = run_cli(*ARGS, cwd=project)
    assert result.code == 1
    assert result.err == ("sources/laos-inl.yaml:1:1: error: cannot write out/laos-inl.docx and out/laos-inl.pdf: "
                          "No space left on device; nothing was replaced, the previous files were kept\n"
                          "  hint: check that out exists, is writable and has free space\n")
    assert snapshot(project / "out") == before


def test_a_rename_failing_between_the_two_files_is_told_as_it_is(built, run_cli, monkeypatch):
    """If only the .docx could be renamed into place, the message says so and the next run rebuilds."""
    project, before = built
    real_replace = os.replace

    def refuse_pdf(source, target, *a, **k):
        if str(target).endswith(".pdf"):
            raise OSError(5, "Input/output error")
        return real_replace(source, target, *a, **k)
    monkeypatch.setattr(os, "replace", refuse_pdf)
    result = run_cli(*ARGS, cwd=project)
    monkeypatch.setattr(os, "replace", real_replace)
    assert result.code == 1
    assert result.err == ("sources/laos-inl.yaml:1:1: error: cannot publish out/laos-inl.docx and out/laos-inl.pdf: "
                          "Input/output error; only out/laos-inl.docx was replaced, so this sheet's files are of "
                          "different versions\n"
                          "  hint: fix out (free space, permissions); the next run rebuilds this sheet\n")
    after = snapshot(project / "out")
    assert after["laos-inl.pdf"] == before["laos-inl.pdf"] and after["laos-inl.docx"] != before["laos-inl.docx"]
    assert not list((project / "out").glob(".factsheets-*"))
    again = run_cli(*ARGS, cwd=project)
    assert again.code == 0 and "rebuilt laos-inl (sources/laos-inl.yaml): record edited" in again.out


def test_file_size_limit_in_a_real_process(built):
    """RLIMIT_FSIZE makes the kernel refuse the write (EFBIG), as a full quota would."""
    project, before = built

    # Below every sheet file, so each write fails, whatever the sizes of the formats.
    cap = min(len(data) for name, data in before.items() if name.endswith((".docx", ".pdf"))) // 2

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (cap, cap))
    result = subprocess.run([sys.executable, "-m", "pipeline", *ARGS], cwd=project,
                            preexec_fn=limit, capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert "error: cannot write" in result.stderr and "File too large" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(project / "out") == before


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_symlinked_output_is_replaced_not_written_through(built, run_cli, tmp_path, suffix):
    """out/laos-inl.pdf -> /tmp/victim: the link is replaced by the new sheet; the victim keeps its bytes."""
    project, before = built
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    link = project / "out" / f"laos-inl{suffix}"
    link.unlink()
    link.symlink_to(victim)
    assert run_cli(*ARGS, cwd=project).code == 0
    assert victim.read_bytes() == b"precious"
    assert not link.is_symlink() and link.read_bytes().startswith(b"%PDF" if suffix == ".pdf" else b"PK")


def test_dangling_symlink_output_is_replaced(built, run_cli, tmp_path):
    """A link to a file that does not exist yet is not followed to create it."""
    project, _ = built
    target = tmp_path / "created-through-link"
    link = project / "out" / "laos-inl.pdf"
    link.unlink()
    link.symlink_to(target)
    assert run_cli(*ARGS, cwd=project).code == 0
    assert not target.exists() and not link.is_symlink()


# fault: (change to make in templates/, returning the line it broke; the exact message, {line} filled in)
TEMPLATE_FAULTS = {
    "syntax error in a layout": (
        lambda t: _append(t / "inl-country-program" / "sheet.xml.j2", "{% if %}\n"),
        "templates/inl-country-program/sheet.xml.j2:{line}:1: error: template error: Expected an expression, "
        "got 'end of statement block'\n"),
    "syntax error in the macros": (
        lambda t: _append(t / "_macros.xml.j2", "{% for %}\n"),
        "templates/_macros.xml.j2:{line}:1: error: template error: Expected an expression, "
        "got 'end of statement block'\n"),
    "unknown filter in a branch no record may reach": (
        lambda t: _replace(t / "inl-country-program" / "sheet.xml.j2", "{{ sheet.subtitle }}",
                           "{{ sheet.subtitle | emphasise }}"),
        "templates/inl-country-program/sheet.xml.j2:{line}:1: error: template error: unknown filter 'emphasise'\n"),
    "unknown test": (
        lambda t: _replace(t / "_macros.xml.j2", "{% if rich %}", "{% if rich is shiny %}"),
        "templates/_macros.xml.j2:{line}:1: error: template error: unknown test 'shiny'\n"),
    "misspelt sheet field": (
        lambda t: _replace(t / "embassy-section" / "sheet.xml.j2", "sheet.highlight", "sheet.hilight"),
        "templates/embassy-section/sheet.xml.j2:{line}:1: error: template error: unknown sheet field 'hilight' "
        "— did you mean 'highlight'?\n  hint: known: classification, classification_mark, cleared, country, date, dateline, doc_type, "
        "draft, drafted, highlight, id, issuer, layout, lead, notes, seal, sections, sources, subtitle, title\n"),
    "template linked to a file outside templates/": (
        lambda t: _link(t / "_macros.xml.j2", "/etc/hostname"),
        "templates/_macros.xml.j2:1:1: error: this template is a link to a file outside the templates folder\n"
        "  hint: copy the file into the templates folder instead of linking it\n"),
    "template that is not UTF-8": (
        lambda t: (t / "_macros.xml.j2").write_bytes(b"{# caf\xe9 #}\n"),
        "templates/_macros.xml.j2:1:1: error: the template is not UTF-8 text (invalid continuation byte "
        "at byte 6)\n  hint: save it as UTF-8\n"),
}


def _append(path, text) -> int:
    """Append a line to a file; return its line number."""
    old = path.read_text(encoding="utf-8")
    path.write_text(old + text, encoding="utf-8")
    return old.count("\n") + 1


def _replace(path, old, new) -> int:
    """Replace the first `old` in a file; return the line it is on."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def _link(path, target) -> None:
    """Replace a file by a symbolic link to `target`."""
    path.unlink()
    path.symlink_to(target)


@pytest.mark.parametrize("fault", sorted(TEMPLATE_FAULTS))
def test_broken_template_is_refused_before_any_output(fault, built, run_cli):
    """Every template is checked at start, whatever records will use: exit 2, file and line named."""
    project, before = built
    change, message = TEMPLATE_FAULTS[fault]
    line = change(project / "templates")
    result = run_cli(*ARGS, cwd=project)
    assert result.code == 2
    assert result.err == message.format(line=line)
    assert snapshot(project / "out") == before


@pytest.fixture
def font_dir(tmp_path, monkeypatch):
    """Return a scratch copy of the bundled fonts that the pipeline loads instead of its own."""
    copy = tmp_path / "fonts"
    shutil.copytree(fonts.FONT_DIR, copy)
    monkeypatch.setattr(fonts, "FONT_DIR", copy)
    for cached in (fonts._ttfont, fonts._verified, fonts.coverage, fonts.family_coverage, fonts._register,
                   fonts.register_pdf_fonts):
        cached.cache_clear()
    yield copy
    for cached in (fonts._ttfont, fonts._verified, fonts.coverage, fonts.family_coverage, fonts._register,
                   fonts.register_pdf_fonts):
        cached.cache_clear()  # monkeypatch puts the real folder back; forget the copies


FONT_FAULTS = {
    "missing": (lambda f: f.unlink(), "cannot read the bundled font: No such file or directory"),
    "truncated": (lambda f: f.write_bytes(f.read_bytes()[:1000]),
                  "the bundled font is damaged or was replaced (its checksum differs)"),
    "replaced by another font": (lambda f: f.write_bytes((f.parent / "LiberationSerif-Regular.ttf").read_bytes()),
                                 "the bundled font is damaged or was replaced (its checksum differs)"),
}


@pytest.mark.parametrize("fault", sorted(FONT_FAULTS))
def test_missing_or_damaged_font_is_refused_before_rendering(fault, built, font_dir, run_cli):
    """No silent fallback to another font: exit 2, the font file named, nothing written."""
    project, before = built
    damage, message = FONT_FAULTS[fault]
    font = font_dir / "LiberationSerif-Bold.ttf"
    damage(font)
    result = run_cli(*ARGS, cwd=project)
    assert result.code == 2
    assert result.err == (f"{font}:1:1: error: {message}\n"
                          f"  hint: reinstall factsheets (make clean && make run) to restore its fonts\n")
    assert snapshot(project / "out") == before


def test_a_font_that_passes_the_checksum_but_cannot_be_parsed_is_refused(built, font_dir, monkeypatch, run_cli):
    """Even with a matching checksum, an unreadable font stops the run (exit 2) before any file is written."""
    project, before = built
    font = font_dir / "LiberationSerif-Italic.ttf"
    font.write_bytes(b"not a font")
    monkeypatch.setitem(fonts.SHA256, "LiberationSerif-Italic",
                        __import__("hashlib").sha256(b"not a font").hexdigest())
    result = run_cli(*ARGS, cwd=project)
    assert result.code == 2
    assert result.err.startswith(f"{font}:1:1: error: cannot read the bundled font:")
    assert snapshot(project / "out") == before
