"""`factsheets serve`: the workspace for staff in the browser (gallery, editor, figures, changes).

Only `serve` imports this package and the web stack (Starlette, uvicorn); build and check never do.
"""

from __future__ import annotations

from pathlib import Path

from ..builder.recipe import Options

LOCAL_HOSTS = ("127.0.0.1", "::1", "localhost")
DOCS = "docs/serve.md"


def serve(sources: list[Path], opts: Options, host: str, port: int, names: tuple[str, ...] = (),
          identity=None) -> None:
    """Serve the workspace until interrupted; `names` are the host names it may be asked for."""
    import uvicorn

    from ..base import hardening
    from .app import Project, create_app
    from .identity import Identity

    hardening.allow_listening(host, port)  # the one network use allowed: our own listener
    app = create_app(Project(sources, opts, identity or Identity()), hosts=(host, *names))
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, server_header=False,
                proxy_headers=False)
