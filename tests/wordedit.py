"""Edits made to a built .docx the way Word users make them, with python-docx and lxml (for tests)."""

import copy
import io
import zipfile
from pathlib import Path

import docx
from docx.oxml.ns import qn

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def open_docx(path: Path):
    """Return the python-docx Document of a file."""
    return docx.Document(str(path))


def paragraph(document, start: str):
    """Return the first body paragraph whose text starts with `start`."""
    return next(p for p in document.paragraphs if p.text.startswith(start))


def retype(p, text: str) -> None:
    """Replace a paragraph's whole text, as typing over it does (its bookmarks stay)."""
    runs = p.runs
    runs[0].text = text
    for run in runs[1:]:
        run._r.getparent().remove(run._r)


def replace_in(p, old: str, new: str) -> None:
    """Replace text inside one of a paragraph's runs."""
    run = next(r for r in p.runs if old in r.text)
    run.text = run.text.replace(old, new)


def add_after(p, text: str):
    """Insert a new paragraph after `p` in its style (as pressing Enter at its end does); return it."""
    new = copy.deepcopy(p._p)
    for element in list(new.iter(qn("w:bookmarkStart"))) + list(new.iter(qn("w:bookmarkEnd"))):
        element.getparent().remove(element)
    for link in list(new.iter(qn("w:hyperlink"))):
        link.getparent().remove(link)
    p._p.addnext(new)
    from docx.text.paragraph import Paragraph
    added = Paragraph(new, p._parent)
    runs = added.runs
    if runs:
        runs[0].text = text
        for run in runs[1:]:
            run._r.getparent().remove(run._r)
    else:
        added.add_run(text)
    return added


def delete(p) -> None:
    """Delete a paragraph."""
    p._p.getparent().remove(p._p)


def bold_word(p, word: str) -> None:
    """Make one word of a paragraph bold (splitting its run)."""
    run = next(r for r in p.runs if word in r.text)
    before, _, after = run.text.partition(word)
    run.text = before
    middle = copy.deepcopy(run._r)
    middle_run = type(run)(middle, run._parent)
    middle_run.text = word
    middle_run.bold = True
    tail = copy.deepcopy(run._r)
    tail_run = type(run)(tail, run._parent)
    tail_run.text = after
    run._r.addnext(middle)
    middle.addnext(tail)


def save(document, path: Path) -> Path:
    """Save and return the path."""
    document.save(str(path))
    return path


def rewrite_part(path: Path, name: str, change) -> None:
    """Rewrite one part of a package in place: `change(bytes) -> bytes`; other parts copied as they are."""
    with zipfile.ZipFile(path) as package:
        parts = [(info, package.read(info)) for info in package.infolist()]
    names = {info.filename for info, _ in parts}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in parts:
            package.writestr(info, change(data) if info.filename == name else data)
        if name not in names:
            package.writestr(name, change(b""))
    path.write_bytes(out.getvalue())
