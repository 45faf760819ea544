"""Figures as values: how they print (number, money, percent, date), what a sheet read of them, and errors."""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import math

from ..base.errors import shown
from ..records.model import Figure

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
MAX_DECIMALS = 10  # number(n), percent(n): more digits than any figure holds is a mistake
MAX_MAGNITUDE = 10**18  # no fact-sheet figure comes near; bigger would print hundreds of digits


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
