"""Stage 9, the top: the factsheets command (one function per command) and how diagnostics are printed."""

from .command import main

__all__ = ["main"]
