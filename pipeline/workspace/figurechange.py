"""A shared figure's change with many sheets printing it: the "if you save" plan spread over the worker
pool (each worker compares its share of the sheets, rendering text only: no Word or PDF file is made
for a plan), and the save's rebuild run in the background, its progress asked for by the page.
"""

from __future__ import annotations

import asyncio
import atexit
import dataclasses
import itertools
import os
import shutil
import tempfile
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from ..builder.recipe import Options
from . import workers

KEPT = 20  # finished rebuilds kept for their pages to fetch the outcome


KEPT_PLANS = 8  # plans kept: Save reuses the one its last preview made, when nothing changed since
_plans: dict[tuple, workers.FigurePlan] = {}


async def plan(pool: workers.Pool, figures: dict, target: Path, opts: Options, dependants: list[Path]
               ) -> workers.FigurePlan:
    """Return the plan of a figure edit; the same edit of the same files as a moment ago: the plan made then."""
    key = _inputs(figures, target, opts, dependants)
    if key is not None and key in _plans:
        return dataclasses.replace(_plans[key])
    made = await _plan(pool, figures, target, opts, dependants)
    if key is not None:
        while len(_plans) >= KEPT_PLANS:
            del _plans[next(iter(_plans))]
        _plans[key] = dataclasses.replace(made)
    return made


def _inputs(figures: dict, target: Path, opts: Options, dependants: list[Path]) -> tuple | None:
    """Return what a plan depends on (the edit, and each file's version), None when a file cannot be read."""
    try:
        files = [target, *sorted(opts.data.glob("*.yaml")), opts.out / "manifest.json", *opts.templates.rglob("*"),
                 *dependants]
        versions = tuple((str(f), (i := f.stat()).st_mtime_ns, i.st_size) for f in files if f.exists())
    except OSError:
        return None
    return (repr(sorted((k, repr(v)) for k, v in figures.items())), str(opts.data), versions)


async def _plan(pool: workers.Pool, figures: dict, target: Path, opts: Options, dependants: list[Path]
                ) -> workers.FigurePlan:
    """Return the plan of a figure edit, its sheets compared in every worker at once, in the sheets' order."""
    shares = [dependants[i::pool.workers] for i in range(pool.workers)] if dependants else [[]]
    shares = [s for s in shares if s] or [[]]
    quick = dataclasses.replace(opts, formats=())  # the printed numbers need the text only, not the files
    executor = await asyncio.to_thread(pool.executor)  # made again after a data change: not in the event loop
    try:
        parts = await asyncio.gather(*(asyncio.wrap_future(executor.submit(
            workers.figure_plan_in_worker, figures, target, quick, share)) for share in shares))
    except BrokenProcessPool:
        await asyncio.to_thread(pool.close)  # a worker was killed: the next request starts new ones
        raise
    first = parts[0]
    if any(not p.text for p in parts):  # the new values do not load: every worker says the same
        return next(p for p in parts if not p.text)
    order = {f.stem: i for i, f in enumerate(dependants)}
    return workers.FigurePlan(
        first.changed, sorted(itertools.chain.from_iterable(p.sheets for p in parts), key=lambda s: order.get(s[0], 0)),
        sorted({u for p in parts for u in p.unbuilt}), [d for p in parts for d in p.problems], first.text)


@dataclass
class Rebuild:
    """One save's rebuild running in the background: how far it is, and its outcome when done."""

    key: str
    progress: Path  # the worker writes 'done total' here as each sheet is built
    done: bool = False
    saved: workers.Saved | None = None
    extra: dict = field(default_factory=dict)  # what the finished page shows besides (the plan)
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    def counts(self) -> tuple[int, int]:
        """Return (sheets built, sheets to build) so far; (0, 0) before the build has planned."""
        try:
            done, total = self.progress.read_text(encoding="ascii").split()
            return int(done), int(total)
        except (OSError, ValueError):
            return 0, 0


class Rebuilds:
    """The background rebuilds of this server, by key."""

    def __init__(self):
        self.running: dict[str, Rebuild] = {}
        self.folder = Path(tempfile.mkdtemp(prefix="factsheets-rebuilds-"))  # private to this server
        atexit.register(shutil.rmtree, self.folder, True)  # the counts end with the server
        self.tasks: set[asyncio.Task] = set()

    def start(self, pool: workers.Pool, files: list[Path], opts: Options, **extra) -> Rebuild:
        """Start the normal build of `files` in a worker, using every worker's share of the machine."""
        key = os.urandom(8).hex()
        job = Rebuild(key, self.folder / f"{key}.txt", extra=extra)
        while len(self.running) >= KEPT:
            finished = next((k for k, r in self.running.items() if r.done), None)
            if finished is None:
                break
            self.running.pop(finished).progress.unlink(missing_ok=True)
        self.running[key] = job
        task = asyncio.get_running_loop().create_task(self._run(pool, files, opts, job))
        self.tasks.add(task)  # kept: a task with no reference may be collected before it ends
        task.add_done_callback(self.tasks.discard)
        return job

    async def _run(self, pool: workers.Pool, files: list[Path], opts: Options, job: Rebuild) -> None:
        parallel = dataclasses.replace(opts, jobs=max(opts.jobs, pool.workers))
        try:
            executor = await asyncio.to_thread(pool.executor)
            job.saved = await asyncio.wrap_future(executor.submit(
                build_with_progress, files, parallel, str(job.progress)))
        except Exception as exc:  # the pool died: the page says so instead of waiting for ever
            if isinstance(exc, BrokenProcessPool):
                await asyncio.to_thread(pool.close)  # the next request starts new workers
            job.saved = workers.Saved(problems=[workers.unusable(
                f"the rebuild could not run: {exc}", "save again; if it persists, tell the admin")], ok=False)
        job.done = True
        job.finished.set()


def build_with_progress(files: list[Path], opts: Options, progress: str) -> workers.Saved:
    """Run the normal build (runs in a worker), writing 'done total' to the file `progress` as it goes."""
    import functools

    Path(progress).write_text("0 0", encoding="ascii")  # 0 of 0: the build is still planning
    return workers.build_in_worker(files, dataclasses.replace(opts, progress=functools.partial(_note, progress)))


def _note(progress: str, done: int, total: int, path: str) -> None:
    """Write how far a build is (a whole small file each time: the page never reads half a count)."""
    from ..base.output import write_atomic

    write_atomic(Path(progress), f"{done} {total}".encode("ascii"))
