"""What a run reports: one outcome per record file, and the run-wide problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..base.errors import Diagnostic
from . import changes


@dataclass
class Outcome:
    """What happened to one record file: built, current (up to date), checked, data (a shared-data
    file named on the command line) or failed."""

    path: str
    record_id: str | None = None
    status: str = "failed"
    reasons: list[str] = field(default_factory=list)
    changes: list[changes.FigureChange] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    stale: bool = False  # prints a figure older than --stale-months
    kept: list[str] = field(default_factory=list)  # hand-edited outputs moved to edited/

    @property
    def ok(self) -> bool:
        """Return True when the record had no errors."""
        return not self.diagnostics


@dataclass
class Report:
    """The outcome of every record of a run, in input order, and run-wide problems."""

    outcomes: list[Outcome]
    errors: list[Diagnostic] = field(default_factory=list)  # run-wide: shared data, manifest
    warnings: list[Diagnostic] = field(default_factory=list)  # run-wide: stale shared figures

    @property
    def failed(self) -> list[Outcome]:
        """Return the outcomes that had errors."""
        return [o for o in self.outcomes if not o.ok]

    def with_status(self, status: str) -> list[Outcome]:
        """Return the outcomes with this status."""
        return [o for o in self.outcomes if o.status == status]
