"""Page-parity report: how the PDF and LibreOffice's layout of the .docx break pages and lines.

Usage: .venv/bin/python bench/parity.py [--keep DIR] [--detail SHEET ...]

Builds every record in sources/ and generated draft sheets of 1 to 5 pages (tests/parity.py) in a
temporary folder (with --long also 3-, 5- and 10-page sheets of every layout), converts each .docx with LibreOffice headless (bundled Liberation Serif), then
prints per sheet: page counts, per page the first/last body word of each format, and the share of
body lines that are identical (same text, page and position on the page); finally the share over
all lines. --detail prints a sheet's body lines side by side with their baselines (points from the
page top, read with pypdf) and the difference, to see where the two layouts drift apart.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import longsheets
import parity


def baselines(pdf: Path, page_height: float) -> list[dict[str, float]]:
    """Return per page {line text: baseline y from the page top} for text drawn upright."""
    import pypdf
    pages = []
    for page in pypdf.PdfReader(pdf).pages:
        rows: dict[float, list[tuple[float, str]]] = {}

        def visit(text, cm, tm, font, size, rows=rows):
            """Collect each text piece under its rounded baseline."""
            if text.strip() and abs(tm[1]) < 1e-6:  # upright text only: no watermark
                y = page_height - (tm[4] * cm[1] + tm[5] * cm[3] + cm[5])
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                rows.setdefault(round(y, 1), []).append((x, text))
        page.extract_text(visitor_text=visit)
        pages.append({parity.normalize(" ".join(t for _, t in sorted(parts))): y
                      for y, parts in sorted(rows.items())})
    return pages


def detail(sheet: parity.Sheet) -> None:
    """Print a sheet's body lines in both formats side by side, with baselines and their difference."""
    a = parity.body_lines(sheet.pdf, sheet.tree.page)
    b = parity.body_lines(sheet.converted, sheet.tree.page)
    ya = baselines(sheet.pdf, sheet.tree.page.height)
    yb = baselines(sheet.converted, sheet.tree.page.height)
    for number in range(max(len(a), len(b))):
        print(f"  -- page {number + 1}: baseline pdf | docx | docx - pdf (pt); '=' same line")
        pa = a[number] if number < len(a) else []
        pb = b[number] if number < len(b) else []
        for la, lb in itertools.zip_longest(pa, pb, fillvalue=""):
            y1 = _baseline(ya, number, la)
            y2 = _baseline(yb, number, lb)
            dy = f"{y2 - y1:+6.2f}" if y1 is not None and y2 is not None and la == lb else "      "
            mark = "=" if la == lb else "≠"
            print(f"  {_fmt(y1)} {_fmt(y2)} {dy} {mark} {la[:52]:52} | {lb[:52]}")


def _baseline(pages, number, text):
    """Return the baseline of the line that starts like `text` on a page, or None."""
    if not text or number >= len(pages):
        return None
    # pypdf may cut a line where the font changes (bold run-in, bullet), so match on either end.
    key = text.replace("• ", "•")
    for line, y in pages[number].items():
        if len(line) > 3 and (line[:25] in key or line[-25:] in key):
            return y
    return None


def _fmt(y):
    """Return a baseline as a fixed-width number, blanks for None."""
    return f"{y:7.2f}" if y is not None else " " * 7


def main(argv=None) -> int:
    """Build, convert, compare and print the report; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build into this (new) folder and keep it")
    parser.add_argument("--long", action="store_true",
                        help="also generated sheets of 3, 5 and 10 pages of every layout (tests/longsheets.py)")
    parser.add_argument("--detail", action="append", default=[], metavar="SHEET",
                        help="print this sheet's lines side by side with baselines (repeatable)")
    args = parser.parse_args(argv)
    if not (parity.SOFFICE and parity.PDFTOTEXT):
        print("parity: needs LibreOffice (soffice) and poppler (pdftotext)", file=sys.stderr)
        return 1
    with contextlib.ExitStack() as stack:
        base = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="parity-")))
        base.mkdir(parents=True, exist_ok=True)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            sheets = parity.build_sheets(base, long_pages=longsheets.LONG_PAGES if args.long else ())  # the CLI's own report is not this one
        same = total = agreeing = 0
        for sheet in sheets:
            result = sheet.parity()
            same, total = same + result.same_lines, total + result.total_lines
            agreeing += result.ok
            print(f"{sheet.id}: {'SAME BREAKS' if result.ok else 'DIFFERENT BREAKS'}")
            print("\n".join("  " + row for row in result.describe().splitlines()))
            if sheet.id in args.detail:
                detail(sheet)
        share = same / total if total else 1.0
        print(f"\nall sheets: {agreeing}/{len(sheets)} break pages identically; lines identical "
              f"{same}/{total} = {share:.1%} (aim: above 95%)")
        if args.keep:
            print(f"outputs kept in {base}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
