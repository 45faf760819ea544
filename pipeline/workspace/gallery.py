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
    if not query:
        return True
    haystack = " ".join((sheet.title, sheet.id, layout_name(sheet.layout))).casefold() + " " + _text(sheet)
    return all(word in haystack for word in query.casefold().split())


def _text(sheet: Sheet) -> str:
    """Return the record's text (country, sections and all) casefolded, once per version of the file."""
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
    try:
        return sheet.file.stat().st_mtime_ns
    except OSError:
        return 0


def page_of(asked: str, count: int) -> tuple[int, int]:
    """Return the page asked for (kept within range) and the number of pages."""
    pages = max(1, -(-count // PER_PAGE))
    number = int(asked) if asked.isdigit() else 1
    return min(max(number, 1), pages), pages


def link(params, number: int) -> str:
    """Return the gallery's address for another page with the same search, filters and sort."""
    kept = {k: v for k, v in params.items() if k != "page" and v}
    return "/?" + urlencode({**kept, "page": number})
