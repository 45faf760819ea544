"""The hostile-input corpus: read a case, build it beside a good record through the CLI, compare.

A case is `tests/corpus/<category>/<name>.yaml` (a record, any bytes) and `<name>.expected`:

    why: what the case attacks, in one line
    exit: 0 or 1 (2 for a run-level refusal)
    as: other-name.yaml          (optional: the file name the record gets in the scratch project;
                                  \\xNN is a byte of the name, \\uXXXX a character, \\n a newline)
    text: exact text that must appear in both the .docx and the .pdf   (repeatable; \\uXXXX escapes,
          <<repeat>> too)
    ---
    the exact standard error of the run, when the case is refused

A case record may contain `<<repeat N "text">>` (text with \\n, \\" and \\\\ escapes), expanded
before the run, so that megabyte-sized cases stay a line in the repository. Every case runs with
a time limit of TIME_LIMIT seconds, so a case that builds too slowly fails by it.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.cli import command as cli

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).parent / "corpus"
COMPANION_ID = "00-companion"  # sorts first, so a case can collide with its id
COMPANION = ("layout: inl-country-program\ntitle: Companion sheet\nissuer: Bureau of Good Records\n"
             "date: 2003-03-11\nlead: The companion record builds whatever its neighbour holds.\n")
TIME_LIMIT = 30  # seconds a case may take: the limits promise under 5 s for any record within them
MARKER = "PWNED"  # cases that would run code try to create this file in the working folder
_REPEAT = re.compile(rb'<<repeat (\d+) "((?:[^"\\]|\\.)*)">>')
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|\\)")
_NAME_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|n|\\)")


@dataclass
class Expected:
    """The expected outcome of one case."""

    why: str
    exit: int
    name: str | None = None
    texts: list[str] = field(default_factory=list)
    stderr: str = ""


@dataclass
class Outcome:
    """What one run of a case did."""

    code: int
    out: str
    err: str
    folder: Path  # the scratch project
    record: Path  # the case's record in it


def cases() -> list[Path]:
    """Return every case record, sorted."""
    return sorted(CORPUS.glob("*/*.yaml"))


def case_id(case: Path) -> str:
    """Return '<category>-<name>', the case's name in tests and in the scratch project."""
    return f"{case.parent.name}-{case.stem}"


def read_expected(case: Path) -> Expected:
    """Parse a case's .expected file."""
    head, _, stderr = case.with_suffix(".expected").read_text(encoding="utf-8").partition("---\n")
    expected = Expected(why="", exit=-1, stderr=stderr)
    for line in head.splitlines():
        key, _, value = line.partition(": ")
        if key == "why":
            expected.why = value
        elif key == "exit":
            expected.exit = int(value)
        elif key == "as":
            expected.name = file_name(value)
        elif key == "text":
            expected.texts.append(_ESCAPE.sub(_unescape, expand(value.encode("utf-8")).decode("utf-8")))
        else:
            raise ValueError(f"{case.with_suffix('.expected')}: unknown line {line!r}")
    return expected


def file_name(written: str) -> str:
    """Return the file name an `as:` line stands for (bytes that are not UTF-8 kept, as os.listdir does)."""
    out, at = b"", 0
    for match in _NAME_ESCAPE.finditer(written):
        code = match.group(1)
        out += written[at:match.start()].encode("utf-8") + (
            bytes([int(code[1:], 16)]) if code[0] == "x" else b"\n" if code == "n" else b"\\"
            if code == "\\" else chr(int(code[1:], 16)).encode("utf-8"))
        at = match.end()
    return os.fsdecode(out + written[at:].encode("utf-8"))


def write_expected(case: Path, expected: Expected, texts_raw: list[str], name_raw: str | None = None) -> None:
    """Write a case's .expected file (`texts_raw` and `name_raw` as written, escapes kept)."""
    lines = [f"why: {expected.why}", f"exit: {expected.exit}"]
    lines += [f"as: {name_raw}"] if name_raw else []
    lines += [f"text: {t}" for t in texts_raw]
    body = "\n".join(lines) + "\n"
    if expected.exit != 0:
        body += "---\n" + expected.stderr
    case.with_suffix(".expected").write_text(body, encoding="utf-8")


def raw_name(case: Path) -> str | None:
    """Return the as: line of a case as written (for rewriting the file)."""
    head = case.with_suffix(".expected").read_text(encoding="utf-8").partition("---\n")[0]
    return next((line[len("as: "):] for line in head.splitlines() if line.startswith("as: ")), None)


def raw_texts(case: Path) -> list[str]:
    """Return the text: lines of a case as written (for rewriting the file)."""
    head = case.with_suffix(".expected").read_text(encoding="utf-8").partition("---\n")[0]
    return [line[len("text: "):] for line in head.splitlines() if line.startswith("text: ")]


def _unescape(match: re.Match) -> str:
    """Return the character a \\u, \\U, \\x or \\\\ escape stands for."""
    code = match.group(1)
    return "\\" if code == "\\" else chr(int(code[1:], 16))


def expand(data: bytes) -> bytes:
    """Expand <<repeat N "text">> in a case record."""
    def repeat(match: re.Match) -> bytes:
        text = re.sub(rb"\\(.)", lambda m: b"\n" if m.group(1) == b"n" else m.group(1), match.group(2))
        return text * int(match.group(1))
    while _REPEAT.search(data):  # inner repeats come out of outer ones
        data = _REPEAT.sub(repeat, data)
    return data


def run_case(case: Path, folder: Path, expected: Expected) -> Outcome:
    """Build the case and the companion record in a scratch project at `folder`."""
    sources = folder / "sources"
    sources.mkdir(parents=True)
    (sources / f"{COMPANION_ID}.yaml").write_text(COMPANION, encoding="utf-8")
    record = sources / (expected.name or f"{case_id(case)}.yaml")
    record.write_bytes(expand(case.read_bytes()))
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["build", "sources", "--out", "out", "--templates", str(ROOT / "templates"),
                             "--time-limit", str(TIME_LIMIT)])
    finally:
        os.chdir(old)
    return Outcome(code, out.getvalue(), err.getvalue(), folder, record)
