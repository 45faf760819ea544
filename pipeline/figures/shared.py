"""Shared data: sources/data/<name>.yaml files of figures, read in text as {{ data.<name>.<key> }}."""

from __future__ import annotations

import errno
import functools
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..base.errors import Collector, Diagnostic, Location, RecordError, did_you_mean, escaped_name
from ..records import schema
from ..records.model import Figure
from ..records.yamlload import Mapping, parse_bytes, read_file
from .values import FigureError, FigureValue, Reads, canonical

PARSED_KEPT = 64  # data files kept parsed per process (a project has a handful; a few KB each)
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*\Z")  # a file name Jinja can read as data.<name>
FEED_KEY = "feed"  # the one key of a shared-data file that is not a figure
# A dependency key: "data.<file>.<figure>", then " <year>" or ".<metadata field>", or nothing.
KEY_RE = re.compile(r"^data\.([a-z][a-z0-9_]*)\.([A-Za-z][A-Za-z0-9_]*)(?: ([0-9]{4})|\.([a-z_]+))?\Z")


@dataclass
class DataFile:
    """One shared-data file: its figures, or the errors that stop it being read."""

    name: str
    path: str
    figures: dict[str, Figure] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    feed: object = None  # the `feed:` mapping as written (read by `factsheets update`), or None


@dataclass
class DataSet:
    """Every shared-data file of a run, by name."""

    folder: str
    files: dict[str, DataFile] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)  # the folder's own (a link, unreadable)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Return the folder's errors, then every data-file error, in file order."""
        return [*self.problems, *(d for f in self.files.values() for d in f.diagnostics)]

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
        if attribute == "years":  # the years a chart of the series prints
            return ",".join(str(y) for y in sorted(figure.values or {}))
        if attribute is not None:
            return canonical(getattr(figure, attribute)) if attribute in schema.FIGURE_META else None
        return None if figure.value is None else canonical(figure.value)

    def scope(self, reads: Reads | None) -> "DataScope":
        """Return what record text sees as `data`, noting reads in `reads`."""
        return DataScope(self, reads)


def load(folder: Path, shown: str) -> DataSet:
    """Read every *.yaml file in `folder` (missing folder: no shared data); errors stay per file."""
    dataset = DataSet(shown)
    try:
        # The folder is opened once, not followed if it is a link, and its files are opened
        # relative to it: a link at sources/data must not quote files from elsewhere.
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return dataset
    except OSError as exc:
        dataset.problems.append(_folder_problem(folder, shown, exc))
        return dataset
    try:
        _load_files(fd, folder, shown, dataset)
    finally:
        os.close(fd)
    return dataset


def _folder_problem(folder: Path, shown: str, exc: OSError) -> Diagnostic:
    """Return the run error for a data folder that cannot be opened."""
    if folder.is_symlink():
        return Diagnostic(Location(shown), "the shared-data folder is a symbolic link; shared data is "
                                           "read only from a real folder",
                          "replace the link by a copy of the folder, or pass --data with the real folder")
    if exc.errno == errno.ENOTDIR:
        return Diagnostic(Location(shown), "the shared-data folder is a file, not a folder",
                          "move the file away, or pass --data with a folder of <name>.yaml files")
    return Diagnostic(Location(shown), f"cannot read the shared-data folder: {exc.strerror or exc}",
                      "check its permissions, or pass --data with another folder")


def _load_files(fd: int, folder: Path, shown: str, dataset: DataSet) -> None:
    """Load the data files of an open folder, by name; refuse .yml and a second file for one name."""
    names = sorted(n for n in os.listdir(fd) if n.endswith((".yaml", ".yml")) and _is_file_or_link(fd, n))
    for name in names:
        file, path = folder / name, f"{shown}/{escaped_name(name)}"
        if name.endswith(".yml"):
            _refuse_yml(dataset, file, path, f"{Path(name).stem}.yaml" in names)
        elif file.stem not in dataset.files:
            dataset.files[file.stem] = _load_file(file, path, fd)


def _is_file_or_link(fd: int, name: str) -> bool:
    """Return True unless `name` in the open folder is a folder (links are refused when read)."""
    try:
        return not stat.S_ISDIR(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _refuse_yml(dataset: DataSet, file: Path, path: str, twin: bool) -> None:
    """Refuse a data file spelt .yml; with a .yaml twin, the name is ambiguous and both are refused."""
    yaml_name = f"{file.stem}.yaml"
    if twin:
        # Which of the two is the reviewed one cannot be known: records reading it fail until one goes.
        problem = Diagnostic(Location(path), f"a second shared-data file for '{file.stem}' beside {yaml_name}",
                             f"keep one file per name: merge {escaped_name(file.name)} into {yaml_name} "
                             f"and delete it")
        twin_file = dataset.files.setdefault(file.stem, DataFile(file.stem, path))
        twin_file.diagnostics = [*twin_file.diagnostics, problem]
        return
    dataset.files[file.stem] = DataFile(file.stem, path, diagnostics=[Diagnostic(
        Location(path), "shared-data files end in .yaml, not .yml",
        f"rename it to {escaped_name(yaml_name)}")])


def _load_file(file: Path, path: str, dir_fd: int) -> DataFile:
    """Read one data file; a bad file keeps its diagnostics instead of raising."""
    result = DataFile(file.stem, path)
    if not NAME_RE.match(file.stem):
        result.diagnostics = [Diagnostic(Location(path), f"'{file.stem}' cannot name a shared-data file",
                                         "use lowercase letters, digits and '_', e.g. unodc.yaml")]
        return result
    try:
        figures, diagnostics, result.feed = _parsed(read_file(file, path, dir_fd=dir_fd, one_name=True), path)
    except RecordError as exc:
        result.diagnostics = exc.diagnostics
        return result
    result.figures, result.diagnostics = dict(figures), list(diagnostics)
    return result


@functools.lru_cache(maxsize=PARSED_KEPT)
def _parsed(data: bytes, path: str) -> tuple[dict[str, Figure], tuple[Diagnostic, ...], object]:
    """Return a data file's figures, diagnostics and feed, parsed once per process per content and name.

    A resident build process, the workspace's previews and a benchmark read the same files for
    sheet after sheet (each read afresh: a changed file is a new key). The figures are frozen and
    each DataFile gets its own dict and list; errors are raised, never kept.
    """
    root = parse_bytes(data, path)
    c = Collector()
    figures, feed = {}, None
    if not isinstance(root, Mapping):
        c.error(root.loc, "a shared-data file must be a mapping of figure names to figures",
                "write one figure per key, as under 'figures:' in a record")
    else:
        # `feed:` says where the file's figures come from (docs/scheduling.md); it is not a figure.
        feed = next((value for key, value in root.items if key.value == FEED_KEY), None)
        figures = schema.figures(Mapping([(key, value) for key, value in root.items if key.value != FEED_KEY],
                                         root.loc), c)
    return figures, tuple(sorted(c.diagnostics, key=lambda d: d.location)), feed


class DataScope:
    """`data` in record text: `data.<file>` gives that file's figures."""

    __slots__ = ("_set", "_reads")

    def __init__(self, dataset: DataSet, reads: Reads | None):
        self._set, self._reads = dataset, reads

    def __repr__(self) -> str:
        return "data"

    def noting(self, reads: Reads) -> "DataScope":
        """Return this scope noting its reads in `reads` (for a caller that passed none)."""
        return DataScope(self._set, reads)

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
