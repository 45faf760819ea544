"""Bounds on what one record may hold, so that any record is validated and laid out in bounded time.

Every number here is far above what a real fact sheet needs (a two-page sheet holds about
5,000 characters in a few dozen paragraphs) and low enough that the largest record they allow
renders in a few seconds. docs/limits-and-threat-model.md gives the measurements behind them.
A record over a limit is refused at validation with a located error; nothing is truncated.
"""

# The record file, before and while it is parsed.
MAX_FILE_BYTES = 1_000_000  # the YAML parser is pure Python: about 0.5 s per megabyte
MAX_NODES = 20_000  # values, lists and mappings: twice the largest table; stops floods early
MAX_DEPTH = 32  # records nest about five deep; deeper is a mistake or an attack

# Text fields, in characters as written (before figures are filled in).
MAX_LINE_CHARS = 200  # one-line fields: title, headings, column names, figure labels...
MAX_TEXT_CHARS = 20_000  # one prose field (lead, a section's text, a bullet, a note)
MAX_CELL_CHARS = 1_000  # one table cell: a cell may not grow taller than a few pages
MAX_RECORD_CHARS = 200_000  # all text of one record together (about 40 pages)

# Tables.
MAX_TABLE_ROWS = 1_000
MAX_TABLE_COLUMNS = 8  # a Letter page fits eight columns of about 0.8 in

# A supplied picture (a seal or flag): a print-quality seal is a few hundred kilobytes.
MAX_IMAGE_BYTES = 2_000_000
MAX_IMAGE_SIDE = 4_000  # pixels on the longer side: 4,000 px over an inch is far past print quality
MAX_IMAGE_DECODED = 12_000_000  # bytes its pixels take decoded (2,000 × 2,000 RGB: a build then peaks under 100 MB)
MAX_JPEG_SCANS = 100  # a progressive JPEG has about ten; each scan is one more pass over every pixel

# Inputs of the import commands, bounded before they are decoded (see docs/limits-and-threat-model.md).
MAX_PAGE_BYTES = 2_000_000  # a saved web page for `import page`: read in at most about 6 s per megabyte
