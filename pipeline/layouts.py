"""Layouts: each folder of templates/ with a layout.yaml and a sheet.xml.j2, plus the stylesheet."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import nodes

from .assets import confined
from .doctree import Style
from .errors import ConfigError, Diagnostic, Location, RecordError, did_you_mean
from .view import SheetView
from .yamlload import Mapping, Node, Scalar, Sequence, load_file

LAYOUT_FILE = "layout.yaml"
TEMPLATE_FILE = "sheet.xml.j2"
STYLES_FILE = "styles.yaml"
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*\Z")
_COLOUR = re.compile(r"^[0-9A-Fa-f]{6}$")
_USES = re.compile(r"\bsheet\.([a-z_]+)")
_STYLE_TYPES = {f.name: f.type for f in dataclasses.fields(Style) if f.name != "name"}
_SHEET_FIELDS = tuple(f.name for f in dataclasses.fields(SheetView))


@dataclass(frozen=True)
class Layout:
    """One layout: its template, the fields it needs, defaults and styles."""

    name: str
    description: str
    requires: tuple[str, ...]
    uses: tuple[str, ...]
    defaults: dict[str, str]
    styles: tuple[Style, ...]
    template: jinja2.Template
    folder: Path


class _ConfinedLoader(jinja2.FileSystemLoader):
    """Loads templates only from files really inside the templates folder (no links out of it)."""

    def get_source(self, environment, template):
        """Return the template source, refusing a file that resolves outside the folder."""
        source, filename, uptodate = super().get_source(environment, template)
        if confined(Path(filename), [Path(root) for root in self.searchpath]) is None:
            raise ConfigError([Diagnostic(Location(filename), "this template is a link to a file outside "
                                                              "the templates folder",
                                          "copy the file into the templates folder instead of linking it")])
        return source, filename, uptodate


def environment(templates: Path) -> jinja2.Environment:
    """Return the Jinja2 environment for layout templates (autoescaped, strict)."""
    return jinja2.Environment(loader=_ConfinedLoader(str(templates)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=False)


def load_layouts(templates: Path, display=str) -> dict[str, Layout]:
    """Load and compile every layout up front; ConfigError names the broken file and line."""
    if not templates.is_dir():
        raise ConfigError([Diagnostic(Location(display(templates)), "the templates folder does not exist",
                                      "run from the project folder or pass --templates DIR")])
    base = load_styles(templates / STYLES_FILE, display)
    env = environment(templates)
    for name in env.list_templates(extensions=["j2"]):  # macros too: they load only when used
        _check_template(env, name, display(templates / name))
    layouts = {}
    for folder in sorted(p for p in templates.iterdir() if (p / LAYOUT_FILE).is_file()):
        layouts[folder.name] = _load_layout(folder, env, base, display)
    if not layouts:
        raise ConfigError([Diagnostic(Location(display(templates)), "no layouts found",
                                      f"each layout is a folder with {LAYOUT_FILE} and {TEMPLATE_FILE}")])
    return layouts


def _load_layout(folder: Path, env: jinja2.Environment, base: dict[str, Style], display) -> Layout:
    """Load one layout folder."""
    path = folder / LAYOUT_FILE
    shown = display(path)
    if not _NAME.match(folder.name):
        raise ConfigError([Diagnostic(Location(shown), f"layout name '{folder.name}' is not kebab-case")])
    fields = _config_mapping(path, shown, ("description", "requires", "defaults", "styles"))
    styles = dict(base)
    styles.update(_styles(fields.get("styles"), shown, base))
    template = _compile(env, f"{folder.name}/{TEMPLATE_FILE}", display(folder / TEMPLATE_FILE))
    source = (folder / TEMPLATE_FILE).read_text(encoding="utf-8")
    return Layout(name=folder.name,
                  description=_scalar(fields.get("description"), "description", shown),
                  requires=tuple(_strings(fields.get("requires"), "requires", shown)),
                  uses=tuple(dict.fromkeys(_USES.findall(source))),
                  defaults=_string_map(fields.get("defaults"), "defaults", shown),
                  styles=tuple(styles.values()), template=template, folder=folder)


def _check_template(env: jinja2.Environment, name: str, shown: str) -> None:
    """Compile one template and refuse unknown filters, tests and sheet fields anywhere in it.

    Jinja reports an unknown filter inside an {% if %} only when a record reaches that branch,
    after other records' sheets were written; checking the whole tree stops the run first.
    """
    try:
        source, _, _ = env.loader.get_source(env, name)
    except UnicodeDecodeError as exc:
        raise ConfigError([Diagnostic(Location(shown), f"the template is not UTF-8 text ({exc.reason} "
                                                       f"at byte {exc.start})", "save it as UTF-8")])
    try:
        tree = env.parse(source, name)
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError([Diagnostic(Location(shown, exc.lineno or 1), f"template error: {exc.message}")])
    for node in tree.find_all((nodes.Filter, nodes.Test, nodes.Getattr)):
        word, known, kind = _used_name(node, env)
        if word is not None and word not in known:
            raise ConfigError([Diagnostic(Location(shown, node.lineno),
                                          f"template error: unknown {kind} '{word}'{did_you_mean(word, known)}",
                                          f"known: {', '.join(sorted(known))}" if kind == "sheet field" else None)])
    _compile(env, name, shown)


def _used_name(node: nodes.Node, env: jinja2.Environment) -> tuple[str | None, tuple, str]:
    """Return (name, known names, kind) of the filter, test or sheet field a node uses, else None."""
    if isinstance(node, nodes.Filter):
        return node.name, tuple(env.filters), "filter"
    if isinstance(node, nodes.Test):
        return node.name, tuple(env.tests), "test"
    if isinstance(node.node, nodes.Name) and node.node.name == "sheet":
        return node.attr, _SHEET_FIELDS, "sheet field"
    return None, (), ""


def _compile(env: jinja2.Environment, name: str, shown: str) -> jinja2.Template:
    """Compile a template now, so a syntax error stops the run before any output is touched."""
    try:
        return env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        where = shown if exc.name == name else (exc.filename or shown)
        raise ConfigError([Diagnostic(Location(where, exc.lineno or 1), f"template error: {exc.message}")])
    except jinja2.TemplateNotFound:
        raise ConfigError([Diagnostic(Location(shown), "the layout has no template",
                                      f"add {TEMPLATE_FILE} beside {LAYOUT_FILE}")])


def load_styles(path: Path, display=str) -> dict[str, Style]:
    """Return the base stylesheet by name."""
    return _styles(_config_root(path, display(path)), display(path), {})


def _styles(node: Node | None, shown: str, base: dict[str, Style]) -> dict[str, Style]:
    """Return styles from a `name: {property: value}` mapping, over `base`."""
    if node is None:
        return {}
    styles = {}
    for key, value in _pairs(node, "styles", shown):
        start = base.get(key.value, Style(key.value))
        changes = {k.value: _style_value(k, v, shown) for k, v in _pairs(value, key.value, shown)}
        styles[key.value] = dataclasses.replace(start, **changes)
    return styles


def _style_value(key: Scalar, node: Node, shown: str):
    """Convert one style property by the type of its Style field."""
    kind = _STYLE_TYPES.get(key.value)
    if kind is None:
        _fail(key.loc, shown, f"unknown style property '{key.value}'")
    text = _scalar(node, key.value, shown)
    try:
        if kind == "bool":
            return {"true": True, "false": False}[text]
        if kind == "float":
            return float(text)
    except (KeyError, ValueError):
        _fail(node.loc, shown, f"style property '{key.value}' must be a {kind}, found '{text}'")
    if key.value in ("color", "shading", "border", "border_bottom") and not _COLOUR.match(text):
        _fail(node.loc, shown, f"'{key.value}' must be a hex colour like 0A3161, found '{text}'")
    return text


def _config_root(path: Path, shown: str) -> Node:
    """Parse a configuration YAML file, turning record-style errors into ConfigError."""
    try:
        return load_file(path, shown)
    except RecordError as exc:
        raise ConfigError(exc.diagnostics)


def _config_mapping(path: Path, shown: str, allowed) -> dict[str, Node]:
    """Return the top-level fields of a configuration file."""
    root = _config_root(path, shown)
    fields = {}
    for key, value in _pairs(root, shown, shown):
        if key.value not in allowed:
            _fail(key.loc, shown, f"unknown key '{key.value}'; allowed: {', '.join(allowed)}")
        fields[key.value] = value
    return fields


def _pairs(node: Node, what: str, shown: str) -> list[tuple[Scalar, Node]]:
    """Return the pairs of a node that must be a mapping."""
    if not isinstance(node, Mapping):
        _fail(node.loc, shown, f"'{what}' must be a mapping")
    return node.items


def _scalar(node: Node | None, what: str, shown: str) -> str:
    """Return the text of a node that must be a scalar."""
    if not isinstance(node, Scalar):
        _fail(node.loc if node else Location(shown), shown, f"'{what}' must be a single value")
    return node.value


def _strings(node: Node | None, what: str, shown: str) -> list[str]:
    """Return a list of names."""
    if node is None:
        return []
    if not isinstance(node, Sequence):
        _fail(node.loc, shown, f"'{what}' must be a list")
    return [_scalar(item, what, shown) for item in node.items]


def _string_map(node: Node | None, what: str, shown: str) -> dict[str, str]:
    """Return a mapping of names to text."""
    return {k.value: _scalar(v, k.value, shown) for k, v in _pairs(node, what, shown)} if node else {}


def _fail(loc: Location, shown: str, message: str):
    """Raise a ConfigError at `loc`."""
    raise ConfigError([Diagnostic(loc, message)])
