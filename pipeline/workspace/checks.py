"""The check every form edit passes before it is given back: the new text loads with the strict loader
and means the old record with exactly the change asked for (nothing else moved, added or lost)."""

from __future__ import annotations

from ..base.errors import PipelineError
from ..records.yamlload import Node, Scalar, parse
from . import scalars
from .nodes import find, plain


def _changed(tree, found: list, change):
    """Return a copy of a plain record with the value at a path changed (None: the key removed)."""
    if not found:
        return change(tree)
    step, rest = found[0], found[1:]
    if isinstance(step, int):
        return [(_changed(item, rest, change) if i == step else item) for i, item in enumerate(tree or [])]
    pairs = list(tree or [])
    keys = [k for k, _ in pairs]
    at = keys.index(step) if step in keys else len(pairs)
    value = _changed(pairs[at][1] if at < len(pairs) else None, rest, change)
    return pairs[:at] + ([] if value is None else [(step, value)]) + pairs[at + 1:]


def _at(tree, found: list):
    """Return the plain value at a path, or None."""
    for step in found:
        if isinstance(step, int):
            tree = tree[step] if isinstance(tree, list) and 0 <= step < len(tree) else None
        else:
            tree = dict(tree).get(step) if isinstance(tree, list) and all(isinstance(p, tuple) for p in tree) else None
    return tree


def _same(a, b) -> bool:
    """Return True when two plain values mean the same (keys in the same order; a block's trailing
    line breaks aside)."""
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a.rstrip("\n") == b.rstrip("\n")
    if isinstance(a, tuple) and isinstance(b, tuple):
        return a[0] == b[0] and _same(a[1], b[1])
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a is None and b is None


def _loaded(text: str) -> Node | None:
    """Return the root of an edited text, or None when the strict loader refuses it."""
    try:
        return parse(text, "record")
    except PipelineError:
        return None


def compare(new: str | Node | None, old: Node, found: list, expected) -> None:
    """Refuse an edit whose text does not load, changes anything but the value at `found`, or leaves
    there anything but `expected` (None: nothing)."""
    loaded = plain(_loaded(new) if isinstance(new, str) else new) if new is not None else None
    before = plain(old)
    if loaded is None or not _same(_changed(loaded, found, lambda v: None), _changed(before, found, lambda v: None)) \
            or not _same(_at(loaded, found), expected):
        raise ValueError("the form cannot make this change safely here; make it in the YAML tab")


def checked(old: Node, new: str, found: list, meant: tuple[str, str] | None) -> str:
    """Return a one-value edit's text when it means the old record with that value (None: removed)."""
    root = _loaded(new)
    if meant is None:
        compare(root, old, found, None)
        return new
    value, way = meant
    node = find(root, found) if root is not None else None
    if not isinstance(node, Scalar) or not scalars.reads_as(node.value, value, way):
        raise ValueError("not read back")
    compare(root, old, found, node.value)
    return new
