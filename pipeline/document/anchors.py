"""The names the Word file's hidden bookmarks carry, so an edited copy can be matched to its record.

Every body paragraph with text is bookmarked `_fs<N>` (N counts those paragraphs in reading order,
as `block_texts` lists them), and the first carries `_fsv<digest>`, the printed text's version.
Word hides bookmarks whose names start with '_' and limits names to 40 characters; LibreOffice
keeps bookmark names through a .docx save (it drops content-control tags, so those are not used).
"""

from __future__ import annotations

import hashlib
import json
import re

from .tree import BLOCK_TYPES, Document, Run, block_texts

PREFIX = "_fs"
VERSION = "_fsv"
_PARAGRAPH = re.compile(r"_fs(\d{1,6})")
_VERSION = re.compile(r"_fsv([0-9a-f]{16})")


def paragraph_name(index: int) -> str:
    """Return the bookmark name of body paragraph `index`."""
    return f"{PREFIX}{index}"


def version_name(version: str) -> str:
    """Return the bookmark name carrying the printed text's version."""
    return VERSION + version


def paragraph_of(name: str) -> int | None:
    """Return the paragraph index a bookmark name marks, or None if it is not one of ours."""
    match = _PARAGRAPH.fullmatch(name)
    return int(match.group(1)) if match else None


def version_of(name: str) -> str | None:
    """Return the version a bookmark name carries, or None."""
    match = _VERSION.fullmatch(name)
    return match.group(1) if match else None


def body_paragraphs(doc: Document) -> list[str]:
    """Return the text of every bookmarked body paragraph, in the order the writer numbers them."""
    return [text for block in doc.body for text in _texts(block)]


def version(doc: Document) -> str:
    """Return 16 hex digits naming what the sheet prints (body and furniture), the same for the same text."""
    payload = json.dumps([body_paragraphs(doc), furniture(doc)], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def furniture(doc: Document) -> list[str]:
    """Return the header and footer paragraphs' text, without the page numbers a viewer fills in."""
    out = []
    for part in (doc.header, doc.footer, doc.first_header or (), doc.first_footer or ()):
        for block in part:
            inlines = getattr(block, "inlines", None)
            if inlines is not None:
                out.append("".join(i.text for i in inlines if isinstance(i, Run)))
            else:
                out.extend(_texts(block))
    return out


def _texts(block) -> list[str]:
    """Return a block's paragraph texts; none for a node the writers will refuse anyway."""
    return block_texts(block) if isinstance(block, BLOCK_TYPES) else []
