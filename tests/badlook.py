"""Broken looks: each case edits one line of a copy of templates/ and expects exact diagnostics.

A case is `tests/bad-look/<name>.yaml` with `file` (a path in the project), `find` and `replace`;
`<name>.expected` holds what `check` prints (rewritten by `make goldens`).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CASES = HERE / "bad-look"


def cases() -> list[Path]:
    """Return every case file, sorted."""
    return sorted(CASES.glob("*.yaml"))


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
