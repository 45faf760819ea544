"""Where the build daemon lives and how it is spoken to: a private folder, a socket, one JSON message each way.

Standard library only, and little of it: the command's fast path imports this module before it knows
whether it will build anything itself (ReportLab, python-docx and Jinja2 are never imported here; nor
pathlib, json, hashlib or re, whose imports alone cost a one-sheet build milliseconds). Messages are
in `marshal`'s format: built in, fast, and read only from a peer of this same user (checked by the
daemon from the socket's peer credentials; the folder is private) running the same Python (the code
version, checked first, includes it).
"""

from __future__ import annotations

import marshal
import os
import stat
import struct
import sys
import zlib

PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the pipeline package run
FOLDER_VARIABLE = "FACTSHEETS_DAEMON_DIR"  # a private folder of the user's choosing (tests use one)
IDLE_VARIABLE = "FACTSHEETS_DAEMON_IDLE"  # seconds without a request before the daemon ends
DEFAULT_IDLE = 600.0
# The libraries whose code shapes a sheet: an upgrade of any of them must not be served by an old daemon.
LIBRARIES = ("docx", "reportlab", "jinja2", "yaml", "PIL", "uharfbuzz", "lxml", "markupsafe")
_HEADER = struct.Struct("!I")
MAX_MESSAGE = 256 * 1024 * 1024  # a reply holds what a build printed; a request is a few kilobytes


class Unsafe(Exception):
    """The daemon's folder or socket is not private to this user; the message says why and what to do."""


def folder() -> str:
    """Return the daemon's folder: $FACTSHEETS_DAEMON_DIR, $XDG_RUNTIME_DIR/factsheets or /tmp/factsheets-<uid>."""
    chosen = os.environ.get(FOLDER_VARIABLE)
    if chosen:
        return os.path.abspath(chosen)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime):
        return os.path.join(runtime, "factsheets")
    return f"/tmp/factsheets-{os.getuid()}"


def install_key() -> str:
    """Return a short name for this installation (interpreter and package), so two installs never share a daemon."""
    return _checksum(f"{sys.executable}\0{PACKAGE}")[:12]


def file_in(place: str, suffix: str) -> str:
    """Return this installation's daemon file with `suffix` in `place`: .sock, .json (status), .log, .lock."""
    return os.path.join(place, f"daemon-{install_key()}{suffix}")


def socket_path(place: str) -> str:
    """Return the socket of this installation's daemon in `place`."""
    return file_in(place, ".sock")


def check_private(place: str, create: bool = False) -> None:
    """Raise Unsafe unless `place` is a real folder owned by this user that no one else may enter."""
    if create:
        try:
            os.mkdir(place, 0o700)
        except FileExistsError:
            pass
        except OSError as exc:
            raise Unsafe(f"{place}: cannot create the build daemon's folder: {exc.strerror or exc}\n"
                         f"  hint: set {FOLDER_VARIABLE} to a folder of your own, or build with --no-daemon")
    try:
        info = os.lstat(place)
    except FileNotFoundError:
        raise Unsafe(f"{place}: the build daemon's folder does not exist") from None
    if not stat.S_ISDIR(info.st_mode):
        problem = "is a symbolic link" if stat.S_ISLNK(info.st_mode) else "is not a folder"
    elif info.st_uid != os.getuid():
        problem = f"belongs to another user (uid {info.st_uid})"
    elif info.st_mode & 0o077:
        problem = f"can be entered by other users (mode {stat.S_IMODE(info.st_mode):04o})"
    else:
        return
    raise Unsafe(f"{place}: refusing the build daemon's folder: it {problem}; the daemon's socket must be "
                 f"private to you\n  hint: remove that folder (or run chmod 700 on it if it is yours), or set "
                 f"{FOLDER_VARIABLE} to a private folder; --no-daemon builds without it")


def check_socket(path: str) -> bool:
    """Return True when `path` is a socket of this user's; False when absent; Unsafe when someone else's."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    if not stat.S_ISSOCK(info.st_mode) or info.st_uid != os.getuid():
        raise Unsafe(f"{path}: refusing the build daemon's socket: it is not a socket of yours\n"
                     f"  hint: remove it; --no-daemon builds without the daemon")
    return True


def code_version() -> str:
    """Return a fingerprint of the code a build runs: this package's files and the libraries' installs.

    Sizes and modification times, not contents: cheap enough to take on every request (about a
    millisecond), and any edit, `pip install` or upgrade changes one of them.
    """
    parts = [sys.version, PACKAGE]
    for root, dirs, files in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        parts.extend(_stat(os.path.join(root, name)) for name in sorted(files))
    for library in LIBRARIES:
        where = _library_folder(library)
        parts += [_stat(where), _stat(os.path.dirname(where))]  # site-packages: an install changes its entries
    return _checksum("\n".join(parts))


def _stat(path: str) -> str:
    """Return a file's name, size and modification time as text (or that it is missing)."""
    try:
        info = os.stat(path)
        return f"{path}\0{info.st_size}\0{info.st_mtime_ns}"
    except OSError:
        return f"{path}\0missing"


def _checksum(text: str) -> str:
    """Return 64 bits of checksum of `text` in hex (two zlib checksums: no hashlib to import)."""
    data = text.encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def _library_folder(name: str) -> str:
    """Return where a library would be imported from, without importing it ('' when absent)."""
    module = sys.modules.get(name)
    origin = getattr(module, "__file__", None) if module else None
    if origin is None:
        for entry in sys.path:
            candidate = os.path.join(entry or ".", name)
            if os.path.isdir(candidate):
                origin = os.path.join(candidate, "__init__.py")
                break
            if os.path.isfile(candidate + ".py"):
                origin = candidate + ".py"
                break
    return os.path.dirname(os.path.abspath(origin)) if origin else ""


def send(conn, message: dict) -> None:  # conn: a connected socket (socket's or _socket's)
    """Send one message: its length, then its bytes."""
    data = marshal.dumps(message)
    conn.sendall(_HEADER.pack(len(data)) + data)


def receive(conn) -> dict | None:
    """Return the next message, or None when the other side closed first."""
    header = _read(conn, _HEADER.size)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    if size > MAX_MESSAGE:
        return None
    data = _read(conn, size)
    return None if data is None else marshal.loads(data)


def _read(conn, size: int) -> bytes | None:
    """Return exactly `size` bytes, or None if the connection ends first."""
    chunks, left = [], size
    while left:
        chunk = conn.recv(min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
