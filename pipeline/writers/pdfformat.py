"""Faster PDF object formatting: ReportLab's own rules, with the common cases taken first.

ReportLab writes every object through `pdfdoc.format`, which tries the PDF object classes with
`isinstance` and `hasattr` before it reaches the plain strings and numbers that make up most of a
tagged sheet (the structure tree alone is thousands of names and numbers), and encodes each
dictionary key's name again for every dictionary. Here a string, number or bytes value, and a
reference, array, dictionary or string object, is formatted exactly as `pdfdoc.format` formats
it; a key's name, a short string, a number and a reference are encoded once per process; everything
else goes to ReportLab's own function. The bytes are the same (tests/writers/
test_pdf_format.py compares every sample's PDF with and without this module).
"""

from __future__ import annotations

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc

_ENCODING = "extpdfdoc"  # what pdfdoc.pdfdocEnc encodes text with
_NAMES_KEPT = 4096  # key names kept encoded; a sheet uses about a hundred
_original_format = pdfdoc.format
_original_dictionary_format = pdfdoc.PDFDictionary.format
_names: dict[str, bytes] = {}
_STRINGS_KEPT, _STRING_KEPT_LENGTH = 4096, 64  # short strings (names, operators) kept encoded
_strings: dict[str, bytes] = {}
_NUMBERS_KEPT = 4096  # numbers kept formatted: object numbers, MCIDs, lengths, glyph widths
_ints: dict[int, bytes] = {}
_floats: dict[float, bytes] = {}
_references: dict[tuple, bytes] = {}  # (object number, version) -> b"n v R"
# PDF objects pdfdoc.format hands to their own format unless marked otherwise on the object itself
# (their classes mark nothing: checked here, so a ReportLab that starts to falls back to pdfdoc).
_PLAIN_OBJECTS = frozenset(kind for kind in (pdfdoc.PDFObjectReference, pdfdoc.PDFArray, pdfdoc.PDFDictionary,
                                             pdfdoc.PDFString)
                           if not hasattr(kind, "__RefOnly__") and not hasattr(kind, "__Comment__"))


def format(element, document, toplevel=0):  # pdfdoc calls its own function by this name
    """Format one element as `pdfdoc.format` does; strings, numbers, bytes and the common PDF objects
    without its class checks, short strings and numbers encoded once per process."""
    kind = type(element)
    if kind is str:
        found = _strings.get(element)
        if found is None:
            found = element.encode(_ENCODING)
            if len(element) <= _STRING_KEPT_LENGTH and len(_strings) < _STRINGS_KEPT:
                _strings[element] = found
        return found
    if kind is int or kind is float:  # exactly these: a bool is neither (pdfdoc writes it with str())
        # Kept apart: 1 and 1.0 are one key. Equal floats are written alike (-0.0 and 0.0 both as 0).
        kept = _ints if kind is int else _floats
        found = kept.get(element)
        if found is None:
            found = fp_str(element).encode(_ENCODING)
            if len(kept) < _NUMBERS_KEPT:
                kept[element] = found
        return found
    if kind is bytes:
        return element
    if kind in _PLAIN_OBJECTS and _plain(element):
        if kind is pdfdoc.PDFObjectReference:
            return _reference(element, document)
        return element.format(document)
    return _original_format(element, document, toplevel)


def _reference(element, document) -> bytes:
    """Return a reference (`12 0 R`) as PDFObjectReference.format writes it, each number pair once."""
    numbers = document.idToObjectNumberAndVersion.get(element.name)
    # Whole numbers only (1.0 == 1 as a key, and would be written otherwise).
    exact = type(numbers) is tuple and len(numbers) == 2 and type(numbers[0]) is int and type(numbers[1]) is int
    found = _references.get(numbers) if exact else None
    if found is None:
        found = element.format(document)  # an unknown name: ReportLab's own error
        if exact and len(_references) < _NUMBERS_KEPT:
            _references[numbers] = found
    return found


def _plain(element) -> bool:
    """Return whether pdfdoc.format would just call the object's own format: it is not marked to be
    written only at the top level, and no comment goes before it."""
    own = element.__dict__
    return "__RefOnly__" not in own and (
        "__Comment__" not in own or pdfdoc.rl_config.invariant or not pdfdoc.rl_config.pdfComments)


def name_bytes(key: str) -> bytes:
    """Return a dictionary key as its PDF name's bytes (`/Key`, escaped as pdfdoc.PDFName escapes)."""
    found = _names.get(key)
    if found is None:
        found = pdfdoc.PDFName(key).encode(_ENCODING)
        if type(key) is str and len(_names) < _NAMES_KEPT:  # bounded: a long-lived process stays small
            _names[key] = found
    return found


def dictionary_format(self, document, IND=b"\n "):  # IND: ReportLab's parameter name
    """Format a PDFDictionary as ReportLab does, its keys' names encoded once."""
    mapping = self.dict
    keys = list(mapping.keys())
    if not isinstance(mapping, pdfdoc.OrderedDict):
        keys.sort()
    parts = [name_bytes(key) + b" " + format(mapping[key], document) for key in keys]
    if (self.multiline and pdfdoc.rl_config.pdfMultiLine) or self.multiline == "forced":
        body = IND.join(parts)
    else:
        for at in reversed(range(6, len(parts), 6)):  # a line break every 6 entries, as ReportLab
            parts.insert(at, b"\n ")
        body = b" ".join(parts)
    return b"<<\n" + body + b"\n>>"


def install() -> None:
    """Use the faster formatting in ReportLab's pdfdoc (idempotent)."""
    pdfdoc.format = format
    pdfdoc.PDFDictionary.format = dictionary_format


def uninstall() -> None:
    """Put ReportLab's own formatting back (the tests compare the two)."""
    pdfdoc.format = _original_format
    pdfdoc.PDFDictionary.format = _original_dictionary_format
