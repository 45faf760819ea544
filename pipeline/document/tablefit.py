"""Table columns, decided once for every writer: widths that fit the content, numbers right-aligned.

The document tree stores the result (`Table.widths`, `Table.align`), so the .docx grid and the
PDF's column widths are the same numbers, measured with the PDF's fonts (metric twins of Word's).
"""

from __future__ import annotations

import dataclasses
import functools
import re

from ..base import fonts
from .look import Look
from .tree import Inline, Run, Table

# What the figure filters print (number, money, money('short'), percent): '5,700', '-1.5',
# '$1,984,000', '-$2.50', '$48 million', '12.5%'. A year written bare ('2018') is a label, not
# an amount (number() would print '2,018'), so a year column stays left-aligned.
_NUMBER = re.compile(r"[-\u2212]?\$?\d{1,3}(?:,\d{3})*(?:\.\d+)?(?:%|[ \u00a0](?:million|billion|trillion))?")
# Cells a numeric column may hold besides numbers: nothing, or a dash for "none".
_BLANKS = frozenset(("", "-", "\u2013", "\u2014"))
# Added to each column beyond its text and paddings: the grid line, and room for Word's and
# LibreOffice's rounding of glyph widths, so a word measured to fit never wraps in either.
_SLACK = 1.5
_TWIPS = 20  # Word's unit: widths are whole twentieths of a point in both formats


def fitted(table: Table, look: Look) -> Table:
    """Return `table` with its column widths and alignments decided (as it is, if they already are)."""
    if table.widths:
        return table
    return dataclasses.replace(table, widths=widths(table, look), align=alignments(table, look))


def alignments(table: Table, look: Look) -> tuple[str, ...]:
    """Return each column's alignment: right for a column of numbers, else the table text's own."""
    own = look.style("Table Text").align
    columns = zip(*table.rows, strict=True) if table.rows else [()] * len(table.columns)
    return tuple("right" if is_numeric([_text(cell) for cell in cells]) else own for cells in columns)


def is_numeric(texts: list[str]) -> bool:
    """Return whether body cells are all numbers as the figure filters print them (blanks and dashes allowed)."""
    texts = [" ".join(text.split()) if text.strip() else "" for text in texts]
    numbers = [t for t in texts if t not in _BLANKS]
    return bool(numbers) and all(_NUMBER.fullmatch(t) for t in numbers)


def widths(table: Table, look: Look) -> tuple[float, ...]:
    """Return column widths in points that span the text width.

    Each column gets at least its longest word (header in bold included); if every cell fits on
    one line, the columns share the width in proportion to their longest lines; otherwise the
    room beyond the longest words goes by content length (a column of long text gets more),
    no column wider than its longest line needs. Only when the longest words alone overflow
    the width are the widest columns capped alike (their longest words then break).
    """
    total = round(look.page.text_width * _TWIPS)
    if not table.columns:
        return ()
    style, grid = look.style("Table Text"), look.table
    room = grid.padding_left + grid.padding_right + grid.grid_line + _SLACK
    columns = [[(cell, True), *((row[c], False) for row in table.rows)] for c, cell in enumerate(table.columns)]
    measures = [_measure(cells, style.size, style.bold, style.italic) for cells in columns]
    floor = room + style.size  # room for a letter or two, even in an empty column
    least = [max(word + room, floor) for word, _, _ in measures]
    natural = [max(line + room, floor) for _, line, _ in measures]
    length = [content for _, _, content in measures]
    return _twips(_share(least, natural, length, total / _TWIPS, floor), total)


def _measure(cells, size: float, bold: bool, italic: bool) -> tuple[float, float, float]:
    """Return (longest word, longest line, total text width) of a column's cells."""
    word = line = content = 0.0
    for inlines, header in cells:
        pieces = [(piece, bold or header or run.bold, italic or run.italic) for run in _runs(inlines)
                  for piece in re.split(r"( )", run.text)]
        width = cell = 0.0  # the word being measured (across runs with other marks), the whole cell
        for text, b, i in pieces:
            advance = _text_width(text, size, b, i)
            cell += advance
            if text == " ":
                word, width = max(word, width), 0.0
            else:
                width += advance
        word = max(word, width)
        line, content = max(line, cell), content + cell
    return word, line, content


def _share(least: list[float], natural: list[float], length: list[float], total: float,
           floor: float) -> list[float]:
    """Return widths summing to `total`: see `widths`."""
    if sum(natural) <= total:
        return [total * n / sum(natural) for n in natural]
    if floor * len(least) >= total:  # more columns than the page holds letters for: all alike
        return [total / len(least)] * len(least)
    if sum(least) >= total:
        # The longest words alone overflow: cap the widest columns alike, so only their
        # longest words break and every other column keeps its own.
        return _solve(lambda cap: [max(floor, min(lo, cap)) for lo in least], max(least), total)
    # The room beyond the longest words goes by content length, none past its longest line.
    return _solve(lambda k: [min(max(lo, k * size), hi) for lo, size, hi in zip(least, length, natural, strict=True)],
                  max(natural) / min((size for size in length if size > 0), default=1.0), total)


def _solve(sized, high: float, total: float) -> list[float]:
    """Return sized(x) for the x in [0, high] at which its sum reaches `total` (it grows with x)."""
    low = 0.0
    for _ in range(100):  # halving: exact to the float, and the same steps on every machine
        middle = (low + high) / 2
        low, high = (middle, high) if sum(sized(middle)) < total else (low, middle)
    return sized(high)


def _twips(points: list[float], total: int) -> tuple[float, ...]:
    """Return widths in whole twips summing exactly to `total` twips (largest remainders get the rest)."""
    exact = [p * _TWIPS for p in points]
    whole = [int(e) for e in exact]
    order = sorted(range(len(exact)), key=lambda i: (whole[i] - exact[i], i))
    step = 1 if total > sum(whole) else -1
    for n in range(abs(total - sum(whole))):  # at most one twip per column, but any float error too
        whole[order[n % len(order)]] += step
    return tuple(w / _TWIPS for w in whole)


@functools.lru_cache(maxsize=4096)
def _text_width(text: str, size: float, bold: bool, italic: bool) -> float:
    """Return fonts.text_width, remembered: table cells repeat their words."""
    return fonts.text_width(text, size, bold, italic)


def _runs(inlines: tuple[Inline, ...]):
    """Yield the text runs of a cell (a page field has no place in a table)."""
    return (item for item in inlines if isinstance(item, Run))


def _text(inlines: tuple[Inline, ...]) -> str:
    """Return a cell's plain text."""
    return "".join(run.text for run in _runs(inlines))
