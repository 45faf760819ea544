"""The editor's form: a record's fields read from its YAML text, and one field's edit made as a text edit.

The YAML text stays the one truth: a form edit replaces only the characters of that one value
(found by the strict loader's offsets), so comments, key order and every other line stay as typed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..errors import PipelineError
from ..schema import LINE_FIELDS, TEXT_FIELDS
from ..yamlload import Mapping, Scalar, Sequence, parse

SCALAR_FIELDS = (*TEXT_FIELDS, "date", "status")
SECTION_PARTS = ("heading", "text")
FIGURE_PARTS = ("value", "as_of")  # what the figures table edits; a series (values) is for the YAML tab
NUMBER_RE = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@dataclass
class Field:
    """One input of the form."""

    name: str  # the field path diagnostics use: 'title', 'sections[1].text'
    label: str
    value: str
    required: bool = False
    prose: bool = False  # several lines: a text area
    editable: bool = True  # False for a value written as a list or mapping: edit it in the YAML tab


def form(text: str, prints: tuple[str, ...], requires: tuple[str, ...]) -> tuple[list[Field], list[list[Field]]]:
    """Return the top-level fields the layout prints and each section's heading and text.

    The record's own figures come from figures_table.

    ValueError when the text does not parse (the YAML tab shows why).
    """
    root = _root(text)
    values = dict((k.value, v) for k, v in root.items)
    top = [_field(name, name.replace("_", " ").capitalize(), values.get(name), name in requires)
           for name in SCALAR_FIELDS if name in prints]
    sections = []
    found = values.get("sections")
    if isinstance(found, Sequence):
        for i, section in enumerate(found.items):
            parts = dict((k.value, v) for k, v in section.items) if isinstance(section, Mapping) else {}
            sections.append([_field(f"sections[{i}].{part}", part.capitalize(), parts.get(part), False)
                             for part in SECTION_PARTS if part in parts or part == "heading"])
    return top, sections


def figures_table(text: str) -> list[tuple[str, Field | None, Field | None]]:
    """Return the record's own figures as rows: name, its value field and its as-of field (None: not
    editable here, such as a series of values by year)."""
    found = dict((k.value, v) for k, v in _root(text).items).get("figures")
    rows = []
    for key, node in found.items if isinstance(found, Mapping) else []:
        name = f"figures.{key.value}"
        if isinstance(node, Scalar):
            rows.append((key.value, Field(name, "Value", node.value), None))
        elif isinstance(node, Mapping):
            parts = dict((k.value, v) for k, v in node.items)
            value = _field(f"{name}.value", "Value", parts.get("value"), False) if "values" not in parts else None
            rows.append((key.value, value, _field(f"{name}.as_of", "As of", parts.get("as_of"), False)))
    return rows


def _root(text: str) -> Mapping:
    """Return the record's top mapping; ValueError when there is none."""
    try:
        root = parse(text, "record")
    except PipelineError as exc:
        raise ValueError(str(exc.diagnostics[0])) from None
    if not isinstance(root, Mapping):
        raise ValueError("the record is not a mapping of fields")
    return root


def _field(name: str, label: str, node, required: bool) -> Field:
    """Return the form input of one value (absent: empty)."""
    leaf = name.rsplit(".", 1)[-1]
    prose = leaf not in LINE_FIELDS and leaf not in ("date", "status", "heading")
    if node is None:
        return Field(name, label, "", required, prose)
    if not isinstance(node, Scalar):
        return Field(name, label, "", required, prose, editable=False)
    return Field(name, label, node.value.rstrip("\n") if node.style in ("|", ">") else node.value, required,
                 prose or "\n" in node.value)


def set_field(text: str, name: str, value: str) -> str:
    """Return the text with one field's value replaced (or added); ValueError when it cannot be."""
    root = _root(text)
    mapping, key = _parent(root, name)
    pairs = dict((k.value, (k, v)) for k, v in mapping.items)
    if key in pairs:
        key_node, node = pairs[key]
        if not isinstance(node, Scalar):
            raise ValueError(f"'{name}' is written as a list or mapping; change it in the YAML tab")
        return text[:node.start] + _scalar(value, key_node.loc.column - 1, node) + text[node.end:]
    if mapping is not root:  # a section's new part goes before its first key, on the '- ' line
        first_key = mapping.items[0][0]
        indent = first_key.loc.column - 1
        return (text[:first_key.start] + f"{key}: " + _scalar(value, indent, None).rstrip("\n") + "\n"
                + " " * indent + text[first_key.start:])
    ending = "" if text.endswith("\n") or not text else "\n"
    return text + ending + f"{key}: " + _scalar(value, 0, None).rstrip("\n") + "\n"


NEW_SECTION = ("heading: <<the section's heading>>", "text: |", "  <<the section's text>>")


def add_section(text: str) -> str:
    """Return the text with a new section (placeholders, which fail check until replaced) after the last."""
    root = _root(text)
    keys = [key for key, _ in root.items]
    found = dict((k.value, v) for k, v in root.items).get("sections")
    if found is None:
        ending = "" if text.endswith("\n") or not text else "\n"
        return text + ending + "sections:\n" + "".join(f"  {'- ' if i == 0 else '  '}{line}\n"
                                                        for i, line in enumerate(NEW_SECTION))
    if not isinstance(found, Sequence) or not found.items or not isinstance(found.items[0], Mapping):
        raise ValueError("the sections are not written as a list of sections; add one in the YAML tab")
    column = found.items[0].loc.column - 1  # where a section's keys start; its '- ' is two before
    after = [key for key in keys if key.loc.line > found.items[-1].loc.line]  # the next top-level key
    at = text.rfind("\n", 0, after[0].start) + 1 if after else len(text)
    block = "".join(" " * (column - 2) + "- " + line + "\n" if i == 0 else " " * column + line + "\n"
                    for i, line in enumerate(NEW_SECTION))
    before = text[:at] if text[:at].endswith("\n") or not text[:at] else text[:at] + "\n"
    return before + block + text[at:]


def _parent(root: Mapping, name: str) -> tuple[Mapping, str]:
    """Return the mapping holding a field and the field's key ('sections[2].text' → section 2, 'text')."""
    if "." not in name:
        if name not in SCALAR_FIELDS:
            raise ValueError(f"'{name}' is not a field the form edits")
        return root, name
    head, key = name.split(".", 1)
    if head == "figures":
        return _figure_parent(root, key, name)
    if not head.startswith("sections[") or key not in SECTION_PARTS:
        raise ValueError(f"'{name}' is not a field the form edits")
    index = int(head[len("sections["):-1])
    sections = dict((k.value, v) for k, v in root.items).get("sections")
    if not isinstance(sections, Sequence) or not 0 <= index < len(sections.items) \
            or not isinstance(sections.items[index], Mapping):
        raise ValueError(f"there is no section {index + 1}")
    return sections.items[index], key


def _figure_parent(root: Mapping, key: str, name: str) -> tuple[Mapping, str]:
    """Return the mapping holding a figure's value or as-of ('figures.opium_ha.value')."""
    figures = dict((k.value, v) for k, v in root.items).get("figures")
    figure, _, part = key.partition(".")
    found = dict((k.value, v) for k, v in figures.items).get(figure) if isinstance(figures, Mapping) else None
    if found is None:
        raise ValueError(f"there is no figure '{figure}'")
    if not part:
        if not isinstance(found, Scalar):
            raise ValueError(f"'{name}' is written as a mapping; change its value")
        return figures, figure
    if part not in FIGURE_PARTS or not isinstance(found, Mapping):
        raise ValueError(f"'{name}' is not a field the form edits")
    return found, part


def _scalar(value: str, indent: int, old: Scalar | None) -> str:
    """Return a value written as YAML: a block for several lines (or a block before), else one line."""
    value = value.replace("\r\n", "\n").strip("\n")
    if "\n" in value or (old is not None and old.style in ("|", ">")):
        inner = _block_indent(old) or indent + 2
        body = "\n".join(" " * inner + line if line else "" for line in value.split("\n"))
        trail = old.raw[len(old.raw.rstrip("\n")):] if old is not None and old.style in ("|", ">") else ""
        return "|\n" + body + (trail or "\n")  # the blank lines after a block stay
    if NUMBER_RE.fullmatch(value.replace(",", "")) and old is not None and old.plain \
            and NUMBER_RE.fullmatch(old.value):
        return value.replace(",", "")  # a number stays a plain number (5,700 typed: 5700)
    if value and value == value.strip() and (_plain_safe(value) or re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value)):
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _block_indent(old: Scalar | None) -> int | None:
    """Return the indentation of an existing block scalar's lines."""
    if old is None or old.style not in ("|", ">"):
        return None
    for line in old.raw.split("\n")[1:]:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return None


def _plain_safe(value: str) -> bool:
    """Return True when a one-line value reads back as the same text without quotes."""
    import yaml

    if value[0] in "!&*{}[],#|>@`\"'%-?:" or ": " in value or " #" in value or "{{" in value:
        return False
    try:
        return yaml.safe_load(value) == value
    except yaml.YAMLError:
        return False
