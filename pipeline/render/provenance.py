"""The map from a sheet's printed paragraphs back to its record: which field printed which text, and
where a figure's number stands in it. Kept with each build (output/.map/<id>.json) so that an edited
Word file can be read back into the record (pipeline/authoring/docximport.py), by its bookmarks or,
when Word lost them, by paragraph and text.
"""

from __future__ import annotations

import collections
import json
import re
from dataclasses import dataclass

from ..document import anchors
from ..document.tree import BulletList, Chart, Document, Heading, Image, Paragraph, Run, Tab, Table, block_texts
from ..figures.sandbox import evaluate
from ..figures.values import FigureError
from ..records.model import Record, Text
from . import text as textmod

FORMAT = 1
_REFERENCE = re.compile(r"\{\{.*?\}\}", re.S)
_NAMED = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(?:\[\s*(\d{1,4})\s*\])?")
_SENTINEL = 0xE000  # private-use characters stand for references while the marks are parsed
_MASKED = re.compile("[\ue000-\uf8ff]")
_JOIN = "\x1f"  # between references evaluated together: a control character no reference may print


@dataclass
class Piece:
    """One paragraph of a record field as printed: its runs, and its figures' spans in its text."""

    field: str
    para: int  # which paragraph of the field (a text field may hold several)
    source: str  # the field's source for this paragraph, as typed
    runs: tuple[Run, ...]
    figures: list[dict]

    @property
    def text(self) -> str:
        """Return the printed text."""
        return "".join(run.text for run in self.runs)


def sheet_map(record: Record, doc: Document, data=None, shown_path: str = "") -> dict:
    """Return the map of a built sheet: its paragraphs, and for each the record fields it prints."""
    paragraphs = [{"n": n, "style": style, "runs": [_run(r) for r in runs], "fields": []}
                  for n, (style, runs) in enumerate(_body(doc))]
    texts = ["".join(r[0] for r in p["runs"]) for p in paragraphs]
    fields = list(_texts(record))
    printed = _printed(fields, record, data)
    pieces = [p for text in fields for p in _pieces(text, printed)]
    _place(pieces, paragraphs, texts)
    return {"format": FORMAT, "id": record.id, "record": shown_path or record.path, "layout": record.layout,
            "version": anchors.version(doc), "paragraphs": paragraphs, "furniture": anchors.furniture(doc),
            "tables": _tables(doc), "pictures": sum(isinstance(b, (Chart, Image)) for b in doc.body)}


def encoded(sheet: dict) -> bytes:
    """Return the map as stable JSON bytes (sorted keys, no wall clock; compact: the C encoder)."""
    return (json.dumps(sheet, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def _printed(fields: list[Text], record: Record, data) -> dict[str, str]:
    """Return what each figure reference of the record prints, all evaluated in one template.

    One parse for the whole record: parsing each reference alone cost more than the Word writer.
    """
    refs = sorted({m.group() for text in fields for m in _REFERENCE.finditer(text.source)})
    if not refs or len(refs) > 4000:
        return {}
    try:
        values = evaluate(_JOIN.join(refs), record.figures or {}, data, None).split(_JOIN)
    except FigureError:
        return {}
    return dict(zip(refs, values, strict=True)) if len(values) == len(refs) else {}


def _run(run) -> list:
    """Return a run as [text, bold, italic, href] (a tab is read back as one; a page field prints its cached digit)."""
    if isinstance(run, Run):
        return [run.text, run.bold, run.italic, run.href]
    return ["\t" if isinstance(run, Tab) else "1", False, False, None]


def _body(doc: Document):
    """Yield (style, inlines) of every body paragraph with text, in the writer's bookmark order."""
    for block in doc.body:
        if isinstance(block, (Paragraph, Heading)):
            yield block.style, block.inlines
        elif isinstance(block, BulletList):
            for item in block.items:
                yield block.style, item
        elif isinstance(block, Chart):
            yield "Chart Title", block.title
            if block.source:
                yield "Chart Source", block.source
        elif isinstance(block, Table):
            if block.caption:
                yield "Caption", block.caption
            for cell in block.columns:  # the writer prints the header row in bold
                yield "Table Text", tuple(Run(r.text, True, r.italic, r.href) if isinstance(r, Run) else r
                                          for r in cell)
            for row in block.rows:
                for cell in row:
                    yield "Table Text", cell


def _tables(doc: Document) -> list[dict]:
    """Return each body table's first paragraph (its caption, else its first cell) and its shape."""
    out, n = [], 0
    for block in doc.body:
        if isinstance(block, Table):
            out.append({"first": n, "cells": n + (1 if block.caption else 0), "rows": 1 + len(block.rows),
                        "columns": len(block.columns)})
        n += len(block_texts(block))
    return out


def _texts(record: Record):
    """Yield every Text of the record that can print, in file order."""
    for name in ("title", "subtitle", "issuer", "doc_type", "dateline", "country", "classification",
                 "lead", "highlight"):
        if getattr(record, name) is not None:
            yield getattr(record, name)
    for section in record.sections:
        if section.heading is not None:
            yield section.heading
        for content in section.content:
            yield from _content_texts(content)
    yield from record.notes
    if record.drafted is not None:
        yield record.drafted
    yield from record.cleared


def _content_texts(content):
    """Yield the Texts of one content block of a section."""
    value = content.value
    if content.kind == "text":
        yield value
    elif content.kind == "bullets":
        yield from value
    elif content.kind == "items":
        for item in value:
            yield item.term
            yield item.text
    elif content.kind == "table":
        if value.caption is not None:
            yield value.caption
        yield from value.columns
        for row in value.rows:
            yield from row
    elif content.kind == "chart":
        yield value.title


def _pieces(text: Text, printed: dict[str, str]) -> list[Piece]:
    """Return the printed paragraphs of one field, each with its figures' spans; [] if it cannot print."""
    refs = list(_REFERENCE.finditer(text.source))
    if any(m.group() not in printed for m in refs):
        return []
    values = [printed[m.group()] for m in refs]
    masked, at = [], 0
    for k, m in enumerate(refs):
        masked.append(text.source[at:m.start()] + chr(_SENTINEL + k))
        at = m.end()
    masked.append(text.source[at:])
    sources = [part for part in textmod._PARA_BREAK.split(text.source) if part.strip(" \t\n")]
    out = []
    try:
        paragraphs = textmod.paragraphs("".join(masked))
    except textmod.MarkError:
        return []
    for para, paragraph in enumerate(paragraphs):
        try:
            runs = textmod.runs(paragraph)
        except textmod.MarkError:
            return []
        runs, figures = _expanded(runs, refs, values)
        source = sources[para] if len(sources) == len(paragraphs) else ""
        out.append(Piece(text.field, para, source, runs, figures))
    return out


def _expanded(runs, refs, values) -> tuple[tuple[Run, ...], list[dict]]:
    """Return the runs with each reference's value put back, and where each value stands."""
    out, figures, at = [], [], 0
    for run in runs:
        if not refs or not _MASKED.search(run.text):  # most runs hold no reference: taken whole
            out.append(run)
            at += len(run.text)
            continue
        pieces = []
        for ch in run.text:
            k = ord(ch) - _SENTINEL
            if 0 <= k < len(refs):
                named = _NAMED.match(refs[k].group())
                figures.append({"reference": refs[k].group(), "printed": values[k], "start": at,
                                "end": at + len(values[k]), "figure": named.group(1) if named else None,
                                "year": int(named.group(2)) if named and named.group(2) else None})
                pieces.append(values[k])
                at += len(values[k])
            else:
                pieces.append(ch)
                at += 1
        out.append(Run("".join(pieces), run.bold, run.italic, run.href))
    return tuple(out), figures


def _place(pieces: list[Piece], paragraphs: list[dict], texts: list[str]) -> None:
    """Note each piece in the paragraph that prints it: whole paragraphs first, then the longest inside others."""
    taken: dict[int, list[tuple[int, int]]] = {}

    def claim(piece: Piece, n: int, start: int) -> None:
        end = start + len(piece.text)
        taken.setdefault(n, []).append((start, end))
        paragraphs[n]["fields"].append({
            "field": piece.field, "para": piece.para, "start": start, "end": end, "source": piece.source,
            "runs": [_run(r) for r in piece.runs],
            "figures": [dict(f, start=f["start"] + start, end=f["end"] + start) for f in piece.figures]})

    # The paragraphs of each printed text, in order: a piece takes the first one still free. One pass,
    # not a search of every paragraph for every piece (a sheet of 20,000 bullets took minutes).
    whole: dict[str, collections.deque[int]] = {}
    for n, t in enumerate(texts):
        whole.setdefault(t, collections.deque()).append(n)
    left = []
    for piece in pieces:
        text = piece.text
        free = whole.get(text) if text else None
        if not free:
            left.append(piece)
        else:
            claim(piece, free.popleft(), 0)
    for piece in sorted(left, key=lambda p: -len(p.text)):
        if not piece.text.strip():
            continue
        for n, t in enumerate(texts):
            start = _free(t, piece.text, taken.get(n, []))
            if start is not None:
                claim(piece, n, start)
                break
    for p in paragraphs:
        p["fields"].sort(key=lambda f: f["start"])


def _free(text: str, needle: str, spans: list[tuple[int, int]]) -> int | None:
    """Return where `needle` stands in `text` outside the spans already taken, or None."""
    at = text.find(needle)
    while at >= 0:
        if all(at + len(needle) <= s or at >= e for s, e in spans):
            return at
        at = text.find(needle, at + 1)
    return None
