"""Writing a sheet's formats side by side: the first in a forked process, the rest in this one.

Only the build daemon's child turns it on (`enabled`): it builds one sheet while the machine's
other core is idle, and it is a process of its own with no threads, so forking it is safe. A
one-shot run and the pool's workers write one format after the other (their cores are busy with
other sheets). The bytes are the same either way: each writer runs on the same tree, alone.
Whatever goes wrong on the side (the fork, the pipe, the writer) the format is written again
here, so an error is raised exactly as it is without this, in the formats' order.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable

enabled = False  # set by the build daemon's child only
_OK, _FAILED = b"1", b"0"


def written(names: tuple[str, ...], write: Callable[[str], bytes]) -> dict[str, bytes]:
    """Return each format's bytes by name, in `names`' order; `write(name)` writes one."""
    if not enabled or len(names) < 2:
        return {name: write(name) for name in names}
    first, rest = names[0], names[1:]
    pid, reader = _fork(first, write)
    try:
        here, failure = {}, None
        try:
            here = {name: write(name) for name in rest}
        except Exception as exc:  # raised after the first format's own error, if it has one
            failure = exc
        side = _collect(reader)
    finally:
        _end(pid, reader)
    found = {first: side if side is not None else write(first)}
    if failure is not None:
        raise failure
    return {**found, **here}


def _fork(name: str, write: Callable[[str], bytes]) -> tuple[int, int | None]:
    """Start writing `name` in a forked process; return its pid and the pipe's reading end (0, None: not started)."""
    try:
        reader, writer = os.pipe()
        pid = os.fork()
    except OSError:
        return 0, None
    if pid:
        os.close(writer)
        return pid, reader
    # The forked process: never returns into the caller.
    try:
        os.close(reader)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        try:
            message = _OK + write(name)
        except BaseException:
            message = _FAILED
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(message)
    finally:
        os._exit(0)


def _collect(reader: int | None) -> bytes | None:
    """Return the bytes the forked process wrote, or None when it failed or sent nothing whole."""
    if reader is None:
        return None
    with os.fdopen(reader, "rb", closefd=False) as pipe:
        message = pipe.read()
    return message[1:] if message[:1] == _OK else None


def _end(pid: int, reader: int | None) -> None:
    """Close the pipe and make sure the forked process is gone (it is killed when the build was stopped)."""
    if reader is not None:
        os.close(reader)
    if pid:
        with contextlib.suppress(ChildProcessError):
            done, _ = os.waitpid(pid, os.WNOHANG)
            if not done:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
