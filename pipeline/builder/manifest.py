"""The build manifest: for each record built, the hashes of its inputs and of the outputs it made."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..base.confine import read_regular
from ..base.output import write_atomic

NAME = "manifest.json"
STAMPS = ".stamps.json"  # beside it: each output's stat when it was last hashed (machine-bound, so apart)
FORMAT = 1  # bump when the layout of the file changes: an old manifest then means "build everything"


@dataclass
class Entry:
    """One record's last successful build."""

    id: str
    id_at: list[int]  # line and column of the id (or of the file), for duplicate-id messages
    layout: str
    inputs: dict[str, str]  # record, templates, fonts, pipeline -> hash or version
    data: dict[str, str] = field(default_factory=dict)  # shared-data key -> value it read
    printed: dict[str, list[str]] = field(default_factory=dict)  # figure key -> as printed
    as_of: list[dict] = field(default_factory=list)  # the record's dated figures, for staleness
    outputs: dict[str, str] = field(default_factory=dict)  # file name -> hash of its bytes


@dataclass
class Failure:
    """A record that failed in a way that costs time to find again (time limit, layout engine)."""

    inputs: dict[str, str]  # as for Entry, plus the formats and the time limit it was built with
    data: dict[str, str] = field(default_factory=dict)  # shared-data key -> value it read
    message: str = ""  # the error, repeated while the inputs stay the same


def stamp(path: Path) -> list[int] | None:
    """Return what a file's stat says of its bytes (size, times, inode), or None if it has none."""
    # The change time cannot be set by hand (touch, copies that keep times set it to now), and it
    # moves with every write and rename: a file whose stamp is unchanged was not changed since.
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


class Manifest:
    """Every record's last successful build, keyed by the record's path as the run names it,
    and the records whose last build failed costly (not retried until their inputs change)."""

    def __init__(self, folder: Path, entries: dict[str, Entry] | None = None,
                 failures: dict[str, Failure] | None = None):
        self.path = folder / NAME
        self.entries: dict[str, Entry] = entries or {}
        self.failures: dict[str, Failure] = failures or {}
        # output file name -> its stamp when its recorded hash was taken or confirmed; kept out of
        # the manifest, whose bytes depend on the build alone, not on the file system's times
        self.stamps: dict[str, list[int]] = {}

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        """Read the manifest; a missing, old or damaged one is empty (everything gets rebuilt)."""
        try:
            raw = json.loads(read_regular(folder / NAME))
            if raw.get("manifest") != FORMAT:
                return cls(folder)
            manifest = cls(folder, {path: Entry(**entry) for path, entry in raw["records"].items()},
                           {path: Failure(**failure) for path, failure in raw.get("failures", {}).items()})
        except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):  # a pipe, a nesting bomb
            return cls(folder)
        manifest.stamps = _stamps(folder / STAMPS)
        return manifest

    def to_bytes(self) -> bytes:
        """Return the manifest as stable JSON (sorted, so the same state gives the same bytes)."""
        # vars, not asdict: the fields are plain JSON values already, and asdict deep-copies them all.
        body = {"manifest": FORMAT, "records": {path: vars(e) for path, e in sorted(self.entries.items())}}
        if self.failures:  # absent when none, so that manifests without failures keep their bytes
            body["failures"] = {path: vars(f) for path, f in sorted(self.failures.items())}
        # One line, so the C encoder writes it (indented JSON is encoded in Python: 1,000 records
        # took a fifth of a second); sorted keys keep the bytes the same for the same state.
        return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"

    def stamps_bytes(self) -> bytes:
        """Return the stamps of the outputs the manifest still records, as JSON."""
        named = {name for entry in self.entries.values() for name in entry.outputs}
        kept = {name: value for name, value in self.stamps.items() if name in named}
        return json.dumps(kept, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"

    def save(self) -> None:
        """Publish the manifest atomically, then the stamps (a lost stamp costs one hash, no more)."""
        write_atomic(self.path, self.to_bytes())
        write_atomic(self.path.with_name(STAMPS), self.stamps_bytes())


def _stamps(path: Path) -> dict[str, list[int]]:
    """Read the stamps; missing or damaged ones are none (the outputs are hashed once again)."""
    try:
        raw = json.loads(read_regular(path))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(raw, dict):
        return {}
    return {name: value for name, value in raw.items()
            if isinstance(value, list) and len(value) == 4 and all(type(v) is int for v in value)}
