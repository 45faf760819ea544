"""Record text's figure references ({{ … }}) evaluated in Jinja2's sandbox, with a small allowlist.

Only building a sheet needs this; validating shared data and the no-op build never import Jinja2.
"""

from __future__ import annotations

import functools
import math
import re
import sys

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import did_you_mean
from .figures import FILTERS, FigureError, FigureValue, Reads, _note, _plain, describe, number
from .model import Figure

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
        tree = env.parse(source, name=TEMPLATE_NAME)
    except TemplateSyntaxError as exc:
        raise FigureError(f"figure reference syntax error: {exc.message}", "{", line=exc.lineno,
                          hint="write references as {{ name }} or {{ name[2018] | number }}")
    _check(tree, figures, data)
    scope = {name: FigureValue(fig, reads=reads) for name, fig in figures.items()}
    if data is not None:
        scope["data"] = data
    try:
        code = env.compile(tree, name=TEMPLATE_NAME, filename=TEMPLATE_NAME)
        return env.template_class.from_code(env, code, env.make_globals(None)).render(scope)
    except FigureError as exc:
        exc.line = exc.line or _template_line()
        raise
    except (UndefinedError, SecurityError, TypeError, ValueError, ArithmeticError) as exc:
        raise FigureError(f"cannot evaluate a figure reference: {_no_addresses(str(exc))}",
                          line=_template_line())


def _no_addresses(message: str) -> str:
    """Return an exception's message with object representations ('<… at 0x7f…>') named plainly."""
    return _ADDRESSED.sub(lambda m: f"'{m.group(1)}'", message)


_ADDRESSED = re.compile(r"<(?:bound method |built-in method |function )?([\w.]+)[^<>]* at 0x[0-9a-fA-F]+>")


def _check(tree: nodes.Template, figures: dict, data) -> None:
    """Refuse any node outside the allowlist, unknown names and unknown filters."""
    for node in tree.find_all(nodes.Node):
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


def _template_line() -> int | None:
    """Return the record-text line that raised the exception being handled."""
    tb, line = sys.exc_info()[2], None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == TEMPLATE_NAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
