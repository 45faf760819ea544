"""`factsheets update`: fetch each data file's feed, check what came back, hold what looks wrong,
and write the rest with the round-trip writer of `import figures --write`.

A feed that fails (unreachable, an HTTP error, renamed columns, a truncated file, a figure gone)
changes nothing; it is recorded in output/status.json under "feeds", and the other feeds still update.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..base.errors import ConfigError, Diagnostic, Location, RecordError
from ..base.output import write_together
from ..base.paths import display
from ..builder import status
from ..figures import shared as data
from . import feedconfig, holds
from .feedconfig import Feed
from .fetch import FeedError, Fetched, fetch
from .figureimport import Cell, Figure, csv_cells, figures_from_rows, plan_figures, xlsx_cells

UPDATED, UNCHANGED, FAILED = "updated", "unchanged", "failed"


@dataclass
class FeedResult:
    """What one feed's update did."""

    name: str  # the data file's name
    where: str  # the url or path
    state: str = FAILED  # updated | unchanged | failed
    changed: list[str] = field(default_factory=list)  # value lines written, as import figures prints them
    held: list[str] = field(default_factory=list)  # 'file.figure' keys held this run
    reasons: list[str] = field(default_factory=list)  # why they are held
    error: str | None = None
    hint: str | None = None
    sheets: list = field(default_factory=list)  # outcomes whose printed figures move (preview vs last build)
    breaks: list[str] = field(default_factory=list)  # records the new figures make fail: 'path: error'


@dataclass
class Update:
    """A whole update run."""

    results: list[FeedResult]
    problems: list[Diagnostic]  # feed declarations that cannot be read
    held: dict[str, dict]  # every change waiting for a person, this run's and earlier ones


def update(names: list[str] | None, opts, records: Path, now: dt.datetime) -> Update:
    """Update the feeds of the data files named (default: every data file with a feed); caller holds the lock."""
    dataset = data.load(opts.data, display(opts.data))
    feeds, problems = feedconfig.from_dataset(dataset, opts.data)
    wanted = names if names else sorted(feeds)
    body = status.load_body(opts.out)
    # A feed no longer declared is forgotten; a declared one keeps its validators and last success.
    states = {name: state for name, state in body.get("feeds", {}).items()
              if name in dataset.files and dataset.files[name].feed is not None}
    pending = holds.Held(opts.out)
    results = []
    for name in wanted:
        if name not in feeds:
            problems.append(_no_feed(name, dataset, display(opts.data)))
            continue
        result = _one(feeds[name], dataset, states.setdefault(name, {}), pending, opts, records, now)
        states[name].update(_state_of(result, feeds[name], now))
        results.append(result)
    files = status.with_sections(opts.out, feeds=states, update={"run": _stamp(now), "feeds": len(results)})
    pending.save()
    write_together(files)
    return Update(results, problems, pending.held)


def _no_feed(name: str, dataset, folder: str) -> Diagnostic:
    """Return the error for a data file named without a feed."""
    if name not in dataset.files:
        return Diagnostic(Location(f"{folder}/{name}.yaml"), "no such shared-data file",
                          f"the data files: {', '.join(dataset.files) or 'none'}")
    return Diagnostic(Location(dataset.files[name].path), "this data file declares no feed",
                      "add a 'feed:' mapping with its url or path (see docs/scheduling.md)")


def _one(feed: Feed, dataset, state: dict, pending: holds.Held, opts, records: Path,
         now: dt.datetime) -> FeedResult:
    """Fetch, check and apply one feed; any failure leaves its data file as it was."""
    result = FeedResult(feed.name, feed.where)
    file = dataset.files[feed.name]
    try:
        if file.diagnostics:
            raise FeedError(f"{file.path} has errors; it is not updated until they are fixed",
                            "factsheets check shows them")
        fetched = fetch(feed, state)
        if fetched.body is None:
            result.state = UNCHANGED
            state.update(_validators(fetched))
            return result
        figures = _checked(feed, _parsed(feed, fetched.body), file.figures, state)
        apply = _hold(feed, figures, file.figures, pending, result, now)
        if apply:
            plan = plan_figures(apply, feed.target, opts, records)
            result.changed, result.sheets = plan.changed, [o for o in plan.report.outcomes if o.changes]
            result.breaks = [f"{o.path}: {o.diagnostics[0].message}" for o in plan.report.outcomes if not o.ok]
            if plan.changed:
                plan.apply()
        result.state = UPDATED if result.changed else UNCHANGED
        state.update(_validators(fetched), figures=sorted(figures))
    except FeedError as exc:
        result.error, result.hint = exc.message, exc.hint
    except OSError as exc:  # the data file could not be replaced: the old one stays whole
        result.error = f"cannot write {display(feed.target)}: {exc.strerror or exc}"
        result.hint = "check the folder's permissions and free space; the next run tries again"
    except (RecordError, ConfigError) as exc:
        first = exc.diagnostics[0]
        more = len(exc.diagnostics) - 1
        result.error = f"{first.location}: {first.message}" + (f" (and {more} more)" if more else "")
        result.hint = first.hint
    return result


def _validators(fetched: Fetched) -> dict:
    """Return what the next run's conditional request sends."""
    return {"etag": fetched.etag, "last_modified": fetched.last_modified,
            **({"digest": fetched.digest} if fetched.digest else {})}


def _parsed(feed: Feed, body: bytes) -> dict[str, Figure]:
    """Return the figures of a fetched file, by the feed's format and mapping."""
    where = feed.where
    if feed.format == "xlsx":
        rows = xlsx_cells(io.BytesIO(body), where, feed.sheet)
    elif feed.format == "json":
        rows = _json_rows(body, feed)
    else:
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FeedError("the file is not UTF-8 text", "ask the publisher, or set the feed's format") from None
        rows = csv_cells(text, where)
    figures = figures_from_rows(rows, where, feed.mapping)
    for figure in figures.values():
        for key, value in feed.meta.items():
            figure.meta.setdefault(key, value)
    return figures


def _json_rows(body: bytes, feed: Feed) -> list[list[Cell]]:
    """Return the rows of a JSON list of objects (or of the list under the feed's `records` key)."""
    try:
        found = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedError(f"the file is not JSON (or was cut short): {exc}", "the next run fetches it again") from None
    if feed.records is not None:
        found = found.get(feed.records) if isinstance(found, dict) else None
    if not isinstance(found, list) or not all(isinstance(row, dict) for row in found):
        raise FeedError("the JSON is not a list of objects" + (f" under {feed.records!r}" if feed.records else ""),
                        "set the feed's 'records' to the key holding the rows")
    header = list(dict.fromkeys(key for row in found for key in row))
    rows = [[Cell(name, Location(feed.where, 1, col), f"key {name!r}") for col, name in enumerate(header, 1)]]
    for r, row in enumerate(found, 2):
        rows.append([Cell(row.get(name), Location(feed.where, r, col), f"object {r - 1}, key {name!r}")
                     for col, name in enumerate(header, 1)])
    return rows


def _checked(feed: Feed, figures: dict[str, Figure], current: dict, state: dict) -> dict[str, Figure]:
    """Return the fetched figures; FeedError when a figure vanished, a unit or a shape changed, or a
    year lies in the future."""
    owned = set(feed.mapping.names.values()) or set(state.get("figures", []))
    gone = sorted(owned - set(figures))
    if gone:
        raise FeedError(f"{', '.join(gone)} no longer in the file; nothing was applied",
                        "if the publisher renamed it, update the feed's 'figures'; if it was dropped, remove "
                        "it from the feed")
    latest = feedconfig.today().year + 1
    for name, figure in figures.items():
        old = current.get(name)
        future = [y for y in figure.values if y is not None and y > latest]
        if future:
            raise FeedError(f"{name}: the year {future[0]} is in the future", "check the file's year column")
        unit = figure.meta.get("unit")
        if old is not None and unit and old.unit and unit != old.unit:
            raise FeedError(f"{name}: the unit changed from {old.unit!r} to {unit!r}; nothing was applied",
                            "a new unit changes what every number means: check with the publisher, then "
                            "change the unit in the data file by hand")
        if old is not None and (old.values is None) != (None in figure.values):
            raise FeedError(f"{name}: the file gives {'one value' if None in figure.values else 'values by year'},"
                            f" the data file the other", "map the year column, or fix the data file")
    return figures


def _hold(feed: Feed, figures: dict[str, Figure], current: dict, pending: holds.Held, result: FeedResult,
          now: dt.datetime) -> dict[str, Figure]:
    """Return the figures to apply; the others are held in `pending` (unless rejected as they are)."""
    apply = {}
    for name, figure in figures.items():
        key = f"{feed.name}.{name}"
        why = holds.reasons(current.get(name), figure, feed.rules(name))
        if not why:
            pending.held.pop(key, None)  # the source came back to something that needs no person
            apply[name] = figure
        elif pending.rejected.get(key) != holds.digest(figure):
            pending.held[key] = holds.to_json(feed.name, figure, why, now)
            result.held.append(key)
            result.reasons.extend(why)
    return apply


def _state_of(result: FeedResult, feed: Feed, now: dt.datetime) -> dict:
    """Return the status.json entry of one feed after this run."""
    entry = {"source": feed.where, "last_attempt": _stamp(now), "state": result.state, "error": result.error,
             "held": result.held}
    if result.error is None:
        entry["last_success"] = _stamp(now)
    return entry


def _stamp(moment: dt.datetime) -> str:
    """Return a UTC time as status.json writes it."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def approve(keys: list[str], opts, records: Path) -> list[tuple[str, list[str]]]:
    """Write held changes into their data files; return (key, value lines) per change written."""
    pending, done = holds.Held(opts.out), []
    for key in map(_key, keys):
        entry = _held(pending, key)
        target = opts.data / f"{entry['file']}.yaml"
        plan = plan_figures({entry["figure"]: holds.from_json(entry)}, target, opts, records)
        plan.apply()
        del pending.held[key]
        done.append((key, plan.changed))
    pending.save()
    return done


def reject(keys: list[str], opts) -> list[str]:
    """Drop held changes; the same change offered again is not held again."""
    pending = holds.Held(opts.out)
    for key in map(_key, keys):
        entry = _held(pending, key)
        pending.rejected[key] = entry["digest"]
        del pending.held[key]
    pending.save()
    return keys


def _key(typed: str) -> str:
    """Return a held change's key as typed, 'unodc.laos_opium_ha' or 'data.unodc.laos_opium_ha'."""
    return typed.removeprefix("data.")


def _held(pending: holds.Held, key: str) -> dict:
    """Return a held change by key; ConfigError naming the held ones when there is none."""
    if key not in pending.held:
        raise ConfigError([Diagnostic(Location(str(pending.path)), f"no change is held for {key!r}",
                                      f"held: {', '.join(sorted(pending.held)) or 'none'} "
                                      f"(factsheets update --review lists them)")])
    return pending.held[key]
