"""Faster PDF object formatting: ReportLab's own rules, with the common cases taken first.

ReportLab writes every object through `pdfdoc.format`, which tries the PDF object classes with
`isinstance` and `hasattr` before it reaches the plain strings and numbers that make up most of a
tagged sheet (the structure tree alone is thousands of names and numbers), and encodes each
dictionary key's name again for every dictionary. Here a string, number or bytes value is
formatted exactly as `pdfdoc.format` formats it, and a key's name is encoded once per process;
everything else goes to ReportLab's own function. The bytes are the same (tests/writers/
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


def format(element, document, toplevel=0):  # pdfdoc calls its own function by this name
    """Format one element as `pdfdoc.format` does; strings, numbers and bytes without its class checks."""
    kind = type(element)
    if kind is str:
        return element.encode(_ENCODING)
    if kind is int or kind is float:  # exactly these: a bool is neither (pdfdoc writes it with str())
        return fp_str(element).encode(_ENCODING)
    if kind is bytes:
        return element
    return _original_format(element, document, toplevel)


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
