"""Broken layouts: each case edits one line of a copy of templates/ and expects exact diagnostics.

A case is `tests/bad-look/<name>.yaml` (a broken look: exit 2) or `tests/bad-access/<name>.yaml`
(an inaccessible sheet: exit 1) with `file` (a path in the project), `find` and `replace`, and
optionally `record` (check only that record); `<name>.expected` holds what `check` prints
(rewritten by `make goldens`).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CASES = HERE / "bad-look"
ACCESS_CASES = HERE / "bad-access"


def cases(folder: Path = CASES) -> list[Path]:
    """Return every case file of a folder, sorted."""
    return sorted(folder.glob("*.yaml"))


def check_args(case: Path) -> list[str]:
    """Return the `check` command line of a case: the record it names, or every record."""
    record = yaml.safe_load(case.read_text(encoding="utf-8")).get("record")
    return ["check", record] if record else ["check"]


def project_with(case: Path, folder: Path) -> Path:
    """Copy sources/ and templates/ into `folder` and apply the case's edit; return the folder."""
    spec = yaml.safe_load(case.read_text(encoding="utf-8"))
    for part in ("sources", "templates"):
        shutil.copytree(ROOT / part, folder / part)
    target = folder / spec["file"]
    text = target.read_text(encoding="utf-8")
    assert spec["find"] in text, f"{case.name}: '{spec['find']}' is not in {spec['file']}; fix the case"
    target.write_text(text.replace(spec["find"], spec["replace"], 1), encoding="utf-8")
    return folder


def run(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the CLI in `folder` as a user would."""
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=folder, capture_output=True,
                          text=True, env=None)
