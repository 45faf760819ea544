"""The build daemon's spare: a child forked ahead of its request and warmed up, so a build does not pay for its fork.

A forked child shares its parent's memory until it writes to it, and CPython writes to nearly every
object it touches (reference counts), so a child forked when a request came copied those pages
while it built: laos-inl took 60 ms in such a child against 43 ms in a child forked and warmed
ahead (10 interleaved rounds each). So the daemon keeps one child ready: forked once the last build
is done, it checks that build's first records in memory (as the daemon's own warm-up does), which
copies what a build writes, says it is ready, and waits. A request is handed to it with the
client's connection; it builds, answers and ends like any build child. Nothing it did is seen by
the daemon or by the next spare.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from collections.abc import Callable

from . import daemonplace

READY = b"R"
HANDED = b"B"


class Spare:
    """The daemon's side of a spare child: its pid and the socket to it."""

    def __init__(self, pid: int, control: socket.socket):
        self.pid, self.control, self.is_ready = pid, control, False

    @classmethod
    def start(cls, detach: Callable[[], None], prepare: Callable[[], None],
              serve: Callable[[socket.socket, dict], int]) -> Spare | None:
        """Fork a spare: in it `detach()`, `prepare()`, then `serve(conn, request)` for the request it is
        handed (its return is the exit status); None when it cannot be forked."""
        try:
            ours, its = socket.socketpair()
        except OSError:
            return None
        try:
            pid = os.fork()
        except OSError:
            ours.close()
            its.close()
            return None
        if pid:
            its.close()
            return cls(pid, ours)
        status = 0
        try:  # the spare: never returns into the daemon's loop
            ours.close()
            detach()
            prepare()
            its.sendall(READY)
            status = _wait_and_serve(its, serve)
        except BaseException:  # the daemon went away, or the client did: nothing to report
            pass
        finally:
            os._exit(status)

    def ready(self) -> bool:
        """Return True once the spare has warmed up (without waiting for it)."""
        if not self.is_ready:
            with contextlib.suppress(BlockingIOError, InterruptedError):
                self.is_ready = self.control.recv(1, socket.MSG_DONTWAIT) == READY
        return self.is_ready

    def hand(self, conn: socket.socket, request: dict) -> bool:
        """Give the spare a client's connection and its request; False if it could not take them."""
        try:
            socket.send_fds(self.control, [HANDED], [conn.fileno()])
            daemonplace.send(self.control, request)
        except OSError:
            return False
        finally:
            self.control.close()
        return True

    def drop(self) -> None:
        """End the spare, waiting or not (it holds nothing to save), and collect it."""
        self.control.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _wait_and_serve(control: socket.socket, serve: Callable[[socket.socket, dict], int]) -> int:
    """Wait for a request and serve it; return the exit status (0 when the daemon ended first)."""
    _, fds, _, _ = socket.recv_fds(control, 1, 1)
    if not fds:
        return 0
    conn = socket.socket(fileno=fds[0])
    request = daemonplace.receive(control)
    if not isinstance(request, dict):
        return 0
    return serve(conn, request)
