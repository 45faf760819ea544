"""Which sheet fields a layout template prints, read from its parsed tree, macros followed.

A field counts as printed when the template writes it (or loops over it, or tests it) outside a
markup tag. Inside a tag, such as the `<sheet title="…" subject="…">` properties, it reaches only
the document's metadata, not the page: a record field used only there would be silently lost.
"""

from __future__ import annotations

from jinja2 import nodes

ANY = "*"  # the root itself is printed or passed on whole (`{{ rich }}`, `{% for p in rich %}`)


class Fields:
    """The fields a template prints, and those it uses anywhere (tags included)."""

    def __init__(self, macros: dict[str, nodes.Macro]):
        self.macros = macros
        self._memo: dict[tuple[str, str], tuple[frozenset, frozenset]] = {}

    def of(self, tree: nodes.Template, root: str = "sheet") -> tuple[frozenset, frozenset]:
        """Return (printed, used) attribute names of `root` in a template's tree."""
        walk = _Walk(self, root)
        for node in tree.body:
            walk.visit(node)
        return frozenset(walk.printed), frozenset(walk.used)

    def of_macro(self, name: str, param: str) -> tuple[frozenset, frozenset]:
        """Return what a macro prints and uses of one of its parameters (recursion-safe)."""
        key = (name, param)
        if key not in self._memo:
            self._memo[key] = (frozenset(), frozenset())  # a macro calling itself adds nothing new
            walk = _Walk(self, param)
            for node in self.macros[name].body:
                walk.visit(node)
            self._memo[key] = (frozenset(walk.printed), frozenset(walk.used))
        return self._memo[key]


def macros_of(trees) -> dict[str, nodes.Macro]:
    """Return every macro defined in the parsed templates, by name (the first definition wins)."""
    found: dict[str, nodes.Macro] = {}
    for tree in trees:
        for macro in tree.find_all(nodes.Macro):
            found.setdefault(macro.name, macro)
    return found


class _Walk:
    """One pass over template nodes in source order, tracking whether the output is inside a tag."""

    def __init__(self, fields: Fields, root: str):
        self.fields, self.root = fields, root
        self.in_tag = False
        self.printed: set[str] = set()
        self.used: set[str] = set()

    def visit(self, node: nodes.Node) -> None:
        """Note the root's uses in `node` and below."""
        if isinstance(node, nodes.TemplateData):
            self._text(node.data)
            return
        if isinstance(node, nodes.Macro):
            return  # a definition prints nothing until it is called
        attr = self._rooted(node)
        if attr is not None:
            self._note(attr)
            return
        if isinstance(node, nodes.Call) and self._callee(node) in self.fields.macros:
            self._call(node)
            return
        for child in node.iter_child_nodes():
            self.visit(child)

    def _text(self, data: str) -> None:
        """Follow the markup: after an unclosed '<' the output is inside a tag."""
        opened, closed = data.rfind("<"), data.rfind(">")
        if opened != closed:
            self.in_tag = opened > closed

    def _note(self, attr: str) -> None:
        """Record one use of the root's attribute (or of the root, ANY)."""
        self.used.add(attr)
        if not self.in_tag:
            self.printed.add(attr)

    def _rooted(self, node: nodes.Node) -> str | None:
        """Return the first attribute of `root.a.b…`, ANY for the bare root, else None."""
        chain = None
        while isinstance(node, nodes.Getattr):
            chain, node = node.attr, node.node
        if isinstance(node, nodes.Name) and node.name == self.root and node.ctx == "load":
            return chain or ANY
        return None

    @staticmethod
    def _callee(call: nodes.Call) -> str | None:
        """Return the macro name a call names (`m.section(…)` or `section(…)`)."""
        if isinstance(call.node, nodes.Getattr):
            return call.node.attr
        return call.node.name if isinstance(call.node, nodes.Name) else None

    def _call(self, call: nodes.Call) -> None:
        """Follow a macro call: what the macro does with each parameter is what happens to its argument."""
        macro = self.fields.macros[self._callee(call)]
        params = [arg.name for arg in macro.args]
        pairs = list(zip(params, call.args, strict=False)) + [(kw.key, kw.value) for kw in call.kwargs]
        for param, arg in pairs:
            attr = self._rooted(arg)
            if attr is None:
                self.visit(arg)
                continue
            printed, used = self.fields.of_macro(macro.name, param)
            if attr == ANY:
                self.used.update(used)
                self.printed.update(() if self.in_tag else printed)
            elif used:
                self.used.add(attr)
                if printed and not self.in_tag:
                    self.printed.add(attr)
