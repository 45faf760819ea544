"""Staleness: figures whose `as_of` date is older than the run allows get a warning (or, strict, an error)."""

from __future__ import annotations

import calendar
import datetime as dt

from .data import KEY_RE, DataSet
from .errors import Diagnostic, Location

DEFAULT_MONTHS = 18


def cutoff(today: dt.date, months: int) -> dt.date:
    """Return the date `months` before `today` (the same day of the month, or its last day)."""
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def check(path: str, as_of: list[dict], data_keys, dataset: DataSet, since: dt.date, months: int,
          severity: str) -> list[Diagnostic]:
    """Return a diagnostic for each figure of a record, own or shared, dated before `since`."""
    found = []
    for entry in as_of:
        if dt.date.fromisoformat(entry["as_of"]) < since:
            found.append(Diagnostic(Location(path, entry["line"], entry["column"]),
                                    f"figure '{entry['figure']}' is as of {entry['as_of']}, more than "
                                    f"{months} months ago", _HINT, severity))
    for name in _shared_figures(data_keys):
        file, figure = name.split(".")[1:3]
        fig = dataset.files[file].figures.get(figure) if file in dataset.files else None
        if fig is not None and fig.as_of is not None and fig.as_of < since:
            found.append(Diagnostic(fig.loc, f"shared figure '{name}' is as of {fig.as_of.isoformat()}, "
                                             f"more than {months} months ago; {path} prints it",
                                    _HINT, severity))
    return found


_HINT = "update the figure and its as_of date, or allow older figures with --stale-months"


def _shared_figures(data_keys) -> list[str]:
    """Return the distinct shared figures ('data.<file>.<figure>') behind dependency keys."""
    names = []
    for key in data_keys:
        match = KEY_RE.match(key)
        if match:
            names.append(f"data.{match.group(1)}.{match.group(2)}")
    return list(dict.fromkeys(names))
