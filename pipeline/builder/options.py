"""How a run builds: the options every command of the builder takes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import writers
from ..figures import staleness
from ..records import marking


@dataclass
class Options:
    """How a run builds: where things are, what to rebuild, how strictly, how in parallel."""

    templates: Path = Path("templates")
    data: Path = Path("sources/data")
    out: Path = Path("output")
    formats: tuple[str, ...] = field(default_factory=writers.names)
    force: bool = False
    jobs: int = 1
    strict: bool = False
    stale_months: int = staleness.DEFAULT_MONTHS
    max_classification: str = marking.CEILING  # a level of marking.LEVELS
    time_limit: float | None = 120.0
    wait: float = 0.0
    today: dt.date | None = None
    now: dt.datetime | None = None  # the run's time in CHANGES.md (default: the clock)
    progress: Callable[[int, int, str], None] | None = None
