"""Staleness: figures whose `as_of` date is older than the run allows get a warning (or, strict, an error)."""

from __future__ import annotations

import calendar
import datetime as dt

from ..base.errors import Diagnostic, Location
from .shared import KEY_RE, DataSet

DEFAULT_MONTHS = 18


def cutoff(today: dt.date, months: int) -> dt.date:
    """Return the date `months` before `today` (the same day of the month, or its last day)."""
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def own(path: str, as_of: list[dict], since: dt.date, months: int, severity: str) -> list[Diagnostic]:
    """Return a diagnostic for each of a record's own figures dated before `since`."""
    return [Diagnostic(Location(path, entry["line"], entry["column"]),
                       f"figure '{entry['figure']}' is as of {entry['as_of']}, more than {months} months ago",
                       HINT, severity)
            for entry in as_of if dt.date.fromisoformat(entry["as_of"]) < since]


HINT = "update the figure and its as_of date, or allow older figures with --stale-months"


class Ledger:
    """The stale shared figures of one run and every sheet that prints each: one message per figure."""

    def __init__(self, dataset: DataSet, since: dt.date, months: int, severity: str):
        self.dataset, self.since, self.months, self.severity = dataset, since, months, severity
        self.sheets: dict[str, list[str]] = {}  # figure -> the sheets (record paths) printing it
        self._stand_ins: dict[int, tuple[Diagnostic, str]] = {}  # kept alive, so ids stay unique
        self._final: dict[str, Diagnostic] | None = None  # made once every sheet is noted

    def note(self, path: str, data_keys) -> list[Diagnostic]:
        """Note the stale shared figures a sheet prints; return a stand-in diagnostic for each.

        The stand-in is replaced by `final` once every sheet of the run is known.
        """
        found = []
        for name in _shared_figures(data_keys):
            figure = self._figure(name)
            if figure is None or figure.as_of is None or figure.as_of >= self.since:
                continue
            self.sheets.setdefault(name, []).append(path)
            self._final = None
            stand_in = self._diagnostic(name, [path])
            self._stand_ins[id(stand_in)] = (stand_in, name)
            found.append(stand_in)
        return found

    def final(self) -> dict[str, Diagnostic]:
        """Return one diagnostic per stale shared figure, naming every sheet that prints it."""
        # Made once, not per sheet: each names up to every sheet of the run (quadratic at 10,000).
        if self._final is None:
            self._final = {name: self._diagnostic(name, paths) for name, paths in self.sheets.items()}
        return dict(self._final)

    def replace(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Return `diagnostics` with each stand-in from `note` replaced by its final diagnostic."""
        if not any(id(d) in self._stand_ins for d in diagnostics):
            return diagnostics
        final = self.final()
        return [final[self._stand_ins[id(d)][1]] if id(d) in self._stand_ins else d for d in diagnostics]

    def _figure(self, name: str):
        """Return the shared figure 'data.<file>.<figure>', or None."""
        file, figure = name.split(".")[1:3]
        return self.dataset.files[file].figures.get(figure) if file in self.dataset.files else None

    def _diagnostic(self, name: str, paths: list[str]) -> Diagnostic:
        """Return the message for one stale shared figure and the sheets that print it."""
        figure = self._figure(name)
        return Diagnostic(figure.loc, f"shared figure '{name}' is as of {figure.as_of.isoformat()}, more than "
                                      f"{self.months} months ago; printed by {', '.join(paths)}",
                          HINT, self.severity)


def _shared_figures(data_keys) -> list[str]:
    """Return the distinct shared figures ('data.<file>.<figure>') behind dependency keys."""
    names = []
    for key in data_keys:
        match = KEY_RE.match(key)
        if match:
            names.append(f"data.{match.group(1)}.{match.group(2)}")
    return list(dict.fromkeys(names))
