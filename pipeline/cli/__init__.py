"""Stage 9, the top: the factsheets command (one function per command) and how diagnostics are printed."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code. A build may go to the build daemon (daemonclient)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    from .daemonclient import handled  # light: the whole command is imported only when needed

    code = handled(argv)
    if code is not None:
        return code
    from .command import main as run_here

    return run_here(argv)


__all__ = ["main"]
