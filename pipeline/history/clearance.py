"""Clearance before publishing: draft → in clearance → cleared → published, per layout's rule.

Who must clear is set per layout in factsheets.toml's [clearance] table: "cleared-list" (everyone
named on the record's cleared: list), "another" (one person other than the last editor), or a list of
names. Sending, clearing and returning are versions of their own (commits that change no file), so they
are part of the history; only those made after the file's last change count: a change withdraws them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..base import config
from .store import NOTES, HistoryError, Store
from .who import Who

DRAFT = re.compile(r"^status:[ \t]*draft[ \t]*(#.*)?$", re.MULTILINE)
CLEARER = re.compile(r":\s*(?P<name>[^:()]+?)\s*\((ok|info)\)\s*$")  # "EAP/MLS: R. Roe (ok)"
ACTIONS = NOTES
RULES = ("cleared-list", "another")


@dataclass
class Rules:
    """The project's clearance rules: per layout, and whether clearance is turned off (one local user)."""

    layouts: dict[str, object] = field(default_factory=dict)
    off: bool = False


@dataclass
class State:
    """Where a sheet stands: its stage, who cleared the current version, whose clearances are missing."""

    stage: str  # draft, in clearance, cleared, published
    cleared: list[tuple[str, str]] = field(default_factory=list)  # (who, comment)
    missing: list[str] = field(default_factory=list)
    returned: tuple[str, str] | None = None  # who returned it, with what comment
    rule: object = None
    off: bool = False

    @property
    def publishable(self) -> bool:
        """Return True when Publish may go ahead."""
        return self.off or self.rule is None or not self.missing


def rules(project: Path) -> Rules:
    """Return the [clearance] rules of the project's factsheets.toml (none when there is no such table)."""
    file = config.find(project)
    table = config.load(file, config.NAME).get("clearance", {}) if file else {}
    if not isinstance(table, dict):
        raise HistoryError("factsheets.toml: 'clearance' must be a table: [clearance] then one line per layout")
    found = Rules(off=table.get("off", False) is True)
    for layout, rule in table.items():
        if layout == "off":
            continue
        if not (rule in RULES or (isinstance(rule, list) and rule and all(isinstance(n, str) for n in rule))):
            raise HistoryError(f"factsheets.toml: [clearance] {layout} must be \"cleared-list\", \"another\" or a "
                               f"list of names, such as [\"R. Roe\", \"J. Doe\"]")
        found.layouts[layout] = rule
    return found


def state(store: Store, file: Path, project_rules: Rules) -> State:
    """Return where a sheet stands in its clearance."""
    text = file.read_text(encoding="utf-8") if file.is_file() else ""
    record = _record(text)
    rule = project_rules.layouts.get(str(record.get("layout", "")))
    sent, cleared, returned, editor = False, {}, None, None
    for version in reversed(store.versions(file)):  # oldest first
        comment = next((line[len("comment: "):] for line in version.what if line.startswith("comment: ")), "")
        if version.action == "return":
            sent, cleared, returned = False, {}, (version.who, comment)
        elif version.action == "send":
            sent, returned = True, None
        elif version.action == "clear":
            cleared[version.who] = comment
            sent, returned = True, None
        elif version.action == "publish":  # a new cycle starts at the next draft
            sent, cleared, returned, editor = False, {}, None, version.who
        else:  # a change withdraws the clearances of the version before it
            cleared, editor = {}, version.who
    missing = _missing(rule, record, cleared, editor)
    stage = "draft" if not sent else ("cleared" if rule is not None and not missing else "in clearance")
    if not DRAFT.search(text):
        stage, missing = "published", []
    return State(stage, list(cleared.items()), missing, returned, rule, project_rules.off)


def act(store: Store, file: Path, who: Who, kind: str, comment: str = "") -> str:
    """Record a sending for clearance, a clearance or a return (with its comment) of the sheet's current version."""
    if kind not in ACTIONS:
        raise HistoryError(f"'{kind}' is not a clearance step: use send, clear or return")
    if kind == "return" and not comment.strip():
        raise HistoryError("say why you return it: add --comment \"…\"")
    words = {"send": "Sent for clearance", "clear": "Cleared", "return": "Returned"}[kind]
    path = store.relative(file)
    return store.note(path, who, f"{words} {path}", kind, [f"comment: {comment.strip()}"] if comment.strip() else [])


def _missing(rule, record: dict, cleared: dict, editor: str | None) -> list[str]:
    """Return, in words, whose clearances the rule still needs."""
    if rule is None:
        return []
    if rule == "another":
        others = [who for who in cleared if who != editor]
        return [] if others else [f"one person other than the last editor ({editor})"]
    names = _listed(record) if rule == "cleared-list" else list(rule)
    done = {who.casefold() for who in cleared}
    return [name for name in dict.fromkeys(names) if name.casefold() not in done]


def _listed(record: dict) -> list[str]:
    """Return the names on a record's cleared: list ("EAP/MLS: R. Roe (ok)" names R. Roe)."""
    names = []
    for line in record.get("cleared") or []:
        match = CLEARER.search(str(line))
        names.append(match["name"] if match else str(line))
    return names


def _record(text: str) -> dict:
    """Return a record's top-level fields, or none when it does not load."""
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    return loaded if isinstance(loaded, dict) else {}
