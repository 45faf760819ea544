"""The gallery's finding aids: search over title, country, layout and text; sort; pages of cards."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

from .sheets import Sheet
from .words import layout_name

PER_PAGE = 48  # cards per page: a screenful or two, light enough for 1,000 sheets
ORDERS = {"title": "Title", "changed": "Last change", "stale": "Stale first"}


def matches(sheet: Sheet, query: str) -> bool:
    """Return True when every word of the query is in the sheet's title, layout, file name or text."""
    return matching(query)(sheet)


def matching(query: str):
    """Return a test of a sheet: is every word of the query in its title, layout, file name or text?"""
    words = query.casefold().split()
    if not words:
        return lambda sheet: True

    def test(sheet: Sheet) -> bool:
        # Each part apart (a word holds no space, so none spans two): joining them copied every
        # record's text for every search.
        head = _head(sheet.title, sheet.id, sheet.layout)
        missing = [word for word in words if word not in head]
        if not missing:
            return True
        text = _text(sheet)
        return all(word in text for word in missing)
    return test


@lru_cache(maxsize=4096)
def _head(title: str, sheet_id: str, layout: str) -> str:
    """Return a sheet's title, file name and layout's name casefolded, once for all searches."""
    return " ".join((title, sheet_id, layout_name(layout))).casefold()


def _text(sheet: Sheet) -> str:
    """Return the record's text (country, sections and all) casefolded, once per version of the file."""
    if sheet.version is not None:  # as the sheet was found: no second look at the file
        return _read(str(sheet.file), *sheet.version)
    try:
        info = sheet.file.stat()
    except OSError:
        return ""
    return _read(str(sheet.file), info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=4096)
def _read(path: str, mtime_ns: int, size: int) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as file:
            return file.read().casefold()  # once a version, not once a search
    except OSError:
        return ""


def ordered(found: list[Sheet], order: str) -> list[Sheet]:
    """Return the sheets by title, by last change (newest first) or with the stale ones first."""
    by_title = sorted(found, key=lambda s: s.title.casefold())
    if order == "changed":
        return sorted(by_title, key=_changed, reverse=True)
    if order == "stale":
        return sorted(by_title, key=lambda s: not s.stale)
    return by_title


def _changed(sheet: Sheet) -> int:
    """Return when the sheet's record last changed (its file's time)."""
    if sheet.version is not None:
        return sheet.version[0]
    try:
        return sheet.file.stat().st_mtime_ns
    except OSError:
        return 0


def page_of(asked: str, count: int) -> tuple[int, int]:
    """Return the page asked for (kept within range) and the number of pages."""
    pages = max(1, -(-count // PER_PAGE))
    number = int(asked) if asked.isdigit() else 1
    return min(max(number, 1), pages), pages


def counted(matched: int, total: int, number: int, pages: int) -> str:
    """Return the count the gallery shows (and says to screen readers when a search answers in place)."""
    return f"{matched} of {total} sheets" + (f", page {number} of {pages}" if pages > 1 else "")


def link(params, number: int) -> str:
    """Return the gallery's address for another page with the same search, filters and sort."""
    kept = {k: v for k, v in params.items() if k != "page" and v}
    return "/?" + urlencode({**kept, "page": number})
