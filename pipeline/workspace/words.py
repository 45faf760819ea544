"""Plain words for the browser: a problem's place as the form names it ("Section 2 (Goals), text"),
its message and hint without command-line options, file paths or figure code names, sheets by title.

The CLI and the Advanced view keep the precise forms (line, field path); only what a Word user
reads in the workspace goes through here.
"""

from __future__ import annotations

import re

import yaml

from . import tablewords

NOUNS = {"sections": "Section", "bullets": "bullet", "items": "term", "notes": "Note", "cleared": "Cleared by",
         "series": "series", "rows": "row", "columns": "column", "points": "point"}
NAMES = {"doc_type": "Document type", "cleared": "Cleared by", "notes": "Notes", "sections": "Sections",
         "bullets": "Bullets", "items": "Terms", "as_of": "as of", "heading_style": "heading style",
         "dateline": "Dateline", "id": "File name", "seal": "Seal picture", "figures": "This sheet’s own figures"}
STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]")
FIELD_IN_TEXT = re.compile(r"'?\b((?:sections|notes|cleared)\[[0-9]+\](?:\.[A-Za-z_]+|\[[0-9]+\])*)'?")
FIGURE = re.compile(r"(\b(?:shared )?figure )?'?\{?\{?\s*\b(data\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+|figures\.[A-Za-z0-9_]+)(?:\[[0-9]+\])?\s*"
                    r"(?:\|[^}']*)?\}?\}?'?")
OPTION_CLAUSE = re.compile(r"[,;]?\s*(?:or\s+)?(?:(?:allow|pass|use|run)\b[^,;]*?)?--[a-z][a-z-]*(?:\s+[A-Z]+)?[^,;]*")
RECORD_PATH = re.compile(r"(?<![\w/])(?:[\w.-]+/)*[\w.-]+\.ya?ml\b")
LOCATION = re.compile(r"^\S+:[0-9]+(?::[0-9]+)?: (?:error|warning): ")  # the CLI's 'file:line:col: error: '
CODE_NAME = re.compile(r"'([a-z][a-z0-9]*(?:_[a-z0-9]+)+)'")  # 'laos_opium_ha': a figure's key, said as words
FIGURE_LIST = re.compile(r"(its figures|figures of this record): ([A-Za-z0-9_, ]+)$")  # a hint listing figure keys
ASK = "ask whoever runs the workspace"
ACRONYMS = ("inl", "us", "un", "pdf")


def place(field: str | None, text: str) -> str:
    """Return where a field path is as the form shows it: 'Section 2 (Goals), bullet 3'; '' for None."""
    if not field:
        return ""
    if tablewords.place(field, text):  # 'Table 1, row 3, column 2', counted over the whole sheet
        return tablewords.place(field, text)
    steps = [(name, int(index) if index else None) for name, index in STEP.findall(field)]
    record = _lenient(text)
    if len(steps) >= 2 and steps[0][0] == "figures":  # the sheet's own figures table: by the figure's name
        part = ", " + NAMES.get(steps[2][0], steps[2][0].replace("_", " ")) if len(steps) > 2 else ""
        return f"Figure “{steps[1][0].replace('_', ' ')}”{part}"
    words, node = [], record
    for name, index in steps:
        if index is not None:
            node = node[index] if isinstance(node, list) and index < len(node) else None
            _numbered(words, index, node)
            continue
        node = node.get(name) if isinstance(node, dict) else None
        words.append(NAMES.get(name, name.replace("_", " ")))
    return _joined(words)


def layout_name(name: str) -> str:
    """Return a layout's human name: 'inl-country-program' → 'INL country program'."""
    said = " ".join(w.upper() if w in ACRONYMS else w for w in name.split("-"))
    return said[:1].upper() + said[1:]


def _numbered(words: list[str], index: int, node) -> None:
    """Turn the list's name just said into its entry's: 'Sections' → 'Section 2 (Goals)'."""
    plural = words.pop() if words else ""
    noun = next((n for k, n in NOUNS.items() if NAMES.get(k, k).lower() == plural.lower()), plural.rstrip("s"))
    said = f"{noun} {index + 1}"
    if noun == "Section" and isinstance(node, dict) and str(node.get("heading") or "").strip():
        said += f" ({str(node['heading']).strip().rstrip(':')})"
    words.append(said)


def _joined(words: list[str]) -> str:
    """Return the words as one place, the first capitalised: 'Section 2 (Goals), text'."""
    said = ", ".join(w for w in words if w)
    return said[:1].upper() + said[1:]


def _lenient(text: str):
    """Return the record read leniently (None when it does not read): only headings are taken from it."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def sentence(message: str, text: str = "", titles: dict[str, str] | None = None,
             figures: dict[str, str] | None = None, place_shown: bool = False) -> str:
    """Return a message or hint in a Word user's words: field paths as places, figures by name,
    records by their sheet's title, command-line options as who to ask."""
    if not message:
        return message
    said = re.sub(r"\s*\n\s*hint:\s*", " — what to do: ", LOCATION.sub("", message))
    said = OPTION_CLAUSE.sub(lambda m: f", or {ASK}" if m.start() else ASK, said)
    said = RECORD_PATH.sub(lambda m: _sheet(m.group(0), titles or {}), said)
    said = FIGURE.sub(lambda m: ("figure " if m.group(1) else "the figure ") + _figure(m.group(2), figures or {}),
                      said)
    said = FIELD_IN_TEXT.sub(lambda m: place(m.group(1), text), said).replace("YAML tab", "Advanced view")
    said = FIGURE_LIST.sub(lambda m: m.group(1) + ": " + ", ".join(
        f"“{n.strip().replace('_', ' ')}”" for n in m.group(2).split(",")), said)
    said = CODE_NAME.sub(lambda m: "“" + m.group(1).replace("_", " ") + "”", said.replace("as_of", "“as of”"))
    return re.sub(r"^in [^:]+: ", "", said) if place_shown else said


def _sheet(path: str, titles: dict[str, str]) -> str:
    """Return a record path as its sheet's title, or 'a sheet' when the path is not a known sheet's."""
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    title = titles.get(path) or titles.get(stem)
    return f"the sheet “{title}”" if title else ("the shared data" if "/data/" in path else "a sheet")


def _figure(name: str, figures: dict[str, str]) -> str:
    """Return a figure reference by its label ('“Opium poppy cultivation”'), else its name's words."""
    return f"“{figures.get(name) or name.rsplit('.', 1)[-1].replace('_', ' ')}”"
