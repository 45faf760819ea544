"""Which characters record text may hold, and why the others are refused."""

from __future__ import annotations

import unicodedata

from ..base import fonts

# Bidirectional classes of right-to-left letters and of the invisible direction controls. Word
# reorders them; ReportLab does not, so the PDF would show them in another order than Word.
REORDERING = {"R", "AL", "RLE", "RLO", "LRE", "LRO", "PDF", "RLI", "LRI", "FSI", "PDI"}
# Characters seen to pass every check of single characters, so text of only these needs no other
# (the checks were 15% of a sheet's tree stage). It grows to at most the fonts' repertoire.
_CLEAR: set[str] = set()


def refused(value: str, written: bool = True) -> tuple[str, str, str] | None:
    """Return (where, what, hint) for the first kind of character text may not hold, else None.

    `written` is True for text as a record writes it, where '{#' would start a hidden comment;
    False for text a figure reference printed, which is never read as a template again.
    """
    if _CLEAR.issuperset(value):  # most text: only characters already seen to pass
        return _comment(value) if written else None
    found = full_check(value, written)
    if found is None:
        _CLEAR.update(value)  # every check but '{#' is of single characters: each of these passes
    return found


def full_check(value: str, written: bool = True) -> tuple[str, str, str] | None:
    """Return what `refused` returns, checking every character of `value` afresh."""
    chars = dict.fromkeys(value)
    bad = [ch for ch in chars if _unstorable(ch)]
    if bad:
        return (bad[0], f"contains {_names(bad)}, which cannot be stored in a document",
                "delete it; it is usually invisible junk pasted from another program")
    if "\t" in value:  # Word prints a tab as a jump to the next tab stop, the PDF as one space
        return ("\t", "contains a tab, which Word prints as a wide gap and the PDF as one space",
                "replace it with a space; for columns of figures write a table (see docs/record-format.md)")
    if written and (comment := _comment(value)):
        return comment
    reordering = [ch for ch in chars if unicodedata.bidirectional(ch) in REORDERING]
    if reordering:
        return (reordering[0], f"contains {_names(reordering)}: right-to-left text or a direction "
                               f"control, which the PDF would print in another order than Word",
                "the sheets are laid out left to right; remove these characters (direction controls "
                "are invisible and usually come with pasted text)")
    missing = fonts.uncovered(value)
    if missing:
        return (missing[0], f"contains {_names(missing)}, which no bundled font can print",
                "replace the character, or ask for a font that covers it to be bundled")
    return None


def _comment(value: str) -> tuple[str, str, str] | None:
    """Return why written text may not hold '{#' (Jinja would drop all up to '#}' without a word), else None."""
    if "{#" in value:
        return ("{#", "contains '{#', which starts a hidden template comment",
                "to print it, write {{ '{' }}# instead; figure references are written {{ name }}")
    return None


def _unstorable(ch: str) -> bool:
    """Return True for characters Word's XML and PDF text cannot carry."""
    if ch in "\n\t":
        return False
    category = unicodedata.category(ch)
    return category in ("Cc", "Cs", "Co") or (ord(ch) & 0xFFFE) == 0xFFFE or "\ufdd0" <= ch <= "\ufdef"


def _names(chars: list[str]) -> str:
    """Return characters as a readable list: '中' (U+4E2D)."""
    shown = [f"'{ch}' (U+{ord(ch):04X})" if ch.isprintable() else f"U+{ord(ch):04X}" for ch in chars[:5]]
    return ", ".join(shown) + (" and more" if len(chars) > 5 else "")
