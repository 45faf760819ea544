"""Layouts: each folder of templates/ with a layout.yaml and a sheet.xml.j2, over the stylesheet (stylesheet.py)."""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import nodes

from ..base import diskcache, fingerprint
from ..base.assets import confined
from ..base.errors import ConfigError, Diagnostic, Location, RecordError, did_you_mean
from ..base.paths import display
from ..document.look import PARTS, WRITER_STYLES, Look
from ..records import fields as record_fields
from ..records import marking
from ..records.fields import ALWAYS, SHEET_FIELDS
from ..records.yamlload import Node, Sequence
from . import printed
from .configfile import config_mapping, fail, pairs, scalar, string_map, strings
from .stylesheet import STYLES_FILE, load_look, look_value, overlay

LAYOUT_FILE = "layout.yaml"
TEMPLATE_FILE = "sheet.xml.j2"
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*\Z")
_STYLE_ATTR = re.compile(r'\bstyle="([^"{}]*)"')
CODE_CACHE, CODE_CACHE_LIMIT = "templates", 16 * 1024 * 1024  # the compiled layouts' kind and bytes in diskcache


@dataclass(frozen=True)
class Layout:
    """One layout: its template, the fields it needs, defaults and its resolved look."""

    name: str
    description: str
    requires: tuple[str, ...]
    prints: tuple[str, ...]  # the record fields this layout prints (ALWAYS not included)
    defaults: dict[str, str]
    look: Look
    template: jinja2.Template | None  # None only while load_layouts checks every layout
    folder: Path
    template_shown: str = ""  # the template's path as messages name it
    added_styles: dict = dataclasses.field(default_factory=dict)  # styles layout.yaml adds → their lines
    headings: tuple[str, ...] = ()  # the only section headings, in this order ({country} etc. filled in)
    classified: bool = False  # an internal paper: a classification banner and portion marks


class _ConfinedLoader(jinja2.FileSystemLoader):
    """Loads templates only from files really inside the templates folder (no links out of it).

    A template the layout checks already parsed is compiled from that tree, so no template is
    read or parsed twice in a run.
    """

    def __init__(self, searchpath: str):
        super().__init__(searchpath)
        # name → (tree, source, filename, uptodate)
        self.parsed: dict[str, tuple[nodes.Template, str, str, object]] = {}

    def load(self, environment, name, globals=None):
        """Return the template, compiled from its checked tree when there is one."""
        if name not in self.parsed:
            return super().load(environment, name, globals)
        tree, source, filename, uptodate = self.parsed.pop(name)
        code = _compiled(environment, tree, name, source, filename)
        return environment.template_class.from_code(environment, code, environment.make_globals(globals), uptodate)

    def get_source(self, environment, template):
        """Return the template source, refusing a file that resolves outside the folder."""
        source, filename, uptodate = super().get_source(environment, template)
        if confined(Path(filename), [Path(root) for root in self.searchpath]) is None:
            raise ConfigError([Diagnostic(Location(filename), "this template is a link to a file outside "
                                                              "the templates folder",
                                          "copy the file into the templates folder instead of linking it")])
        return source, filename, uptodate


def _compiled(environment: jinja2.Environment, tree: nodes.Template, name: str, source: str, filename: str):
    """Return a checked template's Python code, from the user's cache when this source was compiled before.

    Compiling is about half of loading the layouts (30 ms a one-shot command); the code depends on
    the source, its name and file (in its tracebacks), Jinja's version, this package's code (the
    environment's settings and filters) and Python's (marshal's format), all in the key. As Jinja's
    own bytecode caches do, but in the private, self-checking cache of the chart pictures (diskcache).
    """
    import marshal
    import sys

    key = diskcache.key("jinja-code", name, filename, source, jinja2.__version__, sys.version,
                        fingerprint.pipeline_digest())
    kept = diskcache.get(CODE_CACHE, key)
    if kept is not None:
        with contextlib.suppress(ValueError, EOFError, TypeError):
            return marshal.loads(kept)
    code = environment.compile(tree, name, filename)
    diskcache.put(CODE_CACHE, key, marshal.dumps(code), CODE_CACHE_LIMIT)
    return code


def environment(templates: Path) -> jinja2.Environment:
    """Return the Jinja2 environment for layout templates (autoescaped, strict)."""
    return jinja2.Environment(loader=_ConfinedLoader(str(templates)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=False)


def load_layouts(templates: Path) -> dict[str, Layout]:
    """Load and compile every layout up front; ConfigError names the broken file and line."""
    if not templates.is_dir():
        raise ConfigError([Diagnostic(Location(display(templates)), "the templates folder does not exist",
                                      "run from the project folder or pass --templates DIR")])
    base = load_look(templates / STYLES_FILE)
    env = environment(templates)
    # Every template is parsed (macros too: they load only when used) before any is trusted.
    trees = {name: _check_template(env, name, display(templates / name))
             for name in env.list_templates(extensions=["j2"])}
    fields = printed.Fields(printed.macros_of(trees.values()))
    layouts = {}
    for folder in sorted(p for p in templates.iterdir() if (p / LAYOUT_FILE).is_file()):
        tree = trees.get(f"{folder.name}/{TEMPLATE_FILE}")
        layouts[folder.name] = _load_layout(folder, base, fields.of(tree) if tree else None)
    if not layouts:
        raise ConfigError([Diagnostic(Location(display(templates)), "no layouts found",
                                      f"each layout is a folder with {LAYOUT_FILE} and {TEMPLATE_FILE}")])
    _check_style_names(trees, layouts, base, templates)
    # Compiled last: Jinja's optimiser folds constants in the trees the checks above read.
    for name in trees:
        _compile(env, name, display(templates / name))
    return {name: dataclasses.replace(layout, template=env.get_template(f"{name}/{TEMPLATE_FILE}"))
            for name, layout in layouts.items()}


def _load_layout(folder: Path, base: Look, uses) -> Layout:
    """Load one layout folder, its template not yet compiled; `uses` is what its template prints and
    uses of the sheet (None: it has no template)."""
    path = folder / LAYOUT_FILE
    shown = display(path)
    if not _NAME.match(folder.name):
        raise ConfigError([Diagnostic(Location(shown), f"layout name '{folder.name}' is not kebab-case")])
    fields = config_mapping(path, shown, ("description", "requires", "defaults", "headings", "classified",
                                          *PARTS, "styles"))
    if uses is None:
        raise ConfigError([Diagnostic(Location(display(folder / TEMPLATE_FILE)), "the layout has no template",
                                      f"add {TEMPLATE_FILE} beside {LAYOUT_FILE}")])
    prints = _printed_fields(*uses)
    requires = tuple(strings(fields.get("requires"), "requires", shown))
    for name in requires:
        if name not in prints:
            fail(fields["requires"].loc, shown, f"'requires' names '{name}', which the template never prints",
                 f"print sheet.{name} in {TEMPLATE_FILE}, or remove it from 'requires'")
    classified = "classified" in fields and look_value("classified", fields["classified"], {"kind": "bool"}, shown)
    if classified and "classification" not in requires:
        fail(fields["classified"].loc, shown, "an internal layout must require the field 'classification'",
             "add classification to 'requires' (and print sheet.classification as the banner)")
    return Layout(name=folder.name,
                  headings=_headings(fields.get("headings"), requires, shown), classified=classified,
                  description=scalar(fields.get("description"), "description", shown),
                  requires=requires, prints=prints,
                  defaults=_defaults(fields.get("defaults"), prints, shown, folder.parent.parent),
                  look=overlay(fields, shown, base), template=None, folder=folder,
                  template_shown=display(folder / TEMPLATE_FILE),
                  added_styles=_added_styles(fields.get("styles"), base, shown))


def _headings(node: Node | None, requires: tuple[str, ...], shown: str) -> tuple[str, ...]:
    """Return a layout's fixed section headings; a {field} in one must be a required record field."""
    headings = []
    for item in node.items if isinstance(node, Sequence) else strings(node, "headings", shown):
        text = scalar(item, "headings", shown).strip()
        if not text or text in headings:
            fail(item.loc, shown, "a heading is empty or listed twice", "list each heading once, in order")
        for name in marking.PLACEHOLDER.findall(text):
            if name not in marking.HEADING_FORMS:
                fail(item.loc, shown, f"'{{{name}}}' is not a field a heading can name"
                                      f"{did_you_mean(name, marking.HEADING_FORMS)}",
                     f"headings may name: {', '.join('{' + f + '}' for f in marking.HEADING_FORMS)}")
            field = marking.HEADING_FORMS[name]
            if field not in requires:
                fail(item.loc, shown, f"the heading names '{{{name}}}', but the layout does not require '{field}'",
                     f"add {field} to 'requires'")
        headings.append(text)
    return tuple(headings)


def _added_styles(node: Node | None, base: Look, shown: str) -> dict[str, Location]:
    """Return the styles a layout.yaml adds to the base stylesheet, with the line of each."""
    if node is None:
        return {}
    names = {style.name for style in base.styles}
    return {key.value: key.loc for key, _ in pairs(node, "styles", shown) if key.value not in names}


def _defaults(node: Node | None, prints: tuple[str, ...], shown: str, project: Path) -> dict[str, str]:
    """Return a layout's defaults; `sources` (the Sources note) must be true or false and printed;
    a `seal` must be a picture the project holds, with its `seal_alt`, on a layout that prints it."""
    defaults = string_map(node, "defaults", shown)
    for key, value in node.items if node else ():
        if key.value == "seal":
            _seal_default(key, value, defaults, prints, shown, project)
        if key.value == "sources":
            look_value("sources", value, {"kind": "bool"}, shown)
            if "sources" not in prints:
                fail(key.loc, shown, "a default for 'sources', but the template prints no Sources note",
                     "add {{ m.sources(sheet) }} to the template, or remove the default")
    return defaults


def _seal_default(key: Node, value: Node, defaults: dict[str, str], prints, shown: str, project: Path) -> None:
    """Refuse a layout's seal its template does not print, without alt text, or not an acceptable picture."""
    from ..document import images

    if "seal" not in prints:
        fail(key.loc, shown, "a default 'seal', but the template never prints sheet.seal",
             "add {% if sheet.seal %}<image ref=\"{{ sheet.seal.ref }}\"/>{% endif %} to the template, "
             "or remove the default")
    if not defaults.get("seal_alt", "").strip():
        fail(key.loc, shown, "a default 'seal' needs 'seal_alt': what the picture shows, read aloud to "
                             "readers who cannot see it", "add e.g. seal_alt: Seal of the United States")
    try:
        images.load(project, defaults["seal"], defaults["seal_alt"], Location(shown, value.loc.line, value.loc.column))
    except RecordError as exc:
        raise ConfigError(exc.diagnostics) from None


def _printed_fields(printed: frozenset, used: frozenset) -> tuple[str, ...]:
    """Return the record fields behind the sheet fields a template prints, in the fields table's order."""
    shown = printed | ({"draft"} & used)  # the watermark is drawn from a tag: using `draft` prints it
    fields = (record_fields.behind(name) for name in SHEET_FIELDS if name in shown)
    return tuple(dict.fromkeys(name for name in fields if name not in ALWAYS))  # once each, in order


def _check_template(env: jinja2.Environment, name: str, shown: str) -> nodes.Template:
    """Parse one template and refuse unknown filters, tests and sheet fields anywhere in it.

    Jinja reports an unknown filter inside an {% if %} only when a record reaches that branch,
    after other records' sheets were written; checking the whole tree stops the run first.
    Returns the parsed tree.
    """
    try:
        source, filename, uptodate = env.loader.get_source(env, name)
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
    env.loader.parsed[name] = (tree, source, filename, uptodate)
    return tree


def _check_style_names(trees: dict[str, nodes.Template], layouts: dict[str, Layout], base: Look,
                       templates: Path) -> None:
    """Refuse a style name a template writes that its stylesheet lacks, and a style a layout adds
    that nothing uses (a misspelt override), each at its own line.

    A layout's own template may use its own styles; shared templates only the base ones.
    """
    params = _style_params(trees.values())
    uses = {name: _style_uses(tree, params) for name, tree in sorted(trees.items())}
    used = {style for found in uses.values() for style, _ in found} | set(WRITER_STYLES)
    for name, found in uses.items():
        owner = layouts.get(name.split("/")[0]) if name.endswith("/" + TEMPLATE_FILE) else None
        known = {style.name for style in (owner.look if owner else base).styles}
        for style, line in found:
            if style not in known:
                raise ConfigError([_unknown_style(style, known, used, Location(display(templates / name), line),
                                                  owner)])
    for layout in layouts.values():
        for style, loc in layout.added_styles.items():
            if style not in used:
                raise ConfigError([Diagnostic(
                    loc, f"the style '{style}' is not in the stylesheet and no template writes it"
                         f"{did_you_mean(style, {s.name for s in base.styles})}",
                    "correct its name to override a style of styles.yaml, or remove it")])


def _unknown_style(style: str, known: set[str], used: set[str], where: Location, owner) -> Diagnostic:
    """Return the error for a template's style the stylesheet lacks, pointing at a likely typo either side."""
    close = difflib.get_close_matches(style, sorted(known), n=1, cutoff=0.6)
    if close and close[0] not in used:  # the stylesheet's name is the odd one out: it is the typo
        return Diagnostic(where, f"template error: style '{style}' is not in the stylesheet, which has "
                                 f"'{close[0]}' instead (no template writes that name)",
                          f"if '{close[0]}' is misspelt, correct it in {STYLES_FILE}"
                          + (f" or {owner.name}/{LAYOUT_FILE}" if owner else ""))
    return Diagnostic(where, f"template error: style '{style}' is not in the stylesheet{did_you_mean(style, known)}",
                      f"add it to {STYLES_FILE}" + (f" or to {owner.name}/{LAYOUT_FILE}" if owner else "")
                      + f" under 'styles:'; known: {', '.join(sorted(known))}")


def _style_params(trees) -> dict[str, int]:
    """Return the position of the `style` parameter of every macro that has one, by macro name."""
    params = {}
    for tree in trees:
        for macro in tree.find_all(nodes.Macro):
            names = [arg.name for arg in macro.args]
            if "style" in names:
                params[macro.name] = names.index("style")
    return params


def _style_uses(tree: nodes.Template, params: dict[str, int]) -> list[tuple[str, int]]:
    """Return (style name, line) for each literal style a template writes or passes to a macro."""
    uses = []
    for data in tree.find_all(nodes.TemplateData):
        for match in _STYLE_ATTR.finditer(data.data):
            uses.append((match.group(1), data.lineno + data.data.count("\n", 0, match.start())))
    for call in tree.find_all(nodes.Call):
        callee = getattr(call.node, "attr", None) or getattr(call.node, "name", None)
        if callee not in params:
            continue
        index = params[callee]
        arg = call.args[index] if index < len(call.args) else next(
            (kw.value for kw in call.kwargs if kw.key == "style"), None)
        if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
            uses.append((arg.value, call.lineno))
    return uses


def _used_name(node: nodes.Node, env: jinja2.Environment) -> tuple[str | None, tuple, str]:
    """Return (name, known names, kind) of the filter, test or sheet field a node uses, else None."""
    if isinstance(node, nodes.Filter):
        return node.name, tuple(env.filters), "filter"
    if isinstance(node, nodes.Test):
        return node.name, tuple(env.tests), "test"
    if isinstance(node.node, nodes.Name) and node.node.name == "sheet":
        return node.attr, SHEET_FIELDS, "sheet field"
    return None, (), ""


def _compile(env: jinja2.Environment, name: str, shown: str) -> jinja2.Template:
    """Compile a template now, so an error stops the run before any output is touched."""
    try:
        return env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        where = shown if exc.name == name else (exc.filename or shown)
        raise ConfigError([Diagnostic(Location(where, exc.lineno or 1), f"template error: {exc.message}")])
    except jinja2.TemplateNotFound:
        raise ConfigError([Diagnostic(Location(shown), "the layout has no template",
                                      f"add {TEMPLATE_FILE} beside {LAYOUT_FILE}")])
