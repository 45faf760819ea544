"""Hostile or broken .docx files are refused by `import docx` with a plain message, before any harm."""

import io
import os
import zipfile

import pytest
import wordedit

from pipeline.authoring import docxread

DOC = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
       '<w:p><w:r><w:t>{}</w:t></w:r></w:p></w:body></w:document>')


def _package(path, members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members:
            package.writestr(name, data)
    path.write_bytes(out.getvalue())
    return path


@pytest.mark.parametrize("members, said", [
    ([("word/document.xml", b"\0" * (9 * 1024 * 1024))], "zip bomb"),
    ([("word/document.xml", os.urandom(5 * 1024 * 1024).hex().encode())], "MB of XML"),
    ([(f"word/media/p{i}.xml", b"x") for i in range(600)], "parts"),
    ([("word/document.xml", b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
                            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><d>&b;</d>')], "DTD or entities"),
    ([("word/document.xml", b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                            b'<d>&x;</d>')], "DTD or entities"),
    ([("word/document.xml", b"<w:document")], "not well-formed"),
    ([("word/other.xml", DOC.format("x").encode())], "no word/document.xml"),
], ids=["zip-bomb", "huge-xml", "many-parts", "billion-laughs", "external-entity", "broken-xml", "no-body"])
def test_refused_before_harm(tmp_path, members, said):
    path = _package(tmp_path / "hostile.docx", members)
    with pytest.raises(docxread.Refused, match=said):
        docxread.read(path)


def test_not_a_zip_is_refused_through_the_cli(project, run_cli):
    path = project / "letter.docx"
    path.write_bytes(b"{\\rtf1 a Word 97 file saved as .docx by mistake}")
    shown = run_cli("import", "docx", path, cwd=project)
    assert shown.code != 0 and "letter.docx" in shown.err and "not a zip package" in shown.err
    assert "Traceback" not in shown.err


def test_links_to_outside_files_are_listed_never_opened(project, run_cli, tmp_path):
    assert run_cli("build", cwd=project).code == 0
    path = project / "edited.docx"
    path.write_bytes((project / "output/laos-inl.docx").read_bytes())
    secret = tmp_path / "secret.txt"
    secret.write_text("never read")
    rel = (f'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
           f'relationships/attachedTemplate" Target="file://{secret}" TargetMode="External"/>')
    wordedit.rewrite_part(path, "word/_rels/document.xml.rels",
                          lambda data: data.replace(b"</Relationships>", rel.encode() + b"</Relationships>"))
    before = os.stat(secret).st_atime_ns
    shown = run_cli("import", "docx", path, cwd=project)
    assert shown.code == 0, shown.err
    # The target is named, shortened in the middle when long (a test's temporary folder can be).
    assert "the file links to something outside it (file://" in shown.out
    assert "it was not opened" in shown.out
    assert os.stat(secret).st_atime_ns == before


def test_a_record_that_is_a_symbolic_link_is_neither_read_nor_written(project, run_cli, tmp_path):
    """The import reads and writes the record by the rule of every project file: never through a link."""
    assert run_cli("build", cwd=project).code == 0
    edited = project / "edited.docx"
    edited.write_bytes((project / "output/laos-inl.docx").read_bytes())
    record = project / "sources" / "laos-inl.yaml"
    outside = tmp_path / "outside.yaml"
    outside.write_bytes(record.read_bytes())
    record.unlink()
    record.symlink_to(outside)
    before = outside.read_bytes()
    shown = run_cli("import", "docx", edited, "--into", "sources/laos-inl.yaml", "--write", cwd=project)
    assert shown.code != 0 and "symbolic link" in shown.err and "Traceback" not in shown.err, shown.err
    assert outside.read_bytes() == before
