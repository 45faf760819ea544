"""`factsheets init`: a new project from the layouts shipped inside the package."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..base.config import NAME as SETTINGS_FILE
from ..base.errors import ConfigError, Diagnostic, Location
from ..base.paths import display
from .starter import SCHEMA_FILE

SETTINGS = """\
# Settings of the factsheets command for this project: every command finds this file from any
# folder below it. Keys are the long options (see `factsheets build --help`); options typed on
# the command line win. Paths are relative to this folder.
sources = ["sources"]
templates = "templates"
out = "output"
# stale-months = 18   # warn about figures whose as_of is older than this
# strict = false      # true: warnings (stale figures, likely slips) fail the build
# max-classification = "SENSITIVE BUT UNCLASSIFIED"   # papers above this are refused (classified
#                     # papers belong on a system accredited for them); "UNCLASSIFIED" refuses SBU too
"""

# The check task reads `path:line:col: error: message`, the concise diagnostics every command prints.
PROBLEM_MATCHER = {
    "owner": "factsheets",
    "fileLocation": ["relative", "${workspaceFolder}"],
    "pattern": {"regexp": r"^(.+?):(\d+):(\d+): (error|warning): (.*)$",
                "file": 1, "line": 2, "column": 3, "severity": 4, "message": 5},
}


def default_layouts() -> Path:
    """Return the layouts shipped with the program: inside the wheel, or the checkout's templates/."""
    here = Path(__file__).resolve().parent.parent  # the pipeline package
    for folder in (here / "shipped" / "templates", here.parent / "templates"):
        if (folder / "styles.yaml").is_file():
            return folder
    raise ConfigError([Diagnostic(Location(str(here)), "this installation carries no layouts",
                                  "reinstall factsheets from its wheel, or run from a checkout")])


# A checkout runs the factsheets its `make` installed in .venv, which is not on PATH; a project made
# by `factsheets init` runs the installed command.
CHECKOUT_COMMAND = {"command": "${workspaceFolder}/.venv/bin/factsheets",
                    "windows": {"command": "${workspaceFolder}\\.venv\\Scripts\\factsheets.exe"}}


def vscode_files(checkout: bool = False) -> dict[str, str]:
    """Return the VS Code settings of a project (of the factsheets checkout itself if `checkout`):
    the record schema, the check task, the YAML extension."""
    settings = {"yaml.schemas": {f"./{SCHEMA_FILE}": ["sources/**/*.yaml", "!sources/data/**"]},
                "yaml.format.enable": False,  # reformatting would move lines that diagnostics point at
                "files.encoding": "utf8", "files.insertFinalNewline": True}
    tasks = {"version": "2.0.0", "tasks": [{
        "label": "factsheets: check", "type": "shell", "command": "factsheets",
        "args": ["check"], "group": {"kind": "build", "isDefault": True},
        "presentation": {"reveal": "silent"}, "problemMatcher": PROBLEM_MATCHER}]}
    if checkout:
        tasks["tasks"][0].update(CHECKOUT_COMMAND)
    extensions = {"recommendations": ["redhat.vscode-yaml"]}
    return {name: json.dumps(value, indent=2) + "\n" for name, value in
            (("settings.json", settings), ("tasks.json", tasks), ("extensions.json", extensions))}


def init(folder: Path, schema_text: str) -> None:
    """Make a new project in `folder` (new or empty); ConfigError if it holds anything."""
    where = Location(display(folder))
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ConfigError([Diagnostic(where, "the folder is not empty; nothing was written",
                                      "name a new folder, or an empty one")])
    layouts = default_layouts()
    try:
        (folder / "sources" / "data").mkdir(parents=True)
        (folder / "output").mkdir()
        shutil.copytree(layouts, folder / "templates", ignore=shutil.ignore_patterns("__pycache__", ".*"))
        (folder / SETTINGS_FILE).write_text(SETTINGS, encoding="utf-8")
        (folder / SCHEMA_FILE).write_text(schema_text, encoding="utf-8")
        (folder / ".vscode").mkdir()
        for name, text in vscode_files().items():
            (folder / ".vscode" / name).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError([Diagnostic(where, f"cannot make the project: {exc.strerror or exc}",
                                      "check that you may write there")]) from None
