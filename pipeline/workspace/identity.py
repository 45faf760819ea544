"""Who is using the workspace: the reverse proxy's sign-in header, trusted only from the proxy's address,
or the one local user `serve --user NAME` names (the login name when none is given)."""

from __future__ import annotations

import getpass
import sys
from dataclasses import dataclass
from pathlib import Path

from starlette.responses import PlainTextResponse

from ..history.record import HistoryError, noted, recording
from ..history.who import Who, named


@dataclass(frozen=True)
class Identity:
    """How the workspace learns who is asking."""

    header: str | None = None  # e.g. X-Auth-Request-User, set by oauth2-proxy behind nginx
    proxies: tuple[str, ...] = ()  # the addresses the header is trusted from
    user: str | None = None  # the one local user, without a proxy

    def who(self, scope: dict) -> Who | None:
        """Return the person a request comes from; None when it must be refused (see `refusal`)."""
        if self.header is None:
            return named(self.user) if self.user else _login()
        if _address(scope) not in self.proxies:
            return None
        value = _header(scope, self.header)
        try:
            return named(value) if value else None
        except ValueError:
            return None

    def refusal(self, scope: dict) -> str:
        """Return, in plain words, why a request without a trusted name is refused."""
        if _address(scope) not in self.proxies:
            return ("This workspace is reached only through the Department's sign-in. "
                    "Open it at the address your office gave you.")
        return f"The sign-in did not say who you are (no {self.header} header). Sign in again."


class RequireIdentity:
    """ASGI middleware: with a proxy header configured, every request must come signed in through the proxy.

    A request from any other address is refused whether or not it carries the header: anyone could send it.
    """

    def __init__(self, app, identity: Identity):
        self.app, self.identity = app, identity

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and self.identity.header and self.identity.who(scope) is None:
            response = PlainTextResponse(self.identity.refusal(scope), status_code=403)
            return await response(scope, receive, send)
        return await self.app(scope, receive, send)


def write_recorded(files: list[Path], who: Who, action: str, write, note: str = "") -> None:
    """Run `write` inside a history recording; a history that cannot be kept is told to the admin, not lost."""
    who = who or Who("unnamed workspace user")  # every route names its user; never fail a write for want of one
    try:
        with recording(files, who, action, Path.cwd(), note):
            write()
    except HistoryError as exc:
        print(f"factsheets: warning: the change was saved but not recorded in the history: {exc}\n"
              f"  hint: check that git is installed and the history folder is writable (docs/history.md)",
              file=sys.stderr)


def note_recorded(file: Path, who: Who, action: str, note: str = "") -> None:
    """Record a step that writes no file (a rejection) in the file's history; a failure is told to the admin."""
    try:
        noted(file, who or Who("unnamed workspace user"), action, Path.cwd(), note)
    except HistoryError as exc:
        print(f"factsheets: warning: the step was done but not recorded in the history: {exc}\n"
              f"  hint: check that git is installed and the history folder is writable (docs/history.md)",
              file=sys.stderr)


def _login() -> Who:
    """Return the person running the server."""
    try:
        return named(getpass.getuser())
    except (KeyError, OSError, ValueError):
        return Who("local user")


def _address(scope: dict) -> str | None:
    """Return the address a request came from (the proxy's, when there is one)."""
    client = scope.get("client")
    return client[0] if client else None


def _header(scope: dict, name: str) -> str:
    """Return a request header's value (latin-1, as HTTP carries it), or ''."""
    wanted = name.lower().encode("latin-1")
    for key, value in scope.get("headers", []):
        if key == wanted:
            return value.decode("utf-8", "replace")
    return ""
