"""One writer per output folder: an OS lock (flock) that a second run waits for or gives up on."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

POLL = 0.1  # seconds between tries while waiting


class LockBusy(Exception):
    """Another process holds the output folder's lock; `holder` says who, as far as is known."""

    def __init__(self, folder: Path, holder: str):
        super().__init__(f"{folder} is locked by {holder}")
        self.folder, self.holder = folder, holder


class OutputLock:
    """A context manager holding an exclusive flock on the output folder itself."""

    def __init__(self, folder: Path, wait: float = 0.0):
        self.folder, self.wait, self._fd = folder, wait, None

    def __enter__(self) -> "OutputLock":
        self.folder.mkdir(parents=True, exist_ok=True)
        # Locking the folder itself needs no lock file, so a no-op run changes nothing in it.
        # The kernel drops the lock when the holder dies, even by SIGKILL: nothing stale to clean.
        fd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        deadline = time.monotonic() + max(self.wait, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = holder_of(fd)
                    os.close(fd)
                    raise LockBusy(self.folder, holder) from None
                time.sleep(POLL)
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        os.close(self._fd)  # closing releases the lock
        self._fd = None


def holder_of(fd: int) -> str:
    """Return 'process 1234 (factsheets build)' for the holder of the lock on `fd`, if Linux says."""
    inode = os.fstat(fd).st_ino
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as locks:
            for line in locks:
                parts = line.split()
                # e.g. "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"
                if len(parts) > 5 and parts[1] == "FLOCK" and parts[5].rsplit(":", 1)[-1] == str(inode):
                    return _describe(parts[4])
    except OSError:
        pass
    return "another process"


def _describe(pid: str) -> str:
    """Return 'process <pid> (<command line>)' as far as /proc tells."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            argv = [a.decode(errors="replace") for a in handle.read().split(b"\0") if a]
    except OSError:
        return f"process {pid}"
    words = [os.path.basename(a) if i == 0 else a for i, a in enumerate(argv)]
    # Show "factsheets build …" rather than the interpreter path when run as python -m / a script.
    if len(words) > 1 and words[0].startswith("python"):
        words = words[1:]
    return f"process {pid} ({' '.join(words)[:120]})"
