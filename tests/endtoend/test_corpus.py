"""Hostile input: every corpus case goes through the real CLI beside a good record.

A refused case must print exactly its expected diagnostics and write nothing; an accepted one
must print nothing on stderr and show its expected text in both formats. In either case the
companion record still builds, no traceback is printed and no payload runs.
"""

import pytest
import readback
from corpus import COMPANION, COMPANION_ID, MARKER, ROOT, case_id, cases, read_expected, run_case
from sheets import document, furniture_lines

CASES = cases()


def test_the_corpus_covers_every_category_with_reviewed_outcomes():
    """At least 150 cases over YAML, text, figures and paths; each says why and what must happen."""
    assert len(CASES) >= 150
    assert {case.parent.name for case in CASES} == {"yaml", "text", "figures", "paths"}
    for case in CASES:
        expected = read_expected(case)
        assert expected.why and expected.exit in (0, 1), case
        assert expected.texts if expected.exit == 0 else expected.stderr, case


@pytest.mark.slow  # over a hundred real CLI runs: about two minutes
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_corpus_case(case, tmp_path):
    """The case gets its exact outcome; the companion is built; no traceback, no payload."""
    expected = read_expected(case)
    result = run_case(case, tmp_path, expected)
    assert "Traceback" not in result.err
    assert not (tmp_path / MARKER).exists()
    assert result.code == expected.exit, result.err
    lines = result.out.splitlines()  # a name cannot forge a line: each is a report line, one the summary
    assert all(line.startswith(("rebuilt ", "  ", "factsheets: ")) for line in lines), lines
    assert sum(line.startswith("factsheets: ") for line in lines) == 1, lines
    for line in lines + result.err.splitlines():  # nothing a terminal would act on (ESC) or hide
        assert line.isprintable(), line
    out = tmp_path / "out"
    companion = {f"{COMPANION_ID}.docx", f"{COMPANION_ID}.pdf"}
    bookkeeping = {"manifest.json", ".stamps.json", "changes.json", "CHANGES.md", "status.json", ".map"}
    written = {p.name for p in out.iterdir()} - bookkeeping
    maps = {p.name for p in (out / ".map").iterdir()} if (out / ".map").is_dir() else set()
    assert maps <= {name.rsplit(".", 1)[0] + ".json" for name in written}  # a sheet's map only beside it
    if expected.exit == 0:
        assert result.err == ""
        assert "2 records: 2 rebuilt, 0 up to date, 0 failed" in result.out
        [docx] = [out / n for n in written - companion if n.endswith(".docx")]
        [pdf] = [out / n for n in written - companion if n.endswith(".pdf")]
        assert written == companion | {docx.name, pdf.name}
        _assert_texts(expected.texts, docx, body_text(result.record, pdf))
    else:
        assert result.err == expected.stderr
        assert "2 records: 1 rebuilt, 0 up to date, 1 failed" in result.out
        assert "; failed: sources/" in result.out
        assert written == companion  # nothing of the refused case, no temporary file


def body_text(record, pdf) -> str:
    """Return the PDF's text without its headers and footers, pages joined."""
    pages = readback.pdf_pages(pdf)
    furniture = furniture_lines(document(record), len(pages))
    return "\n".join(line for page in pages for line in page.splitlines() if line.strip() not in furniture)


def _assert_texts(texts: list[str], docx, pdf_body: str) -> None:
    """Each text appears in the .docx as written and in the PDF (whose lines may wrap anywhere)."""
    docx_text = readback.docx_text(docx)
    pdf_text = readback.squash(pdf_body)
    for text in texts:
        assert readback.normalize(text) in docx_text, text[:200]
        assert readback.squash(text) in pdf_text, text[:200]


def test_a_record_linked_to_another_file_is_refused_unread(tmp_path, run_cli):
    """sources/x.yaml -> a secret: refused without reading it, so no message quotes the secret."""
    secret = tmp_path / "secret.yaml"
    secret.write_text("layout: the-password-is-hunter2\n")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "x.yaml").symlink_to(secret)
    (tmp_path / "sources" / f"{COMPANION_ID}.yaml").write_text(COMPANION)
    result = run_cli("build", "sources", "--out", "out", "--templates", ROOT / "templates", cwd=tmp_path)
    assert result.code == 1
    assert result.err == ("sources/x.yaml:1:1: error: the file is a symbolic link; records, shared-data and layout files "
                          "are read only from real files\n"
                          "  hint: replace the link by a copy of the file it points to\n")
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.suffix in (".docx", ".pdf")) == [
        f"{COMPANION_ID}.docx", f"{COMPANION_ID}.pdf"]
