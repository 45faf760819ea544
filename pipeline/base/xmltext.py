"""Text and attribute values escaped for XML, as `xml.sax.saxutils` escapes them, without its imports.

`xml.sax.saxutils` imports `urllib.request` (and with it `http.client`, `ssl` and `email`): about
20 ms of every command that writes a sheet, for two small functions. These give the same strings
(tests/base/test_xmltext.py compares them with the standard library's on many texts).
"""

from __future__ import annotations

_ATTRIBUTE_CONTROLS = {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def escape(text: str) -> str:
    """Return `text` with &, < and > escaped, for an element's content."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """Return `text` as a quoted attribute value: escaped, line ends and tabs as character references,
    in double quotes (single quotes when it holds a double quote and no single one)."""
    text = escape(text)
    for character, reference in _ATTRIBUTE_CONTROLS.items():
        text = text.replace(character, reference)
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))
