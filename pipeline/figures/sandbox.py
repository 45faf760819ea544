"""Record text's figure references ({{ … }}) evaluated in Jinja2's sandbox, with a small allowlist.

Only building a sheet needs this; validating shared data and the no-op build never import Jinja2.
"""

from __future__ import annotations

import functools
import math
import re

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..base.errors import did_you_mean
from ..records.model import Figure
from .values import FILTERS, FigureError, FigureValue, Reads, _note, _plain, describe, number

PARSED_KEPT = 256  # parsed texts kept per process: a sheet has a few dozen, a long one a few KB each

TEMPLATE_NAME = "<record text>"
# The whole expression language of record text: names, lookups, filters, constants and
# plain arithmetic. No calls, loops, includes or statements: record text is data.
_ALLOWED = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Getattr,
            nodes.Getitem, nodes.Filter, nodes.Const, nodes.Add, nodes.Sub, nodes.Mul, nodes.Div,
            nodes.Neg, nodes.Pos, nodes.Keyword)


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with arithmetic on numbers only: "ab" * 10**9 would fill the memory."""

    intercepted_binops = frozenset({"+", "-", "*", "/"})  # also stops Jinja folding them early

    def call_binop(self, context, operator, left, right):
        """Apply an arithmetic operator to two numbers; FigureError for anything else."""
        return self.binop_table[operator](_plain(left), _plain(right))


@functools.lru_cache(maxsize=1)
def environment() -> ImmutableSandboxedEnvironment:
    """Return the sandbox that record text is evaluated in."""
    env = _Sandbox(undefined=StrictUndefined, autoescape=False,
                   keep_trailing_newline=True, finalize=_finalize)
    env.filters = dict(FILTERS)
    env.globals = {}
    return env


def _finalize(value):
    """Print figures and numbers in house style, as `number` does; refuse None and other objects."""
    # {{ officers_trained }} printed 1240 beside {{ x | number }}'s 5,700: one sheet, two styles.
    if isinstance(value, (FigureValue, int, float)) and not isinstance(value, bool):
        return _note(value, number(value))
    if isinstance(value, str):
        return value
    raise FigureError(f"cannot print {describe(value)} in text",
                      hint="print a figure, e.g. {{ name }}, {{ name.label }} or {{ name[2018] | number }}")


def evaluate(source: str, figures: dict[str, Figure], data=None, reads: Reads | None = None) -> str:
    """Return text with every {{ … }} reference replaced; FigureError on any problem.

    `data` is the shared-data scope (see data.py); `reads` notes what was read and printed.
    """
    try:
        return _evaluate(source, figures, data, reads)
    except (RecursionError, SyntaxError):  # Jinja's parser and Python's compiler recurse per level
        raise FigureError("a figure reference is nested too deeply", "{{",
                          "write references as {{ name }} or {{ (a - b) | number }}") from None


def _evaluate(source: str, figures: dict[str, Figure], data, reads: Reads | None) -> str:
    """Evaluate record text in the sandbox (see `evaluate`)."""
    if "{" not in source:
        return source  # no Jinja syntax possible: skip the parser entirely
    env = environment()
    try:
        tree = _parsed(source)
    except TemplateSyntaxError as exc:
        raise FigureError(f"figure reference syntax error: {exc.message}", "{", line=exc.lineno,
                          hint="write references as {{ name }} or {{ name[2018] | number }}")
    _check(tree, figures, data, _nodes(source))
    scope = {name: FigureValue(fig, reads=reads) for name, fig in figures.items()}
    if data is not None:
        scope["data"] = data
    run = _Run(env, scope)
    try:
        return run.text(tree)
    except FigureError as exc:
        exc.line = exc.line or run.line
        raise
    except (UndefinedError, SecurityError, TypeError, ValueError, ArithmeticError) as exc:
        raise FigureError(f"cannot evaluate a figure reference: {_no_addresses(str(exc))}", line=run.line)


@functools.lru_cache(maxsize=PARSED_KEPT)
def _parsed(source: str) -> nodes.Template:
    """Return the parsed tree of a text, kept per process: checking and evaluating only read it.

    The same texts come back sheet after sheet (a preview redrawn, records made from one
    template, the Word map evaluating the record's references again after the sheet did);
    a text that does not parse raises every time (errors are not kept).
    """
    return environment().parse(source, name=TEMPLATE_NAME)


@functools.lru_cache(maxsize=PARSED_KEPT)
def _nodes(source: str) -> tuple[nodes.Node, ...]:
    """Return every node of a parsed text in Jinja's order, listed once per process (checked per record)."""
    return tuple(_parsed(source).find_all(nodes.Node))


_BINARY = {nodes.Add: "+", nodes.Sub: "-", nodes.Mul: "*", nodes.Div: "/"}


class _Run:
    """Evaluates a checked tree node by node, making the calls Jinja's compiled code would make.

    Compiling a template costs about 0.6 ms, four times parsing it, and a sheet has a dozen texts
    with references; the allowlist leaves so few kinds of node that walking them is simpler.
    `line` is where the first error arose.
    """

    def __init__(self, env: ImmutableSandboxedEnvironment, scope: dict):
        self.env, self.scope, self.line = env, scope, None

    def text(self, tree: nodes.Template) -> str:
        """Return the text with each reference printed through the sandbox's finalize."""
        return "".join(self._piece(child) for output in tree.body for child in output.nodes)

    def _piece(self, node: nodes.Node) -> str:
        """Return literal text as written, or a reference's value as printed."""
        if isinstance(node, nodes.TemplateData):
            return node.data
        value = self.value(node)
        return str(self._at(node, self.env.finalize, value))

    def value(self, node: nodes.Node):
        """Return the value of an expression node, noting its line if it fails."""
        return self._at(node, self._value, node)

    def _at(self, node: nodes.Node, function, *args):
        """Call `function`, noting the node's line as the error's if it is the first to fail."""
        try:
            return function(*args)
        except Exception:
            if self.line is None:
                self.line = node.lineno
            raise

    def _value(self, node: nodes.Node):
        """Evaluate one node of the allowlist (see _ALLOWED)."""
        env = self.env
        if isinstance(node, nodes.Const):
            return node.value
        if isinstance(node, nodes.Name):
            return self.scope[node.name] if node.name in self.scope else env.undefined(name=node.name)
        if isinstance(node, nodes.Getattr):
            return env.getattr(self.value(node.node), node.attr)
        if isinstance(node, nodes.Getitem):
            return env.getitem(self.value(node.node), self.value(node.arg))
        if isinstance(node, nodes.Filter):
            args = [self.value(arg) for arg in node.args]
            kwargs = {keyword.key: self.value(keyword.value) for keyword in node.kwargs}
            if node.dyn_args is not None:
                args.extend(self.value(node.dyn_args))
            if node.dyn_kwargs is not None:
                kwargs.update(self.value(node.dyn_kwargs))
            return env.filters[node.name](self.value(node.node), *args, **kwargs)
        if isinstance(node, nodes.Neg):
            return -self.value(node.node)
        if isinstance(node, nodes.Pos):
            return +self.value(node.node)
        return env.call_binop(None, _BINARY[type(node)], self.value(node.left), self.value(node.right))


def _no_addresses(message: str) -> str:
    """Return an exception's message with object representations ('<… at 0x7f…>') named plainly."""
    return _ADDRESSED.sub(lambda m: f"'{m.group(1)}'", message)


_ADDRESSED = re.compile(r"<(?:bound method |built-in method |function )?([\w.]+)[^<>]* at 0x[0-9a-fA-F]+>")


def _check(tree: nodes.Template, figures: dict, data, found: tuple[nodes.Node, ...] | None = None) -> None:
    """Refuse any node outside the allowlist, unknown names and unknown filters (`found`: the tree's nodes, listed)."""
    for node in tree.find_all(nodes.Node) if found is None else found:
        if not isinstance(node, _ALLOWED):
            word = type(node).__name__.lower()
            raise FigureError(f"'{word}' is not allowed in record text; only figure references are",
                              "{", "write references as {{ name }} or {{ name[2018] | number }}",
                              node.lineno)
        if isinstance(node, nodes.Name) and node.name not in figures and not (node.name == "data" and data is not None):
            raise FigureError(f"unknown figure '{node.name}'{did_you_mean(node.name, figures)}",
                              node.name, f"figures of this record: {', '.join(figures) or 'none'}",
                              node.lineno)
        if isinstance(node, nodes.Const) and isinstance(node.value, float) and not math.isfinite(node.value):
            raise FigureError("a number in a figure reference is too large", "{", None, node.lineno)
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            raise FigureError(f"'{node.attr}' is not a figure attribute", node.attr,
                              "figures have label, unit, source, as_of and value", node.lineno)
        if isinstance(node, nodes.Filter) and node.name not in FILTERS:
            raise FigureError(f"unknown filter '{node.name}'{did_you_mean(node.name, FILTERS)}",
                              node.name, f"filters: {', '.join(FILTERS)}", node.lineno)
