"""Who made a change: a name (and an address for git), from the git identity, the login, or the proxy."""

from __future__ import annotations

import getpass
import re
import subprocess
from dataclasses import dataclass

UNSAFE = re.compile(r"[<>\n\r\x00-\x1f]")


@dataclass(frozen=True)
class Who:
    """A person as a version records them."""

    name: str
    email: str = ""

    def git_env(self) -> dict:
        """Return the environment that makes git record this person as author and committer."""
        email = self.email or f"{_slug(self.name)}@factsheets.invalid"
        return {"GIT_AUTHOR_NAME": self.name, "GIT_AUTHOR_EMAIL": email,
                "GIT_COMMITTER_NAME": self.name, "GIT_COMMITTER_EMAIL": email}


# A change found on disk that no run of the tool made: recorded as such, never under a user's name.
OUTSIDE = Who("changed outside factsheets", "outside@factsheets.invalid")


def named(name: str) -> Who:
    """Return the person with this name (from a proxy header or `serve --user`), made safe for git."""
    clean = UNSAFE.sub("", name).strip()[:200]
    if not clean:
        raise ValueError("an empty user name")
    return Who(clean, clean if "@" in clean else "")


def local(folder) -> Who:
    """Return the person running the command: the git identity (user.name) if set, else the login name."""
    def config(key: str) -> str:
        try:
            done = subprocess.run(["git", "-C", str(folder), "config", key], capture_output=True, text=True)
        except OSError:
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""
    name = config("user.name")
    if name:
        return Who(UNSAFE.sub("", name), UNSAFE.sub("", config("user.email")))
    try:
        return named(getpass.getuser())
    except (KeyError, OSError, ValueError):
        return Who("unknown user")


def _slug(name: str) -> str:
    """Return a name as the local part of an address."""
    return re.sub(r"[^A-Za-z0-9._-]+", ".", name).strip(".").lower() or "user"
