"""Files a sheet may embed: only those really inside the project's assets/ or templates/ folder.

Templates are read through this check, and the one file a record or layout may name, its seal
(pipeline/images.py), resolves its path with `embeddable`, so that a record cannot pull
/etc/passwd or ~/.ssh into a published sheet, whether by '..', an absolute path or a symbolic link.
A seal is read by the rule of every project file (base/confine.py): no link at any step.
"""

from __future__ import annotations

import os
from pathlib import Path

from .confine import NotARealFile, real_file
from .errors import Diagnostic, Location, RecordError, shown

EMBED_FOLDERS = ("assets", "templates")


def confined(path: Path, roots) -> Path | None:
    """Return the real path of `path` if it is a file inside one of `roots`, links resolved; else None."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, a loop of links, or unreadable
        return None
    for root in roots:
        try:
            if real.is_relative_to(root.resolve(strict=True)) and real.is_file():
                return real
        except (OSError, RuntimeError):
            continue
    return None


def embeddable(project: Path, name: str, loc: Location) -> Path:
    """Return the file that `name` (relative to the project) stands for; RecordError unless embeddable."""
    hint = f"put the file in the project's {' or '.join(f + '/' for f in EMBED_FOLDERS)} folder " \
           f"and name it relative to the project, e.g. assets/seal.png"
    if not name or "\0" in name or Path(name).is_absolute():
        raise RecordError([Diagnostic(loc, f"file name {shown(name)} must be relative to the project", hint)])
    normal = Path(os.path.normpath(name))
    folder = normal.parts[0] if len(normal.parts) > 1 and normal.parts[0] in EMBED_FOLDERS else None
    outside = RecordError([Diagnostic(loc, f"{shown(name)} is not a file inside the project's "
                                           f"{' or '.join(f + '/' for f in EMBED_FOLDERS)} folder", hint)])
    if folder is None:
        raise outside
    try:
        # No link at any step, the folder itself included: an assets/ that links out of the project
        # would otherwise pass, as its files resolve inside the folder it points to.
        real_file(project / normal, project / folder)
    except NotARealFile as exc:
        if "symbolic link" not in exc.reason:
            raise outside from None
        raise RecordError([Diagnostic(loc, f"{shown(name)}: {exc.reason}", exc.hint)]) from None
    return (project / normal).resolve()
