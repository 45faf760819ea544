"""The stylesheet: templates/styles.yaml read into the base Look, and the look settings a layout.yaml
overrides, every value checked where it is written."""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
from pathlib import Path

from ..base import fonts
from ..base.errors import Location, did_you_mean
from ..base.errors import shown as shown_value
from ..base.paths import display
from ..document.look import (
    ALIGNMENTS,
    EIGHTH,
    FONTS,
    HALF_POINT,
    PARTS,
    POINT,
    TWIP,
    WRITER_STYLES,
    Look,
    Style,
    settable,
)
from ..records.yamlload import Node
from .configfile import config_mapping, fail, pairs, scalar

STYLES_FILE = "styles.yaml"
_COLOUR = re.compile(r"^[0-9A-Fa-f]{6}$")


# What each style the writers apply themselves is for, for the message when one is missing.
_WRITER_STYLE_USE = {"Normal": "body text", "Heading 1": "section headings", "Heading 2": "subheadings",
                     "List Bullet": "bulleted lists", "Caption": "table captions", "Table Text": "table cells"}


def load_look(path: Path) -> Look:
    """Return the base look of templates/styles.yaml, every value checked where it is written."""
    shown = display(path)
    fields = config_mapping(path, shown, (*PARTS, "styles"))
    look = overlay(fields, shown, Look(styles=()))
    names = {style.name for style in look.styles}
    for name in WRITER_STYLES:
        if name not in names:
            keys = {key.value: key.loc for key, _ in pairs(fields["styles"], "styles", shown)} if "styles" in fields else {}
            close = difflib.get_close_matches(name, sorted(keys), n=1, cutoff=0.6)
            where = keys[close[0]] if close else (fields["styles"].loc if "styles" in fields else Location(shown))
            fail(where, shown, f"the stylesheet lacks the style '{name}', which every sheet uses for "
                               f"{_WRITER_STYLE_USE[name]}" + (f" — is '{close[0]}' meant to be it?" if close else ""),
                 f"rename '{close[0]}' to '{name}'" if close else
                 f"add it under 'styles:', for example  {name}: {{size: 12}}")
    return look


def overlay(fields: dict[str, Node], shown: str, base: Look) -> Look:
    """Return `base` with the parts and styles that `fields` set."""
    changes = {key: _part(fields[key], key, cls, getattr(base, key), shown)
               for key, cls in PARTS.items() if key in fields}
    if "styles" in fields:
        styles = {style.name: style for style in base.styles}
        styles.update(_styles(fields["styles"], shown, styles))
        changes["styles"] = tuple(styles.values())
    return dataclasses.replace(base, **changes)


def _part(node: Node, key: str, cls, start, shown: str):
    """Return one look part (page, text, box, table, watermark) with `node`'s values over `start`."""
    allowed = settable(cls)
    changes = {}
    for name, value in pairs(node, key, shown):
        if name.value not in allowed:
            fail(name.loc, shown, f"'{key}' has no setting '{name.value}'{did_you_mean(name.value, allowed)}",
                 f"its settings: {', '.join(allowed)}")
        changes[name.value] = look_value(name.value, value, allowed[name.value], shown)
    return dataclasses.replace(start, **changes)


def _styles(node: Node, shown: str, base: dict[str, Style]) -> dict[str, Style]:
    """Return styles from a `name: {property: value}` mapping, over `base`."""
    allowed = settable(Style)
    styles = {}
    for key, value in pairs(node, "styles", shown):
        if not key.value.strip() or not key.value.isprintable() or len(key.value) > 40:
            fail(key.loc, shown, "a style name must be printable text of at most 40 characters")
        changes = {}
        for prop, setting in pairs(value, key.value, shown):
            if prop.value not in allowed:
                fail(prop.loc, shown, f"unknown style property '{prop.value}'{did_you_mean(prop.value, allowed)}",
                     f"style properties: {', '.join(allowed)}")
            changes[prop.value] = look_value(prop.value, setting, allowed[prop.value], shown)
        styles[key.value] = dataclasses.replace(base.get(key.value, Style(key.value)), **changes)
    return styles


# How a message names a step (look.py): the unit Word writes the value in.
_STEPS = {TWIP: "0.05 pt (Word writes it in twips, 1/20 pt)", HALF_POINT: "0.5 pt (Word writes sizes in half points)",
          EIGHTH: "0.125 pt (Word writes lines in eighths of a point)",
          POINT: "1 pt (Word writes it in whole points)"}


def look_value(name: str, node: Node, spec: dict, shown: str):
    """Return one look value converted by its kind, or fail at the value with what was expected."""
    text = scalar(node, name, shown)
    kind = spec["kind"]
    if kind == "bool":
        if text not in ("true", "false"):
            fail(node.loc, shown, f"'{name}' must be true or false, found {shown_value(text)}")
        return text == "true"
    if kind == "colour":
        if not _COLOUR.match(text):
            fail(node.loc, shown, f"'{name}' must be a hex colour like 0A3161, found {shown_value(text)}")
        return text.upper()
    if kind == "align":
        if text not in ALIGNMENTS:
            fail(node.loc, shown, f"'{name}' must be one of {', '.join(ALIGNMENTS)}; found "
                                  f"{shown_value(text)}{did_you_mean(text, ALIGNMENTS)}")
        return text
    if kind == "font":
        if text not in FONTS:
            fail(node.loc, shown, f"'{name}' must be a font the PDF can match line for line: "
                                  f"{', '.join(FONTS)}; found {shown_value(text)}",
                 "the PDF embeds a metric twin of each (Liberation Serif for Times New Roman)")
        return text
    if kind == "char":
        if (not text.isprintable() or len(text) != 1 or not text.strip()
                or text not in fonts.family_coverage()[fonts.LATIN.name]):  # drawn in the Latin font
            fail(node.loc, shown, f"'{name}' must be one printable character the bundled font draws, "
                                  f"found {shown_value(text)}")
        return text
    return _number(name, node, text, spec, shown)


def _number(name: str, node: Node, text: str, spec: dict, shown: str) -> float:
    """Return a number within the setting's range, or fail naming the range."""
    low, high = spec["low"], spec["high"]
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not low <= number <= high:  # also refuses nan and inf
        unit = {"pt": " pt", "degrees": " degrees"}.get(spec["kind"], "")
        fail(node.loc, shown, f"'{name}' must be a number from {low:g} to {high:g}{unit}, "
                              f"found {shown_value(text)}")
    step = spec.get("step")
    if step and abs(number / step - round(number / step)) > 1e-9:
        fail(node.loc, shown, f"'{name}' must be a multiple of {_STEPS.get(step, f'{step:g} pt')}, "
                              f"found {shown_value(text)}",
             f"use {round(number / step) * step:g}: the PDF and the .docx then lay out the same length")
    return number
