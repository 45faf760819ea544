"""Shared data: sources/data/<name>.yaml files of figures, read in text as {{ data.<name>.<key> }}."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import schema
from .errors import Collector, Diagnostic, Location, RecordError, did_you_mean, escaped_name
from .figures import FigureError, FigureValue, Reads, canonical
from .model import Figure
from .yamlload import Mapping, load_file

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*\Z")  # a file name Jinja can read as data.<name>
# A dependency key: "data.<file>.<figure>", then " <year>" or ".<metadata field>", or nothing.
KEY_RE = re.compile(r"^data\.([a-z][a-z0-9_]*)\.([A-Za-z][A-Za-z0-9_]*)(?: ([0-9]{4})|\.([a-z_]+))?\Z")


@dataclass
class DataFile:
    """One shared-data file: its figures, or the errors that stop it being read."""

    name: str
    path: str
    figures: dict[str, Figure] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass
class DataSet:
    """Every shared-data file of a run, by name."""

    folder: str
    files: dict[str, DataFile] = field(default_factory=dict)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Return every data-file error, in file order."""
        return [d for f in self.files.values() for d in f.diagnostics]

    def current(self, key: str) -> str | None:
        """Return the canonical value behind a dependency key now, or None if it cannot be read."""
        match = KEY_RE.match(key)
        file = self.files.get(match.group(1)) if match else None
        figure = file.figures.get(match.group(2)) if file and not file.diagnostics else None
        if figure is None:
            return None
        year, attribute = match.group(3), match.group(4)
        if year is not None:
            values = figure.values or {}
            return canonical(values[int(year)]) if int(year) in values else None
        if attribute is not None:
            return canonical(getattr(figure, attribute)) if attribute in schema.FIGURE_META else None
        return None if figure.value is None else canonical(figure.value)

    def scope(self, reads: Reads | None) -> "DataScope":
        """Return what record text sees as `data`, noting reads in `reads`."""
        return DataScope(self, reads)


def load(folder: Path, shown: str) -> DataSet:
    """Read every *.yaml file in `folder` (missing folder: no shared data); errors stay per file."""
    dataset = DataSet(shown)
    if not folder.is_dir():
        return dataset
    for file in sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()):
        dataset.files[file.stem] = _load_file(file, f"{shown}/{escaped_name(file.name)}")
    return dataset


def _load_file(file: Path, path: str) -> DataFile:
    """Read one data file; a bad file keeps its diagnostics instead of raising."""
    result = DataFile(file.stem, path)
    if not NAME_RE.match(file.stem):
        result.diagnostics = [Diagnostic(Location(path), f"'{file.stem}' cannot name a shared-data file",
                                         "use lowercase letters, digits and '_', e.g. unodc.yaml")]
        return result
    try:
        root = load_file(file, path)
    except RecordError as exc:
        result.diagnostics = exc.diagnostics
        return result
    c = Collector()
    if not isinstance(root, Mapping):
        c.error(root.loc, "a shared-data file must be a mapping of figure names to figures",
                "write one figure per key, as under 'figures:' in a record")
    else:
        result.figures = schema.figures(root, c)
    result.diagnostics = sorted(c.diagnostics, key=lambda d: d.location)
    return result


class DataScope:
    """`data` in record text: `data.<file>` gives that file's figures."""

    __slots__ = ("_set", "_reads")

    def __init__(self, dataset: DataSet, reads: Reads | None):
        self._set, self._reads = dataset, reads

    def __repr__(self) -> str:
        return "data"

    def __getitem__(self, name):
        file = self._set.files.get(name)
        if file is None:
            raise FigureError(f"no shared-data file '{name}'{did_you_mean(str(name), self._set.files)}",
                              str(name), f"shared data lives in {self._set.folder}/<name>.yaml; files: "
                                         f"{', '.join(self._set.files) or 'none'}")
        if file.diagnostics:
            raise FigureError(f"the shared-data file {file.path} has errors (listed above)", str(name),
                              f"fix {file.path}, then build again")
        return _FileScope(file, self._reads)


class _FileScope:
    """`data.<file>` in record text: its figures by name."""

    __slots__ = ("_file", "_reads")

    def __init__(self, file: DataFile, reads: Reads | None):
        self._file, self._reads = file, reads

    def __repr__(self) -> str:
        return f"data.{self._file.name}"

    def __getitem__(self, key):
        figure = self._file.figures.get(key)
        if figure is None:
            raise FigureError(f"{self._file.path} has no figure '{key}'"
                              f"{did_you_mean(str(key), self._file.figures)}", str(key),
                              f"its figures: {', '.join(self._file.figures) or 'none'}")
        return FigureValue(figure, f"data.{self._file.name}.{key}", self._reads, shared=True)
