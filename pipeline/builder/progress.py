"""A one-line progress bar for long builds, drawn only when the stream is a terminal."""

from __future__ import annotations

import time

WIDTH = 30
MIN_INTERVAL = 0.1  # seconds between redraws: a fast build should not spend its time drawing


class Progress:
    """Draws `[#####.....] 12/40 sources/x.yaml` on one line of a terminal; silent otherwise."""

    def __init__(self, stream):
        self.stream = stream
        self.enabled = _is_terminal(stream)
        self._last, self._drawn = 0.0, False

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[2K")  # clear the bar so the report starts on a clean line
            self.stream.flush()

    def update(self, done: int, total: int, name: str) -> None:
        """Show that `done` of `total` records are built, the last being `name`."""
        now = time.monotonic()
        if not self.enabled or total < 2 or (now - self._last < MIN_INTERVAL and done < total):
            return
        self._last, self._drawn = now, True
        filled = WIDTH * done // total
        bar = "#" * filled + "." * (WIDTH - filled)
        self.stream.write(f"\r\x1b[2Kbuilding [{bar}] {done}/{total} {name[-40:]}")
        self.stream.flush()


def _is_terminal(stream) -> bool:
    """Return True when `stream` is an interactive terminal."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
