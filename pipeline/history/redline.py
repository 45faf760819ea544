"""Two versions of a record compared as a Word document with tracked changes.

Each field that differs is a paragraph: its name, then its text with the words taken out as deletions
(w:del holding w:delText) and the words put in as insertions (w:ins), each signed with the author and
date of the version that made that field's change, so Word's Review pane accepts or rejects them one
by one. Fields that did not change are left out; the heading says which versions are compared.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass

from ..base.xmltext import escape, quoteattr

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WORDS = re.compile(r"\S+\s*|\s+")  # a word with the spaces after it: changed runs stay whole


@dataclass(frozen=True)
class Signed:
    """Who made a change and when (an ISO 8601 date), as tracked changes carry them."""

    author: str
    date: str


@dataclass(frozen=True)
class FieldChange:
    """One field's old and new text (None when it did not exist) and who changed it."""

    name: str
    old: str | None
    new: str | None
    by: Signed


def document(title: str, changes: list[FieldChange]) -> bytes:
    """Return the .docx bytes of the comparison (same inputs, same bytes)."""
    counter = iter(range(1, 1_000_000))
    body = [_paragraph([_run(title, bold=True)])]
    if not changes:
        body.append(_paragraph([_run("The two versions have the same fields and values.")]))
    for change in changes:
        runs = [_run(change.name + ": ", bold=True)]
        runs += list(_tracked(change, counter))
        body.append(_paragraph(runs))
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}"><w:body>'
           + "".join(body) + "<w:sectPr/></w:body></w:document>")
    from ..writers.wordparts import zip_parts  # here: it imports python-docx, which a build's no-op never needs
    return zip_parts([("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
                      ("word/_rels/document.xml.rels", _DOCUMENT_RELS), ("word/document.xml", xml),
                      ("word/settings.xml", _SETTINGS)])


def count(changes: list[FieldChange]) -> int:
    """Return how many tracked changes (insertions plus deletions) the document holds."""
    return sum(kind != "same" for change in changes for kind, _ in pieces(change))


def _tracked(change: FieldChange, counter):
    """Yield the runs of a field's text: unchanged words plain, others as signed insertions and deletions."""
    signed = f' w:id="{{}}" w:author={quoteattr(change.by.author)} w:date="{_date(change.by.date)}"'
    for kind, text in pieces(change):
        if kind == "same":
            yield _run(text)
        elif kind == "del":
            yield (f"<w:del{signed.format(next(counter))}><w:r><w:delText xml:space=\"preserve\">{escape(text)}"
                   "</w:delText></w:r></w:del>")
        else:
            yield f"<w:ins{signed.format(next(counter))}>{_run(text)}</w:ins>"


def pieces(change: FieldChange) -> list[tuple[str, str]]:
    """Return the field's text as (same|del|ins, words) pieces, from a word-by-word comparison."""
    old, new = WORDS.findall(change.old or ""), WORDS.findall(change.new or "")
    found = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            found.append(("same", "".join(old[a1:a2])))
            continue
        if a2 > a1:
            found.append(("del", "".join(old[a1:a2])))
        if b2 > b1:
            found.append(("ins", "".join(new[b1:b2])))
    return found


def _run(text: str, bold: bool = False) -> str:
    """Return a run of text."""
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _paragraph(runs: list[str]) -> str:
    """Return a paragraph of runs."""
    return "<w:p>" + "".join(runs) + "</w:p>"


def _date(when: str) -> str:
    """Return a date as tracked changes carry it: UTC, to the second, with a Z."""
    try:
        moment = dt.datetime.fromisoformat(when).astimezone(dt.UTC)
    except ValueError:
        return "1980-01-01T00:00:00Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/settings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>')
_DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'settings" Target="settings.xml"/></Relationships>')
# Review stays on: whoever edits the comparison further is tracked too.
_SETTINGS = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<w:settings xmlns:w="{W}"><w:trackRevisions/></w:settings>')
