"""A value typed in the form, written as YAML that reads back as exactly that value."""

from __future__ import annotations

import json
import re

from ..records.yamlload import Scalar

NUMBER_RE = re.compile(r"-?[0-9]+(\.[0-9]+)?")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Characters YAML cannot hold as they are, and those it reads as line breaks: escaped in quotes.
UNPRINTABLE_RE = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]")
FOLD_WIDTH = 96  # a folded block's lines, when its text is written again


def intended(value: str, old: Scalar | None) -> str:
    """Return what the form means by a typed value: line ends made LF, a number's separators dropped."""
    value = value.replace("\r\n", "\n")
    if NUMBER_RE.fullmatch(value.replace(",", "")) and old is not None and old.plain \
            and NUMBER_RE.fullmatch(old.value):
        return value.replace(",", "")  # a number stays a plain number (5,700 typed: 5700)
    return value


def written(value: str, indent: int, old: Scalar | None, flow: bool = False) -> list[str]:
    """Return ways to write a value, best first: a block for several lines (or a block before), else
    one line, plain when it reads back the same; last always double quotes.

    `indent` is the column of the value's key or '- '; `flow`: the value is inside brackets or braces.
    """
    if old is not None and old.plain and NUMBER_RE.fullmatch(old.value) and NUMBER_RE.fullmatch(value):
        return [value]  # a figure's number stays a number
    ways = []
    block = not flow and ("\n" in value.strip("\n") or (old is not None and old.style in ("|", ">")))
    if block:
        ways.append(_block(value.strip("\n"), indent, old))
    elif value and value == value.strip() and (_plain_safe(value, flow) or DATE_RE.fullmatch(value)):
        ways.append(value)
    return ways + [quoted(value)]


def reads_as(found: str, value: str, way: str) -> bool:
    """Return True when a value written `way` was read back as the value meant (a block's edges aside)."""
    if way[:1] in ("|", ">"):
        return found.strip("\n") == value.strip("\n")
    return found == value


def quoted(value: str) -> str:
    """Return a value in YAML double quotes (JSON's, with what YAML cannot hold escaped)."""
    return UNPRINTABLE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) < 0x10000
                              else f"\\U{ord(m.group()):08x}", json.dumps(value, ensure_ascii=False))


def _block(value: str, indent: int, old: Scalar | None) -> str:
    """Return a value as a block: literal ('|'), or folded again ('>') when it was and is one paragraph."""
    header = _header(old)
    inner = _block_indent(old) or indent + 2
    trail = old.raw[len(old.raw.rstrip("\n")):] if header else ""  # the blank lines after a block stay
    if header.startswith(">") and "\n" not in value and "  " not in value and value == value.strip():
        lines = _fold(value, max(FOLD_WIDTH - inner, 40))
    else:
        header = "|" + header[1:]
        lines = value.split("\n")
    if lines and lines[0].startswith(" "):
        header = (header or "|")[0] + "2" + header[1:]  # the first line's own spaces: the indentation is given
        inner = indent + 2
    body = "\n".join(" " * inner + line if line else "" for line in lines)
    return (header or "|") + "\n" + body + (trail or "\n")


def _header(old: Scalar | None) -> str:
    """Return an old block's style and chomping ('>-', '|'), or '' when it was not a block."""
    if old is None or old.style not in ("|", ">"):
        return ""
    first = old.raw.split("\n", 1)[0].split("#", 1)[0].strip()
    return old.style + ("-" if "-" in first else "+" if "+" in first else "")


def _fold(value: str, width: int) -> list[str]:
    """Return one paragraph broken at single spaces into lines of about `width` characters."""
    lines, line = [], ""
    for word in _words(value):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line]


def _words(value: str) -> list[str]:
    """Return a paragraph's words at single spaces, a figure reference ({{ … }}) kept as one word."""
    words: list[str] = []
    for piece in value.split(" "):
        if words and words[-1].count("{{") > words[-1].count("}}"):
            words[-1] += " " + piece  # inside a reference: never broken across lines
        else:
            words.append(piece)
    return words


def _block_indent(old: Scalar | None) -> int | None:
    """Return the indentation of an existing block scalar's lines."""
    if old is None or old.style not in ("|", ">"):
        return None
    for line in old.raw.split("\n")[1:]:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return None


def _plain_safe(value: str, flow: bool) -> bool:
    """Return True when a one-line value reads back as the same text without quotes."""
    import yaml

    if value[0] in "!&*{}[],#|>@`\"'%-?:" or ": " in value or " #" in value or "{{" in value \
            or value.endswith(":") or "\t" in value or UNPRINTABLE_RE.search(value):
        return False
    if flow and any(ch in value for ch in ",[]{}"):
        return False
    try:
        return yaml.safe_load(value) == value
    except yaml.YAMLError:
        return False
