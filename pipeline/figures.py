"""Figure references in record text: a sandboxed Jinja2 expression language and its filters."""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import math
import re
import sys

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import did_you_mean, shown
from .model import Figure

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
TEMPLATE_NAME = "<record text>"
MAX_DECIMALS = 10  # number(n), percent(n): more digits than any figure holds is a mistake
MAX_MAGNITUDE = 10**18  # no fact-sheet figure comes near; bigger would print hundreds of digits
# The whole expression language of record text: names, lookups, filters, constants and
# plain arithmetic. No calls, loops, includes or statements: record text is data.
_ALLOWED = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Getattr,
            nodes.Getitem, nodes.Filter, nodes.Const, nodes.Add, nodes.Sub, nodes.Mul, nodes.Div,
            nodes.Neg, nodes.Pos, nodes.Keyword)


class FigureError(Exception):
    """A figure reference cannot be evaluated; `needle` is text to point at."""

    def __init__(self, message: str, needle: str = "", hint: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message, self.needle, self.hint, self.line = message, needle, hint, line


class Reads:
    """What one render read: shared-data values by key, and every figure as printed."""

    def __init__(self):
        self.data: dict[str, str] = {}      # "data.unodc.opium_ha 2018" -> "5700"
        self.printed: dict[str, list[str]] = {}  # "opium_ha 2018" -> ["5,700"]
        self.cited: dict[str, Figure] = {}  # every figure whose number was read, in order: its sources

    def cite(self, name: str, figure: Figure) -> None:
        """Note that a figure's number reaches the sheet, so its source is cited."""
        self.cited.setdefault(name, figure)

    def read(self, key: str, value, shared: bool) -> None:
        """Note that `key` was read; shared-data reads become build dependencies."""
        if shared:
            self.data[key] = canonical(value)

    def print_as(self, key: str, text: str) -> None:
        """Note how a figure was printed on the sheet."""
        forms = self.printed.setdefault(key, [])
        if text not in forms:
            forms.append(text)


def canonical(value) -> str:
    """Return the one text form of a figure value that dependency checks compare."""
    if value is None:
        return "null"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value == int(value) and math.isfinite(value):
        return repr(value)
    return str(value) if isinstance(value, str) else repr(value)


class _Int(int):
    """A figure's number that remembers which figure it came from, so its printing is noted."""

    # `_key` and `_reads` are set per value; the leading underscore keeps them out of record text.


class _Float(float):
    """The float twin of _Int."""


def _tracked(value, key: str, reads: Reads | None):
    """Return `value` labelled with its figure key (arithmetic on it gives plain numbers)."""
    if reads is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    out = (_Int if isinstance(value, int) else _Float)(value)
    out._key, out._reads = key, reads
    return out


class FigureValue:
    """A figure as record text sees it: `x` for a value, `x[2018]` for a series year."""

    def __init__(self, figure: Figure, name: str | None = None, reads: Reads | None = None,
                 shared: bool = False):
        self._figure, self._name = figure, name or figure.name
        self._reads, self._shared = reads, shared

    def _read(self, key: str, value):
        """Return a value read from this figure, noting the read."""
        if self._reads is not None:
            self._reads.read(key, value, self._shared)
        return _tracked(value, key, self._reads)

    label = property(lambda self: self._read(f"{self._name}.label", self._figure.label))
    unit = property(lambda self: self._read(f"{self._name}.unit", self._figure.unit))
    source = property(lambda self: self._read(f"{self._name}.source", self._figure.source))
    as_of = property(lambda self: self._read(f"{self._name}.as_of", self._figure.as_of))

    @property
    def years(self) -> list[int]:
        """Return the years of a series, noting the read: a chart prints every year, so a year
        added to or taken from the series changes the sheet."""
        years = sorted(self._figure.values or {})
        self._read(f"{self._name}.years", ",".join(str(y) for y in years))
        return years

    @property
    def value(self):
        """Return the single value; FigureError for a series."""
        if self._figure.value is None:
            years = ", ".join(str(y) for y in self._figure.values)
            raise FigureError(f"figure '{self._name}' is a series; pick a year, e.g. "
                              f"{self._name}[{max(self._figure.values)}] (years: {years})",
                              self._name.rpartition(".")[2])
        self._cite()
        return self._read(self._name, self._figure.value)

    def _cite(self) -> None:
        """Note this figure for the sheet's Sources note."""
        if self._reads is not None:
            self._reads.cite(self._name, self._figure)

    def __getitem__(self, year):
        """Return the value for one year of a series."""
        series = self._figure.values or {}
        if year not in series:
            have = ", ".join(str(y) for y in series) or "none: it is a single value"
            raise FigureError(f"figure '{self._name}' has no value for {describe(year)} (years: {have})",
                              self._name.rpartition(".")[2])
        self._cite()
        return self._read(f"{self._name} {year}", series[year])

    def __str__(self) -> str:
        return str(self.value)

    # A single-value figure takes part in arithmetic as its number: {{ (a - b) | number }}.
    def __add__(self, other): return self.value + _plain(other)  # noqa: E704
    def __radd__(self, other): return _plain(other) + self.value  # noqa: E704
    def __sub__(self, other): return self.value - _plain(other)  # noqa: E704
    def __rsub__(self, other): return _plain(other) - self.value  # noqa: E704
    def __mul__(self, other): return self.value * _plain(other)  # noqa: E704
    def __rmul__(self, other): return _plain(other) * self.value  # noqa: E704
    def __truediv__(self, other): return self.value / _plain(other)  # noqa: E704
    def __rtruediv__(self, other): return _plain(other) / self.value  # noqa: E704
    def __neg__(self): return -self.value  # noqa: E704


def _plain(value):
    """Return the number behind a figure or a number; FigureError for anything else."""
    if isinstance(value, FigureValue):
        value = value.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FigureError(f"expected a number, found {describe(value)}")
    if not math.isfinite(value):
        raise FigureError(f"the figure is not a finite number ({value})")
    if abs(value) >= MAX_MAGNITUDE:  # every printed number passes here, so a reference stays short
        raise FigureError(f"the number {value:.3g} is too large to print (figures stay below 10^18)")
    return value


def number(value, digits: int | None = None) -> str:
    """Format with thousands separators: 5700 → '5,700'; `digits` fixes the decimals."""
    value = _plain(value)
    if digits is not None:
        if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= MAX_DECIMALS:
            raise FigureError(f"decimals must be a whole number from 0 to {MAX_DECIMALS}, "
                              f"not {describe(digits)}")
        return _signed(value, f"{abs(value):,.{digits}f}")
    return _signed(value, _positional(abs(value), ","))


def _positional(value, separator: str) -> str:
    """Return a non-negative number in positional notation (no exponent), to 15 significant digits."""
    if isinstance(value, int):
        return f"{value:{separator}}"
    if value == int(value) and separator:
        return f"{int(value):,}"
    # Python writes 0.00001 as 1e-05; a sheet must not. Decimal keeps the digits, not the notation.
    exact = decimal.Decimal(f"{value:.15g}" if separator else repr(value))
    text = f"{exact:{separator}f}"
    return text if "." in text or separator else text + ".0"


def _signed(value, text: str) -> str:
    """Return `text` (a formatted absolute value) with a minus sign, unless it prints as zero."""
    return "-" + text if value < 0 and text.strip("0.,$%") else text


def money(value, style: str = "full") -> str:
    """Format dollars: '$1,984,000'; money('short') gives '$48 million'."""
    value = _plain(value)
    size = abs(value)
    if style == "short":
        for step, word in ((10**12, "trillion"), (10**9, "billion"), (10**6, "million")):
            if size >= step:
                short = f"{size / step:,.1f}".removesuffix(".0")
                return _signed(value, f"${short} {word}")
    elif style != "full":
        raise FigureError(f"money() takes 'full' or 'short', not {describe(style)}", "money")
    cents = size != int(size)
    return _signed(value, f"${size:,.2f}" if cents else f"${int(size):,}")


def percent(value, digits: int | None = None) -> str:
    """Format a percentage number: 12.5 → '12.5%' (the figure holds the percentage, not a fraction)."""
    return number(value, digits) + "%"


def describe(value) -> str:
    """Return how a message names a value: text quoted, a number as written, else its kind."""
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    if isinstance(value, FigureValue):
        return f"the figure '{value._name}'"
    if type(value).__module__.startswith(__package__):
        return repr(value)  # the data scopes name themselves as record text writes them
    # Never a repr: '<function str.format at 0x7f…>' says nothing to a record's author.
    kind = "a function or method" if callable(value) else f"a value of type {type(value).__name__}"
    return "nothing (none)" if value is None else kind


def long_date(value) -> str:
    """Format a date as 'March 11, 2003'."""
    if not isinstance(value, dt.date):
        raise FigureError(f"date expects a date such as an 'as_of', found {describe(value)}", "date")
    return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"


def _note(value, text: str) -> str:
    """Record how a figure's number was printed, for the change report; return `text`."""
    if isinstance(value, FigureValue):
        value = value.value
    if isinstance(value, (_Int, _Float)):
        value._reads.print_as(value._key, text)
    return text


def _noting(function):
    """Wrap a filter so that printing a figure through it is noted."""
    @functools.wraps(function)
    def noted(value, *args):
        return _note(value, function(value, *args))
    return noted


FILTERS = {name: _noting(f) for name, f in
           {"number": number, "money": money, "percent": percent, "date": long_date}.items()}


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
