"""Configuration files of the layouts (styles.yaml, layout.yaml): their YAML read with the record loader,
every shape error a ConfigError at the value's line and column."""

from __future__ import annotations

from pathlib import Path

from ..base.errors import ConfigError, Diagnostic, Location, RecordError
from ..records.yamlload import Mapping, Node, Scalar, Sequence, load_file


def _config_root(path: Path, shown: str) -> Node:
    """Parse a configuration YAML file, turning record-style errors into ConfigError."""
    try:
        return load_file(path, shown)
    except RecordError as exc:
        raise ConfigError(exc.diagnostics)


def config_mapping(path: Path, shown: str, allowed) -> dict[str, Node]:
    """Return the top-level fields of a configuration file."""
    root = _config_root(path, shown)
    fields = {}
    for key, value in pairs(root, shown, shown):
        if key.value not in allowed:
            fail(key.loc, shown, f"unknown key '{key.value}'; allowed: {', '.join(allowed)}")
        fields[key.value] = value
    return fields


def pairs(node: Node, what: str, shown: str) -> list[tuple[Scalar, Node]]:
    """Return the pairs of a node that must be a mapping."""
    if not isinstance(node, Mapping):
        fail(node.loc, shown, f"'{what}' must be a mapping")
    return node.items


def scalar(node: Node | None, what: str, shown: str) -> str:
    """Return the text of a node that must be a scalar."""
    if not isinstance(node, Scalar):
        fail(node.loc if node else Location(shown), shown, f"'{what}' must be a single value")
    return node.value


def strings(node: Node | None, what: str, shown: str) -> list[str]:
    """Return a list of names."""
    if node is None:
        return []
    if not isinstance(node, Sequence):
        fail(node.loc, shown, f"'{what}' must be a list")
    return [scalar(item, what, shown) for item in node.items]


def string_map(node: Node | None, what: str, shown: str) -> dict[str, str]:
    """Return a mapping of names to text."""
    return {k.value: scalar(v, k.value, shown) for k, v in pairs(node, what, shown)} if node else {}


def fail(loc: Location, shown: str, message: str, hint: str | None = None):
    """Raise a ConfigError at `loc`."""
    raise ConfigError([Diagnostic(loc, message, hint)])
