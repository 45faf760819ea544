"""A shared-data file's `feed:`: where its figures come from, how the columns map, and when to hold.

    feed:
      url: https://example.gov/laos.csv       # or  path: ../incoming/unodc.xlsx (beside the data file)
      format: csv                             # csv | xlsx | json (default: from the url or path)
      columns: {Country: figure, Fiscal Year: year, Amount: value}
      figures: {Laos: laos_obligations}       # the figure column's words -> figure names here
      where: {Transaction Type: Obligations}  # only rows with these values
      unit: USD                               # for every figure of the feed (also source, label)
      hold: {change_percent: 25, sign_change: true, missing_year: true, as_of_backwards: true}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..base.errors import Collector, Diagnostic, Location, RecordError, did_you_mean, shown
from ..records.yamlload import Mapping as Node
from ..records.yamlload import Scalar, Sequence
from . import figureimport

FORMATS = ("csv", "xlsx", "json")
KEYS = ("url", "path", "format", "sheet", "records", "columns", "figures", "where", "unit", "source",
        "label", "hold", "allow_hosts", "timeout", "max_bytes")
RULES = ("change_percent", "sign_change", "missing_year", "as_of_backwards")
DEFAULT_TIMEOUT = 30.0  # seconds for each network step (connect, each read)
DEFAULT_MAX_BYTES = 20_000_000  # no publication of figures comes near; a bigger answer is a mistake
LOOPBACK = ("127.0.0.1", "localhost", "::1")  # plain http is allowed only to this machine


@dataclass(frozen=True)
class HoldRules:
    """When a figure's change waits for a person instead of being applied."""

    change_percent: float | None = 25.0  # a value moving by more than this (None: never)
    sign_change: bool = True  # a value changing sign
    missing_year: bool = True  # a year the data file has that the source no longer gives
    as_of_backwards: bool = True  # an as-of date earlier than the data file's


@dataclass
class Feed:
    """One data file's feed, checked."""

    name: str  # the data file's name: unodc
    target: Path  # the data file
    url: str | None = None
    path: Path | None = None
    format: str = "csv"
    sheet: str | None = None
    records: str | None = None  # for JSON: the key holding the list of rows
    mapping: figureimport.Mapping = field(default_factory=figureimport.Mapping)
    meta: dict[str, str] = field(default_factory=dict)  # unit, source, label for every figure
    hold: HoldRules = field(default_factory=HoldRules)
    figure_holds: dict[str, HoldRules] = field(default_factory=dict)
    allow_hosts: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES

    @property
    def where(self) -> str:
        """Return where the figures come from, as messages name it."""
        return self.url or str(self.path)

    def rules(self, figure: str) -> HoldRules:
        """Return the hold rules of one figure."""
        return self.figure_holds.get(figure, self.hold)


def parse(name: str, target: Path, node, shown_as: str) -> Feed:
    """Return the feed a data file declares; RecordError naming each bad line of it."""
    c = Collector()
    feed = Feed(name, target)
    if not isinstance(node, Node):
        c.error(_loc(node, shown_as), "'feed' must be a mapping (url or path, format, columns, …)",
                "see docs/scheduling.md for an example")
        c.raise_if_any()
    values = {}
    for key, value in node.items:
        if key.value not in KEYS:
            c.error(key.loc, f"unknown feed setting {shown(key.value)}{did_you_mean(key.value, KEYS)}",
                    f"the settings are: {', '.join(KEYS)}")
        else:
            values[key.value] = value
    _where_from(feed, values, target, c)
    _format(feed, values, c)
    for key in ("sheet", "records"):
        if key in values:
            setattr(feed, key, _text(values[key], key, c))
    feed.mapping = figureimport.Mapping(_pairs(values.get("columns"), "columns", c),
                                        _pairs(values.get("figures"), "figures", c),
                                        _pairs(values.get("where"), "where", c))
    bad = [v for v in feed.mapping.columns.values() if v not in figureimport.COLUMNS]
    for column in bad:
        c.error(values["columns"].loc, f"'columns' maps to {shown(column)}, which is not a column of "
                                       f"import figures", f"map to one of: {', '.join(figureimport.COLUMNS)}")
    feed.meta = {key: _text(values[key], key, c) for key in ("unit", "source", "label") if key in values}
    if "hold" in values:
        feed.hold, feed.figure_holds = _holds(values["hold"], c)
    feed.allow_hosts = tuple(_list(values.get("allow_hosts"), "allow_hosts", c))
    feed.timeout = _number(values, "timeout", DEFAULT_TIMEOUT, c)
    feed.max_bytes = int(_number(values, "max_bytes", DEFAULT_MAX_BYTES, c))
    c.raise_if_any()
    return feed


def _loc(node, shown_as: str) -> Location:
    """Return a node's location, or the file's."""
    return getattr(node, "loc", None) or Location(shown_as)


def _where_from(feed: Feed, values: dict, target: Path, c: Collector) -> None:
    """Set the feed's url or path: exactly one; https, or http to this machine only."""
    if ("url" in values) == ("path" in values):
        c.error(next(iter(values.values())).loc if values else Location(str(target)),
                "a feed names exactly one of 'url' and 'path'", "url: https://…, or path: file beside the data file")
        return
    if "path" in values:
        feed.path = target.parent / _text(values["path"], "path", c)
        return
    url = _text(values["url"], "url", c)
    parts = urlsplit(url)
    if parts.scheme == "https" or parts.scheme == "http" and parts.hostname in LOOPBACK:
        feed.url = url
    else:
        c.error(values["url"].loc, f"a feed's url must start with https:// (found {shown(url)})",
                "figures are fetched over verified TLS only; plain http is allowed to 127.0.0.1 alone")


def _format(feed: Feed, values: dict, c: Collector) -> None:
    """Set the format, from `format:` or the url's or path's ending."""
    if "format" in values:
        feed.format = _text(values["format"], "format", c).lower()
    else:
        ending = Path(urlsplit(feed.url).path if feed.url else str(feed.path or "")).suffix.lower().lstrip(".")
        feed.format = ending if ending in FORMATS else "csv"
    if feed.format not in FORMATS:
        c.error(values["format"].loc, f"unknown feed format {shown(feed.format)}", f"use one of: {', '.join(FORMATS)}")


def _text(node, key: str, c: Collector) -> str:
    """Return a scalar setting's text."""
    if isinstance(node, Scalar):
        return node.value
    c.error(node.loc, f"'{key}' must be a single value", f"write {key}: value")
    return ""


def _pairs(node, key: str, c: Collector) -> dict[str, str]:
    """Return a mapping setting of texts."""
    if node is None:
        return {}
    if not isinstance(node, Node):
        c.error(node.loc, f"'{key}' must be a mapping", f"write {key}: {{From: to}}")
        return {}
    return {k.value: _text(v, key, c) for k, v in node.items}


def _list(node, key: str, c: Collector) -> list[str]:
    """Return a list setting of texts (one text is a list of one)."""
    if node is None:
        return []
    if isinstance(node, Scalar):
        return [node.value]
    if not isinstance(node, Sequence):
        c.error(node.loc, f"'{key}' must be a list", f"write {key}: [host.example.gov]")
        return []
    return [_text(item, key, c) for item in node.items]


def _number(values: dict, key: str, default: float, c: Collector) -> float:
    """Return a positive number setting."""
    if key not in values:
        return default
    text = _text(values[key], key, c)
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if not 0 < number < 1e12:
        c.error(values[key].loc, f"'{key}' must be a positive number, found {shown(text)}", f"for example {key}: {default:g}")
        return default
    return number


def _holds(node, c: Collector) -> tuple[HoldRules, dict[str, HoldRules]]:
    """Return the feed's hold rules and any per-figure ones (`figures: {name: {…}}`)."""
    if not isinstance(node, Node):
        c.error(node.loc, "'hold' must be a mapping of rules", f"the rules: {', '.join(RULES)}, figures")
        return HoldRules(), {}
    base, per = _rules(node, HoldRules(), c, allow_figures=True), {}
    for key, value in node.items:
        if key.value == "figures" and isinstance(value, Node):
            per = {k.value: _rules(v, base, c) for k, v in value.items}
    return base, per


def _rules(node, base: HoldRules, c: Collector, allow_figures: bool = False) -> HoldRules:
    """Return hold rules over `base` from a mapping of rule: setting."""
    import dataclasses

    found = {}
    for key, value in getattr(node, "items", []):
        if key.value == "figures" and allow_figures:
            continue
        if key.value not in RULES:
            c.error(key.loc, f"unknown hold rule {shown(key.value)}{did_you_mean(key.value, RULES)}",
                    f"the rules: {', '.join(RULES)}")
            continue
        text = _text(value, key.value, c).lower()
        if key.value == "change_percent":
            found[key.value] = None if text in ("off", "false", "none") else _percent(value, text, c)
        elif text in ("true", "false", "yes", "no", "on", "off"):
            found[key.value] = text in ("true", "yes", "on")
        else:
            c.error(value.loc, f"'{key.value}' is true or false, found {shown(text)}", f"{key.value}: true")
    return dataclasses.replace(base, **found)


def _percent(node, text: str, c: Collector) -> float | None:
    """Return a percentage setting."""
    try:
        return float(text.rstrip("%"))
    except ValueError:
        c.error(node.loc, f"'change_percent' must be a number, found {shown(text)}", "change_percent: 25")
        return None


def from_dataset(dataset, folder: Path) -> tuple[dict[str, Feed], list[Diagnostic]]:
    """Return the feeds the data files declare, by data file name, and the errors of bad declarations."""
    feeds, problems = {}, []
    for name, file in dataset.files.items():
        if file.feed is None:
            continue
        try:
            feeds[name] = parse(name, folder / f"{name}.yaml", file.feed, file.path)
        except RecordError as exc:
            problems.extend(exc.diagnostics)
    return feeds, problems


def today() -> dt.date:
    """Return today's date (a function, so the checks of years can be tested)."""
    return dt.date.today()
