"""The version store: git, through its plumbing commands, so a change commits only the files it wrote.

When sources/ is inside a git work tree the commits go there; otherwise into a repository the project
keeps for itself, .factsheets/history.git beside sources/. A commit is built in a temporary index
(GIT_INDEX_FILE) from HEAD plus the written files, so anything someone else has staged stays staged
and out of the commit; hooks do not run (commit-tree), and HEAD moves only if no one moved it meanwhile.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .who import OUTSIDE, Who

PRIVATE = Path(".factsheets") / "history.git"
TRAILER = "Factsheets-Action"
ZERO = "0" * 40
NOTES = ("send", "clear", "return")  # the clearance steps: recorded without a change to any file
UNWRITTEN = (*NOTES, "reject")  # every step recorded without a change (a held feed change rejected, too)


class HistoryError(Exception):
    """The version store could not be read or written; the message says why in plain words."""


@dataclass
class Version:
    """One recorded change: its id, who made it, when, what kind of change and what it changed."""

    version: str
    who: str
    when: str
    action: str
    what: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        """Return the version as `factsheets history --json` prints it."""
        return {"version": self.version, "who": self.who, "when": self.when, "action": self.action,
                "what": self.what, "files": self.files}


class Store:
    """A git repository holding the history of a project's sources."""

    def __init__(self, git_dir: Path, top: Path, private: bool):
        self.git_dir, self.top, self.private = git_dir, top, private

    @classmethod
    def open(cls, sources: Path, project: Path) -> Store:
        """Return the store for a sources folder: its own git work tree's, or the project's private one."""
        folder = sources if sources.is_dir() else sources.parent
        if shutil.which("git") is None:
            raise HistoryError("git is not installed: install it (apt-get install git) to keep the history")
        found = subprocess.run(["git", "-C", str(folder), "rev-parse", "--absolute-git-dir", "--show-toplevel"],
                               capture_output=True, text=True, env=_clean_env())
        if found.returncode == 0 and len(found.stdout.split("\n")) >= 2:
            git_dir, top = found.stdout.split("\n")[:2]
            return cls(Path(git_dir), Path(top), private=False)
        root = project.resolve()
        if not folder.resolve().is_relative_to(root):  # records elsewhere: their project is beside them
            root = (folder.parent.parent if folder.name == "data" else folder.parent).resolve()
        project = root
        git_dir = root / PRIVATE
        if not (git_dir / "HEAD").exists():
            git_dir.parent.mkdir(parents=True, exist_ok=True)
            _run(["git", "init", "--quiet", "--bare", str(git_dir)], cwd=project)
        return cls(git_dir, project.resolve(), private=True)

    # --- reading -------------------------------------------------------------------------------

    def git(self, *args: str, env: dict | None = None, check: bool = True) -> str:
        """Run a git command on this store and return its output."""
        command = ["git", f"--git-dir={self.git_dir}", f"--work-tree={self.top}", *args]
        return _run(command, cwd=self.top, env=env, check=check)

    def relative(self, file: Path) -> str:
        """Return a file's path as the repository names it."""
        try:
            return file.resolve().relative_to(self.top).as_posix()
        except ValueError:
            raise HistoryError(f"{file} is outside the folder whose history is kept ({self.top})")

    def head(self) -> str | None:
        """Return the commit HEAD points at, or None in a repository without commits."""
        out = self.git("rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).strip()
        return out or None

    def blob(self, revision: str, path: str) -> bytes | None:
        """Return a file's bytes at a revision, or None when it did not exist there."""
        command = ["git", f"--git-dir={self.git_dir}", "cat-file", "blob", f"{revision}:{path}"]
        done = subprocess.run(command, capture_output=True, cwd=self.top, env=_clean_env())
        return done.stdout if done.returncode == 0 else None

    def versions(self, file: Path) -> list[Version]:
        """Return the versions that changed a file, and its clearance steps, newest first."""
        if self.head() is None:
            return []
        path = self.relative(file)
        out = self.git("log", "--name-only", "--format=%x1e%H%x1f%an%x1f%aI%x1f%B%x1f", "HEAD")
        found = []
        for entry in out.split("\x1e"):
            if not entry.strip():
                continue
            *head, changed = entry.split("\x1f")
            version = _version("\x1f".join(head))
            touched = path in changed.split("\n")
            if touched or (version.action in UNWRITTEN and path in version.files):
                found.append(version)
        return found

    def resolve(self, file: Path, version: str) -> str:
        """Return the full commit id of one of a file's versions named by (a prefix of) its id."""
        matches = [v for v in self.versions(file) if v.version.startswith(version.strip().lower())]
        if len(version.strip()) < 4 or len(matches) != 1:
            raise HistoryError(f"'{version}' is not one version of {self.relative(file)}: "
                               "use an id from 'factsheets history' (at least 4 characters)")
        return self.git("rev-parse", matches[0].version + "^{commit}").strip()

    # --- writing -------------------------------------------------------------------------------

    def unrecorded(self, files: list[Path]) -> list[Path]:
        """Return the files whose bytes on disk differ from the last recorded ones (changed outside the tool)."""
        head = self.head()
        changed = []
        for file in files:
            recorded = self.blob(head, self.relative(file)) if head else None
            current = file.read_bytes() if file.is_file() else None
            if current != recorded:
                changed.append(file)
        return changed

    def commit(self, files: list[Path], who: Who, summary: str, action: str, what: list[str]) -> str | None:
        """Commit exactly these files as they are on disk; return the new version id, None when nothing changed."""
        paths = [self.relative(file) for file in files]
        head = self.head()
        with tempfile.TemporaryDirectory(prefix="factsheets-index-") as scratch:
            env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
            self.git("read-tree", *([head] if head else ["--empty"]), env=env)
            self._stage(paths, env)
            tree = self.git("write-tree", env=env).strip()
        if head and tree == self.git("rev-parse", head + "^{tree}").strip():
            return None
        message = _message(summary, action, what, paths)
        env = who.git_env()
        parents = ["-p", head] if head else []
        commit = self._commit_tree(tree, parents, message, env)
        self.git("update-ref", "-m", f"factsheets: {action}", "HEAD", commit, head or ZERO)
        if not self.private:
            self._stage(paths, None)  # the real index agrees with the new commit for these files only
        return commit

    def note(self, path: str, who: Who, summary: str, action: str, what: list[str]) -> str:
        """Record a step that changes no file (a clearance, a return) as a version of its own; return its id."""
        head = self.head()
        if head is None:
            raise HistoryError(f"{path} has no version yet to clear: save it once first")
        tree = self.git("rev-parse", head + "^{tree}").strip()
        commit = self._commit_tree(tree, ["-p", head], _message(summary, action, what, [path]), who.git_env())
        self.git("update-ref", "-m", f"factsheets: {action}", "HEAD", commit, head)
        return commit

    def _commit_tree(self, tree: str, parents: list[str], message: str, env: dict) -> str:
        """Write the commit object and return its id."""
        command = ["git", f"--git-dir={self.git_dir}", "commit-tree", tree, *parents, "-F", "-"]
        return _run(command, cwd=self.top, env=env, input_text=message).strip()

    def _stage(self, paths: list[str], env: dict | None) -> None:
        """Put the files' current bytes (or their removal) into an index."""
        present = [p for p in paths if (self.top / p).is_file()]
        gone = [p for p in paths if p not in present]
        if present:
            self.git("update-index", "--add", "--", *present, env=env)
        if gone:
            self.git("update-index", "--force-remove", "--", *gone, env=env)


def _message(summary: str, action: str, what: list[str], paths: list[str]) -> str:
    """Return a commit message: the summary, the changes in plain words, the files and the action."""
    body = "\n".join(f"- {line}" for line in what) or ("- no field changed" if action not in UNWRITTEN else "")
    files = "\n".join(f"Factsheets-File: {p}" for p in paths)
    return f"{summary}\n\n{body}\n\n{files}\n{TRAILER}: {action}\n"


def _version(entry: str) -> Version:
    """Return a Version from one `git log` entry."""
    commit, who, when, message = entry.strip("\n").split("\x1f", 3)
    lines = message.splitlines()
    action = next((line.split(":", 1)[1].strip() for line in lines if line.startswith(TRAILER + ":")), "git commit")
    files = [line.split(":", 1)[1].strip() for line in lines if line.startswith("Factsheets-File:")]
    what = [line[2:] for line in lines[1:] if line.startswith("- ")]
    if action in UNWRITTEN:
        what = [lines[0], *what]  # "Cleared sources/x.yaml", then the comment
    if action == "git commit":  # a commit made with git itself, not by this tool: its subject says what
        what = [lines[0]] if lines else []
    return Version(version=commit[:12], who=who, when=when, action=action, what=what, files=files)


def _clean_env(extra: dict | None = None) -> dict:
    """Return the environment for git: no inherited repository or index settings, no pager, no prompts."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k == "GIT_CEILING_DIRECTORIES"}
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C"})
    env.update(extra or {})
    return env


def _run(command: list[str], cwd: Path, env: dict | None = None, check: bool = True,
         input_text: str | None = None) -> str:
    """Run git and return its output; raise HistoryError saying what failed."""
    try:
        done = subprocess.run(command, cwd=cwd, env=_clean_env(env), capture_output=True, text=True,
                              input=input_text)
    except OSError as exc:
        raise HistoryError(f"git could not run: {exc.strerror}")
    if check and done.returncode != 0:
        raise HistoryError(f"git {command[3] if len(command) > 3 else ''} failed: "
                           f"{done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")
    return done.stdout


__all__ = ["OUTSIDE", "UNWRITTEN", "HistoryError", "Store", "Version"]
