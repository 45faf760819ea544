"""Stage 9, the top: the factsheets command (one function per command) and how diagnostics are printed."""

from __future__ import annotations

import gc
import sys

GC_YOUNG = 7000  # allocations between collections of the youngest objects (Python's default: 700)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code. A build may go to the build daemon (daemonclient)."""
    whole_process, argv = argv is None, list(sys.argv[1:] if argv is None else argv)
    from .daemonclient import handled  # light: the whole command is imported only when needed

    code = handled(argv)
    if code is not None:
        return code
    if whole_process:  # not when called in a process that has a life of its own (the tests)
        _collect_less()
    from .command import main as run_here

    if not whole_process:
        return run_here(argv)
    gc.freeze()
    if sys.getprofile() or sys.gettrace():  # a profiler or coverage writes its findings at exit
        return run_here(argv)
    return _leave(run_here(argv))


def _leave(code: int) -> int:  # never returns
    """End the command's process now, as Python would but without freeing every object one by one.

    Python's own exit tears down each module and object the command made: 60 to 75 ms after a
    sheet's build, a sixth of a one-sheet command, for a process that is ending anyway. This
    does what matters of it, in its order: waits for threads that are not daemons, runs what was
    registered to run at exit (a process pool's clean-up among them), flushes the output.
    """
    import atexit
    import os
    import threading

    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # the reader has gone (a closed pipe): nothing more to say
            pass
    os._exit(code if isinstance(code, int) else 0)


def _collect_less() -> None:
    """Make the one-shot command's garbage collector run ten times less often, and not on imports.

    It would scan every object the imports create, again and again (a hundred times for one sheet);
    what the command imports lives as long as the process, so it is set aside (gc.freeze) once
    imported. Cycles are still collected.
    """
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])


__all__ = ["main"]
