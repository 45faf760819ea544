"""A local HTTP server for feed tests: 127.0.0.1, a port the kernel picks, files the test sets.

It answers conditional requests like a publisher's server (ETag and Last-Modified, 304 when
unchanged), and can be told to fail: a status code, a cut-short body, a redirect, or no answer
until the test ends (for timeouts, without any sleep in the test).
"""

import contextlib
import hashlib
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pipeline.base import hardening

LAST_MODIFIED = "Tue, 01 Dec 2026 00:00:00 GMT"


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    status: int = 200
    truncate: bool = False  # announce the whole length, send half, close
    redirect: str | None = None  # answer 302 to this url
    stall: bool = False  # answer nothing until the server stops


@dataclass
class Server:
    """The routes, what was asked, and the base url."""

    url: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    log: list[tuple[str, int]] = field(default_factory=list)  # (path, status answered)
    released: threading.Event = field(default_factory=threading.Event)


def _handler(server: Server):
    """Return the request handler class serving `server`'s routes."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet: the test's log is server.log
            pass

        def do_GET(self):
            route = server.routes.get(self.path)
            if route is None:
                return self._answer(404, b"not found")
            if route.stall:
                server.released.wait(30)  # until the test ends; the client gave up long before
                return None
            if route.redirect:
                self.send_response(302)
                self.send_header("Location", route.redirect)
                self.end_headers()
                server.log.append((self.path, 302))
                return None
            if route.status != 200:
                return self._answer(route.status, b"server error")
            etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                server.log.append((self.path, 304))
                return None
            self.send_response(200)
            self.send_header("Content-Length", str(len(route.body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", LAST_MODIFIED)
            self.end_headers()
            self.wfile.write(route.body[:len(route.body) // 2] if route.truncate else route.body)
            server.log.append((self.path, 200))
            if route.truncate:
                self.close_connection = True
            return None

        def _answer(self, status: int, body: bytes):
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            server.log.append((self.path, status))

    return Handler


@contextlib.contextmanager
def feed_server(certificate=None):
    """Serve on 127.0.0.1 at a free port for the test's length (over TLS with `certificate`, a
    (cert file, key file) pair); yield the Server."""
    hardening.allow_listening("127.0.0.1", 0)  # the CLI's network guard may be on in this process
    server = Server()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    httpd.daemon_threads = True
    scheme = "http"
    if certificate is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*certificate)
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        scheme = "https"
    server.url = f"{scheme}://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.released.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()
