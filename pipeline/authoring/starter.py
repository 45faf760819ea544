"""`factsheets new`: a ready-to-fill record from the example kept in its layout's folder."""

from __future__ import annotations

import os
from pathlib import Path

from ..base.errors import ConfigError, Diagnostic, Location, did_you_mean, shown
from ..base.paths import display
from ..layouts.loader import load_layouts
from ..records.schema import ID_RE, RESERVED_IDS

EXAMPLE_FILE = "new.yaml"  # in each layout folder: required fields as <<placeholders>>, optional ones commented
SCHEMA_FILE = "factsheets.schema.json"  # in the project folder; `factsheets schema` writes it
SCHEMA_MARK = "$schema=SCHEMA"  # the example's yaml-language-server line, pointed at the project's schema


def new_record(templates: Path, layout: str, target: Path, project: Path) -> None:
    """Write `target` from `layout`'s example; ConfigError if it exists or cannot be made."""
    layouts = load_layouts(templates)
    where = Location(display(target))
    if layout not in layouts:
        raise ConfigError([Diagnostic(Location(display(templates)), f"unknown layout {shown(layout)}"
                                      f"{did_you_mean(layout, layouts)}",
                                      f"layouts: {', '.join(sorted(layouts))} (see 'factsheets layouts')")])
    example = layouts[layout].folder / EXAMPLE_FILE
    if not example.is_file():
        raise ConfigError([Diagnostic(Location(display(example)), f"layout '{layout}' has no example record",
                                      f"copy {EXAMPLE_FILE} from another layout's folder and adapt it")])
    _check_target(target, where)
    schema = Path(os.path.relpath(project / SCHEMA_FILE, target.parent.resolve())).as_posix()
    write_new(target, example.read_text(encoding="utf-8").replace(SCHEMA_MARK, f"$schema={schema}", 1))


def write_new(target: Path, text: str) -> None:
    """Write a new record file; ConfigError if it exists, its name cannot be an id, or it cannot be made."""
    where = Location(display(target))
    _check_target(target, where)
    try:
        with open(target, "x", encoding="utf-8", newline="\n") as out:  # "x": never overwrite
            out.write(text)
    except FileExistsError:
        raise ConfigError([Diagnostic(where, "the file already exists; nothing was written",
                                      "choose another file name, or delete the old file first")]) from None
    except OSError as exc:
        raise ConfigError([Diagnostic(where, f"cannot write the file: {exc.strerror}",
                                      "check the folder exists and you may write to it")]) from None


def _check_target(target: Path, where: Location) -> None:
    """Refuse a target whose name cannot be a sheet's output name, or that exists."""
    if target.suffix not in (".yaml", ".yml"):
        raise ConfigError([Diagnostic(where, "a record file name ends in .yaml",
                                      f"for example: {target.with_suffix('.yaml').name}")])
    if not ID_RE.match(target.stem) or target.stem in RESERVED_IDS:
        raise ConfigError([Diagnostic(where, f"{shown(target.stem)} cannot be a sheet's output name",
                                      "use lowercase letters, digits and dashes, e.g. cambodia-inl.yaml")])
    if target.exists() or target.is_symlink():
        raise ConfigError([Diagnostic(where, "the file already exists; nothing was written",
                                      "choose another file name, or delete the old file first")])
    if not target.parent.is_dir():
        raise ConfigError([Diagnostic(where, f"the folder {shown(str(target.parent))} does not exist",
                                      "create it first, or name a file in an existing folder")])
