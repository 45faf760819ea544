"""The build manifest: for each record built, the hashes of its inputs and of the outputs it made."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .output import write_atomic

NAME = "manifest.json"
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


class Manifest:
    """Every record's last successful build, keyed by the record's path as the run names it."""

    def __init__(self, folder: Path, entries: dict[str, Entry] | None = None):
        self.path = folder / NAME
        self.entries: dict[str, Entry] = entries or {}

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        """Read the manifest; a missing, old or damaged one is empty (everything gets rebuilt)."""
        try:
            raw = json.loads((folder / NAME).read_bytes())
            if raw.get("manifest") != FORMAT:
                return cls(folder)
            return cls(folder, {path: Entry(**entry) for path, entry in raw["records"].items()})
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return cls(folder)

    def to_bytes(self) -> bytes:
        """Return the manifest as stable JSON (sorted, so the same state gives the same bytes)."""
        records = {path: asdict(entry) for path, entry in sorted(self.entries.items())}
        return json.dumps({"manifest": FORMAT, "records": records}, indent=1, sort_keys=True,
                          ensure_ascii=False).encode() + b"\n"

    def save(self) -> None:
        """Publish the manifest atomically."""
        write_atomic(self.path, self.to_bytes())
