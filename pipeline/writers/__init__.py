"""One writer per output format; the look they share beyond the stylesheet is defined here once."""

# Lengths in points, colours as 6-digit hex. Both writers read these so a sheet looks the
# same on paper from Word and from the PDF; change them here, never in one writer.
LINE_HEIGHT = 1.2  # line pitch as a multiple of the font size
BOX_PADDING = 6.0  # between a shaded/bordered paragraph's text and its box
BOX_LINE = 0.75  # box and rule thickness
RULE_GAP = 3.0  # between a paragraph and the rule under it (clears descenders)
TABLE_GRID = "808080"
TABLE_GRID_LINE = 0.5
TABLE_HEADER_FILL = "E1E6EE"
TABLE_PADDING = {"top": 4.0, "left": 6.0, "bottom": 5.0, "right": 6.0}
TABLE_SPACE_AFTER = 12.0
LINK_COLOR = "0563C1"  # Word's own Hyperlink blue
