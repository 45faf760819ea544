"""Helpers for the history tests: real git repositories in temporary folders."""

import subprocess


def git(folder, *args) -> str:
    """Run git in a folder as a fixed test user and return its output."""
    command = ["git", "-C", str(folder), "-c", "user.name=Desk Officer", "-c", "user.email=desk@example.org", *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def work_tree(folder) -> None:
    """Make a folder a git work tree with everything in it committed."""
    git(folder, "init", "--quiet")
    git(folder, "add", "-A")
    git(folder, "commit", "--quiet", "-m", "the project as it was")
