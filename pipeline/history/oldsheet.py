"""An earlier version's sheet: its record text and shared figures as recorded then, built with today's layouts.

The sheet as it was published needs the figures of then: each shared-data file is read at that version
when the store holds it (sources/data is in the same repository as the records); a file the store did
not hold then is taken as it is now, and `Inputs.today` names it. The layouts, fonts and code are
today's: only the words and figures are the version's. Built files are kept in
output/.versions/<id>/<version>-<key>.{pdf,docx}, the key a hash of every input, written atomically;
the folder is bounded in size (oldest first out).
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..base.errors import ConfigError, Diagnostic
from ..base.fingerprint import Fingerprints
from ..base.output import TEMP_PREFIX, write_together
from ..base.paths import display
from ..builder import work
from ..figures import shared as data
from ..records import marking
from .restore import old_text
from .store import HistoryError, Store

FOLDER = ".versions"  # output/.versions/<id>/: built sheets of earlier versions, kept
FORMATS = ("pdf", "docx")
MAX_CACHE_BYTES = 200_000_000  # about a thousand sheets; the oldest go first
DATA_SUFFIXES = (".yaml", ".yml")


class OldSheetError(HistoryError):
    """An earlier version could not be built; the message says why in a desk officer's words."""


@dataclass
class Inputs:
    """What one version's sheet is built from."""

    sheet_id: str
    version: str  # the first 12 hex digits of the commit
    file: Path
    text: bytes
    data: dict[str, bytes] = field(default_factory=dict)  # shared-data file name: its bytes
    data_shown: str = "sources/data"
    today: list[str] = field(default_factory=list)  # data files not held at that version: today's taken
    templates: Path = Path("templates")
    ceiling: str = marking.CEILING

    def key(self) -> str:
        """Return a hash of every input: the text, the shared data, the layouts, fonts and code."""
        h = hashlib.sha256(self.text + b"\0" + self.ceiling.encode())
        for name in sorted(self.data):
            h.update(name.encode() + b"\0" + hashlib.sha256(self.data[name]).digest())
        prints = Fingerprints(self.templates)
        h.update(f"{prints.all_layouts}{prints.fonts}{prints.pipeline}".encode())
        return h.hexdigest()[:16]


def inputs(store: Store, file: Path, version: str, data_folder: Path, templates: Path,
           ceiling: str = marking.CEILING) -> Inputs:
    """Return a version's record text and its shared data (as recorded then where the store has it)."""
    commit, text = old_text(store, file, version)
    found = Inputs(file.stem, commit[:12], file, text, data_shown=display(data_folder), templates=templates,
                   ceiling=ceiling)
    now = {p.name: p for p in sorted(data_folder.glob("*")) if p.suffix in DATA_SUFFIXES and p.is_file()} \
        if data_folder.is_dir() else {}
    then = _data_then(store, commit, data_folder)
    if then is None:  # the data folder is not in this store: only today's can be used
        then = {}
    for name in sorted(set(now) | set(then)):
        if name in then:
            found.data[name] = then[name]
        else:
            found.data[name] = now[name].read_bytes()
            found.today.append(name)
    return found


def _data_then(store: Store, commit: str, folder: Path) -> dict[str, bytes] | None:
    """Return the shared-data files at a commit, by name; None when the folder is outside the store."""
    try:
        prefix = store.relative(folder)
    except HistoryError:
        return None
    listed = store.git("ls-tree", "-z", "--name-only", commit, "--", prefix + "/", check=False)
    names = [Path(p).name for p in listed.split("\0") if p and Path(p).suffix in DATA_SUFFIXES]
    found = {}
    for name in names:
        blob = store.blob(commit, f"{prefix}/{name}")
        if blob is not None:
            found[name] = blob
    return found


def build(found: Inputs, time_limit: float | None) -> dict[str, bytes]:
    """Build a version's PDF and .docx in memory; OldSheetError saying why it no longer builds."""
    with tempfile.TemporaryDirectory(prefix="factsheets-version-") as scratch:
        for name, blob in found.data.items():
            (Path(scratch) / name).write_bytes(blob)
        dataset = data.load(Path(scratch), found.data_shown)
    try:
        ctx = work.Context(found.templates, dataset, time_limit)
    except ConfigError as exc:
        raise OldSheetError(f"the layouts cannot be loaded: {_first(exc.diagnostics)}")
    shown = f"{display(found.file)} (version {found.version})"
    result = work.run(work.Job(found.file, shown, found.text, FORMATS, found.ceiling), ctx)
    problem = result.config_error.diagnostics if result.config_error else result.diagnostics
    if problem or set(result.blobs) != {".pdf", ".docx"}:
        raise OldSheetError(f"version {found.version} of {found.sheet_id} cannot be built with today's "
                            f"layouts: {_first(problem) if problem else 'no sheet was made'}")
    return {"pdf": result.blobs[".pdf"], "docx": result.blobs[".docx"]}


def _first(diagnostics: list[Diagnostic]) -> str:
    """Return the first problem in one line: where and what."""
    d = diagnostics[0]
    where = f" (line {d.location.line})" if d.location.line else ""
    return f"{d.message}{where}"


# --- the kept copies --------------------------------------------------------------------------

def cached(out: Path, found: Inputs, fmt: str) -> Path:
    """Return where a version's built file is kept, whether or not it is there yet."""
    return out / FOLDER / found.sheet_id / f"{found.version}-{found.key()}.{fmt}"


def keep(out: Path, found: Inputs, built: dict[str, bytes], limit: int = MAX_CACHE_BYTES) -> None:
    """Keep a version's built files (both at once, atomically); drop its older builds and the oldest others."""
    targets = {cached(out, found, fmt): built[fmt] for fmt in FORMATS}
    folder = next(iter(targets)).parent
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{found.version}-*"):  # the same version built from older layouts or data
        if old not in targets:
            old.unlink(missing_ok=True)
    write_together(targets)
    _bound(out / FOLDER, limit, set(targets))


def _bound(folder: Path, limit: int, keep_these: set[Path]) -> None:
    """Delete the oldest kept files until the folder holds at most `limit` bytes (never `keep_these`)."""
    files = []
    for path in folder.glob("*/*"):
        try:
            info = path.stat()
        except OSError:
            continue
        files.append((info.st_mtime_ns, path, info.st_size))
    total = sum(size for _, _, size in files)
    for _, path, size in sorted(files):
        if total <= limit:
            break
        if path not in keep_these and not path.name.startswith(TEMP_PREFIX):
            path.unlink(missing_ok=True)
            total -= size
